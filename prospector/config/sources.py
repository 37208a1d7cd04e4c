"""The user's config file (TOML): keyword variants, footprints, include and exclude
lists, budgets, politeness. Every key is checked; a typo is an error, not a silence."""

from __future__ import annotations

import tomllib
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
        "backend": ("search_backend", str),
        "search_url": ("search_url", str),
        "marginalia_index": ("marginalia_index", (str, int)),
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
    },
    "store": {
        "flush_seconds": ("flush_seconds", (int, float)),
        "max_age_days": ("max_age_days", (int, float)),
    },
}


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
    from prospector.score import check_weights

    if not isinstance(table, dict) or not all(isinstance(v, dict) for v in table.values()):
        raise InputError(f"config file {path}: weights must be tables [weights.jv], "
                         "[weights.community]")
    try:
        check_weights(table)
    except ValueError as exc:
        raise InputError(f"config file {path}: {exc}") from None
    return {score: {k: float(v) for k, v in factors.items()} for score, factors in table.items()}
