"""Where a configuration comes from: flags over the config file (TOML) over the
environment, with all the checking in one place. Every key is checked; a typo is an
error, not a silence; every number has a range.

This module returns Config field values; `Config.from_sources` builds the Config."""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from prospector.errors import InputError

# section → key → (Config field, expected type)
_SCHEMA: dict[str, dict[str, tuple[str, type | tuple[type, ...]]]] = {
    "": {
        "keyword": ("keyword", str),
        "variants": ("variants", list),
    },
    "discover": {
        "backend": ("search_backend", (str, list)),  # a list: several backends in one run
        "search_url": ("search_url", str),
        "searxng_url": ("search_url", str),
        "marginalia_url": ("marginalia_url", str),
        "brave_url": ("brave_url", str),
        "marginalia_index": ("marginalia_index", (str, int)),
        "marginalia_filter": ("marginalia_filter", str),
        "search_max_age_days": ("search_max_age_days", (int, float)),
        "footprints": ("footprints", list),
        "replace_default_footprints": ("replace_default_footprints", bool),
        "include": ("include", list),
        "exclude": ("exclude", list),
        "seeds": ("seeds_path", str),
    },
    "budgets": {
        "max_sites": ("max_sites", int),
        "max_pages": ("max_pages_per_site", int),
        "max_distance": ("max_distance", int),
        "max_search_pages": ("max_search_pages", int),
    },
    "politeness": {
        "download_delay": ("download_delay", (int, float)),
        "concurrent_per_domain": ("concurrent_per_domain", int),
        "concurrent_requests": ("concurrent_requests", int),
        "autothrottle": ("autothrottle", bool),
        "obey_robots": ("obey_robots", bool),
        "user_agent": ("user_agent", str),
        "download_timeout": ("download_timeout", (int, float)),
        "shutdown_grace": ("shutdown_grace", (int, float)),
    },
    "ranking": {
        "relevance_floor": ("relevance_floor", (int, float)),
    },
    "store": {
        "flush_seconds": ("flush_seconds", (int, float)),
        "max_age_days": ("max_age_days", (int, float)),
    },
    "extract": {
        "workers": ("workers", int),
        "deadline": ("extract_deadline", (int, float)),
    },
    # Issue 22: `prospector drafts` signs with [sender]; `prospector verify` asks
    # [verify]'s resolver. The crawl reads neither (see OUTREACH_FIELDS).
    "sender": {
        "name": ("sender_name", str),
        "address": ("sender_address", str),
        "site": ("sender_site", str),
        "offer": ("sender_offer", str),
    },
    "verify": {
        "resolver": ("resolver", str),
        "timeout": ("dns_timeout", (int, float)),
        "ttl_days": ("verify_ttl_days", (int, float)),
        "concurrency": ("dns_concurrency", int),
    },
}
# Settings of `verify` and `drafts`, not of a crawl: left out of the crawl's Config.
OUTREACH_FIELDS = frozenset(f for section in ("sender", "verify")
                            for f, _ in _SCHEMA[section].values())


# Config field → (least, greatest) accepted: a value outside hangs or breaks a crawl
# (no concurrency, an infinite delay, a negative timeout) instead of failing at once.
_RANGES: dict[str, tuple[float, float]] = {
    "max_sites": (1, 10_000_000),
    "max_pages_per_site": (1, 10_000),
    "max_distance": (0, 100),
    "max_search_pages": (1, 100),
    "download_delay": (0, 3600),
    "concurrent_per_domain": (1, 1000),
    "concurrent_requests": (1, 10_000),
    "download_timeout": (1, 3600),
    "shutdown_grace": (0.5, 3600),
    "flush_seconds": (0.1, 3600),
    "max_age_days": (0, 36_500),
    "search_max_age_days": (0, 36_500),
    "dns_timeout": (0.05, 60),
    "verify_ttl_days": (0, 3650),
    "dns_concurrency": (1, 1000),
    "relevance_floor": (0, 1),
    "workers": (0, 256),
    "extract_deadline": (0.05, 600),
}
# Flags that add to the config file's lists instead of replacing them.
_APPENDED = ("variants", "exclude")
# The environment's settings, for values no flag or file gave.
_ENV = {"PROSPECTOR_SEARXNG_URL": "search_url", "PROSPECTOR_MARGINALIA_URL": "marginalia_url",
        "PROSPECTOR_BRAVE_URL": "brave_url"}


