"""Issue 25: the config, backend and report tests fail when the code they guard is broken.

Each test applies one mutation of the issue's table with monkeypatch (the cheap form of
`scripts/mutations.py`, which edits the source itself) and runs the guarding test's own
function under it: that test must fail."""

from __future__ import annotations

from pathlib import Path

import pytest

import prospector.discover.run as discover_run
import prospector.report.render as render
from prospector.discover.backends import BraveBackend, MarginaliaBackend, SearxngBackend
from tests import test_backends, test_config_file, test_report
from tests.backend_servers import Running, fixtures
from tests.chromium import browser

server, srv = fixtures()


def test_footprints_replacing_the_defaults_is_caught(tmp_path: Path, srv: Running,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Mutation: the user's footprints replace the defaults (no default is asked)."""
    monkeypatch.setattr(discover_run, "DEFAULT_FOOTPRINTS", ())
    with pytest.raises(AssertionError):
        test_config_file.test_user_footprints_are_added_to_the_defaults(tmp_path, srv)


@pytest.mark.parametrize("name", sorted(test_backends.DEFAULT_SPACING))
def test_unspaced_backends_are_caught(srv: Running, name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Mutation: every backend's default min_interval is 0."""
    for cls in (SearxngBackend, MarginaliaBackend, BraveBackend):
        monkeypatch.setitem(cls.__init__.__kwdefaults__, "min_interval", 0.0)
    with pytest.raises(AssertionError):
        test_backends.test_backend_calls_are_spaced_by_its_rate_limit(srv, name)


def test_facts_never_shown_is_caught(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Mutation: the report's `_fact` always returns None (every fact a dash)."""
    monkeypatch.setattr(render, "_fact", lambda row, columns: None)
    with browser() as chromium, pytest.raises(AssertionError):
        test_report.test_missing_facts_show_a_dash(chromium, tmp_path)
