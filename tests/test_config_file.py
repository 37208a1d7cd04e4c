"""The user's TOML config file: every key checked, errors name the file and key."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from prospector.config import Config
from prospector.config.scrapy import scrapy_settings
from prospector.config.sources import load_config_file
from prospector.discover import options_from_config
from prospector.discover.footprints import DEFAULT_FOOTPRINTS, expand
from prospector.discover.run import BackendSpec, run_discovery
from prospector.errors import InputError
from tests.backend_servers import Running, fixtures

server, srv = fixtures()

GOOD = """
keyword = "beekeeping"
variants = ["apiculture", "honey bees"]

[discover]
backend = "marginalia"
marginalia_index = "blogs"
footprints = ['{kw} "bee club"']
include = ["bee-forum.test"]
exclude = ["amazon.com"]

[budgets]
max_sites = 40
max_pages = 4
max_distance = 1

[politeness]
download_delay = 2.5
"""


def test_good_file_builds_a_config(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text(GOOD)
    values = load_config_file(path)
    config = Config(db_path=tmp_path / "x.duckdb", **values)
    assert config.keywords == ("beekeeping", "apiculture", "honey bees")
    assert config.search_backend == "marginalia" and config.marginalia_index == "blogs"
    assert config.footprints == ('{kw} "bee club"',) and not config.replace_default_footprints
    assert (config.max_sites, config.max_pages_per_site, config.max_distance) == (40, 4, 1)
    assert config.download_delay == 2.5 and config.exclude == ("amazon.com",)
    assert scrapy_settings(config)["DOWNLOAD_DELAY"] == 2.5


def test_user_footprints_are_added_to_the_defaults(tmp_path: Path, srv: Running) -> None:
    """The file's footprints reach the search next to the defaults, not instead of them:
    every query sent to a real (loopback) SearXNG, counted."""
    path = tmp_path / "p.toml"
    path.write_text(GOOD)
    config = Config(db_path=tmp_path / "x.duckdb", **load_config_file(path))
    options, _ = options_from_config(config)
    options = replace(options, backends=(BackendSpec("searxng", f"{srv.url}/searxng"),),
                      backend_options={"searxng": {"min_interval": 0, "sleep": lambda s: None}},
                      max_pages=1, max_candidates=1_000_000)
    run_discovery(options)
    sent = [r.params.get("q", "") for r in srv.state.requests]
    assert 'beekeeping "bee club"' in sent and '"honey bees" "bee club"' in sent
    assert sorted(sent) == sorted(expand(config.keywords, (*DEFAULT_FOOTPRINTS, *config.footprints)))
    print(f"\nconfig footprints: {len(sent)} queries = {len(DEFAULT_FOOTPRINTS)} default "
          f"+ {len(config.footprints)} user templates x {len(config.keywords)} keywords, deduplicated")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("keyword = ", "not valid TOML"),
        ("colour = 'blue'", "unknown setting 'colour'"),
        ("[budgets]\nmax_site = 3", "unknown setting 'budgets.max_site'"),
        ("[budgets]\nmax_sites = 'many'", "budgets.max_sites has the wrong type"),
        ("[budgets]\nmax_sites = true", "budgets.max_sites must be a number"),
        ("[discover]\nexclude = [1, 2]", "discover.exclude must be a list of strings"),
    ],
)
def test_bad_files_are_one_line_errors(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "p.toml"
    path.write_text(text)
    with pytest.raises(InputError, match=message) as info:
        load_config_file(path)
    assert "\n" not in str(info.value)


def test_missing_and_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        load_config_file(tmp_path / "none.toml")
    with pytest.raises(InputError, match="is a directory"):
        load_config_file(tmp_path)