def build_values(flags: Mapping[str, Any], config_file: Path | None = None,
                 env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Config field values: `flags` (None = not given) over the config file over `env`;
    InputError naming the flag or key for anything unusable."""
    values: dict[str, Any] = load_config_file(config_file) if config_file else {}
    values = {k: v for k, v in values.items() if k not in OUTREACH_FIELDS}
    for name, value in flags.items():
        if name in _APPENDED:
            values[name] = (*values.get(name, ()), *value)
        elif value is not None:
            values[name] = value
    for var, name in _ENV.items():
        if env and env.get(var) and not values.get(name) and (
                name != "search_url" or values.get("search_backend") in (None, "searxng")):
            values[name] = env[var]
    if values.get("seeds_path") is not None:
        values["seeds_path"] = Path(values["seeds_path"])
    if isinstance(values.get("search_backend"), tuple):
        values["search_backend"] = ",".join(values["search_backend"])
    _check(values)
    return values


def outreach_values(config_file: Path | None) -> dict[str, Any]:
    """The [sender] and [verify] settings of a config file (none without one), ranged."""
    values = load_config_file(config_file) if config_file else {}
    found = {k: v for k, v in values.items() if k in OUTREACH_FIELDS}
    check_ranges(found)
    return found


def check_ranges(values: Mapping[str, Any]) -> None:
    """Every numeric value within its range (InputError naming it)."""
    for name, (least, greatest) in _RANGES.items():
        value = values.get(name)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise InputError(f"{name} must be a finite number, not {value!r}")
        if not least <= value <= greatest:
            raise InputError(f"{name} must be between {least:g} and {greatest:g}, not {value:g}")


def _check(values: Mapping[str, Any]) -> None:
    check_ranges(values)
    seeds = values.get("seeds_path")
    if seeds is not None and not seeds.is_file():
        what = "is a directory" if seeds.is_dir() else "does not exist"
        raise InputError(f"seed file {seeds} {what}")
    if not values.get("keyword"):
        raise InputError("missing keyword: give the niche, e.g. `prospector crawl beekeeping`")
    # No backend at all is Marginalia's public key (prospector.discover); `none` asks for
    # no search, so seeds or an include list must say what to crawl.
    if seeds is None and not values.get("include") and values.get("search_backend") == "none":
        raise InputError("nothing to crawl: give --search URL, --backend, --seeds FILE, "
                         "or an include list")


def load_config_file(path: Path) -> dict[str, Any]:
    """Config field → value from a TOML file; InputError naming the file and key."""
    try:
        raw = tomllib.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise InputError(f"config file {path} does not exist") from None
    except IsADirectoryError:
        raise InputError(f"config file {path} is a directory") from None
    except UnicodeDecodeError:
        raise InputError(f"config file {path} is not UTF-8 text") from None
    except OSError as exc:
        raise InputError(f"cannot read config file {path}: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"config file {path} is not valid TOML: {exc}") from None
    except RecursionError:  # a hostile file nested thousands deep
        raise InputError(f"config file {path} is nested too deeply") from None
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key == "weights":
            values["weights"] = _weights(path, value)
        elif isinstance(value, dict) and key in _SCHEMA and key:
            _take(path, key, value, values)
        elif key in _SCHEMA[""]:
            _take(path, "", {key: value}, values)
        else:
            raise InputError(f"config file {path}: unknown setting {key!r}")
    return values


def _take(path: Path, section: str, table: dict[str, Any], values: dict[str, Any]) -> None:
    schema = _SCHEMA[section]
    for key, value in table.items():
        name = f"{section}.{key}" if section else key
        if key not in schema:
            raise InputError(f"config file {path}: unknown setting {name!r}")
        field, expected = schema[key]
        if isinstance(value, bool) and expected in (int, (int, float)):
            raise InputError(f"config file {path}: {name} must be a number")
        if not isinstance(value, expected):
            raise InputError(f"config file {path}: {name} has the wrong type")
        if isinstance(value, list):
            if not all(isinstance(v, str) and v.strip() for v in value):
                raise InputError(f"config file {path}: {name} must be a list of strings")
            value = tuple(v.strip() for v in value)
        values[field] = str(value) if field == "marginalia_index" else value


def _weights(path: Path, table: Any) -> dict[str, dict[str, float]]:
    """`[weights.jv]` / `[weights.community]`: factor = points; each score's weights,
    with the defaults for the factors not named, must add up to 100."""
    from prospector.score.weights import check_weights

    if not isinstance(table, dict) or not all(isinstance(v, dict) for v in table.values()):
        raise InputError(f"config file {path}: weights must be tables [weights.jv], "
                         "[weights.community]")
    try:
        check_weights(table)
    except ValueError as exc:
        raise InputError(f"config file {path}: {exc}") from None
    return {score: {k: float(v) for k, v in factors.items()} for score, factors in table.items()}
