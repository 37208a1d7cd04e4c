"""Shared fixtures: the sample web in a subprocess on a free loopback port, and helpers
to run the CLI as a user would (a real subprocess)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from prospector.sampleweb.proc import SampleWebProcess

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def sampleweb() -> Iterator[SampleWebProcess]:
    web = SampleWebProcess().start()
    try:
        yield web
    finally:
        web.stop()


@pytest.fixture(scope="session")
def truth(sampleweb: SampleWebProcess) -> dict[str, Any]:
    with urllib.request.urlopen(f"{sampleweb.url}/truth.json", timeout=10) as response:
        data: dict[str, Any] = json.load(response)
    return data


def run_cli(*args: str, cwd: Path | None = None, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run `prospector ARGS` in a subprocess, as a user or scheduler would."""
    env = dict(os.environ)
    env.pop("PYTHONWARNINGS", None)
    return subprocess.run(
        [sys.executable, "-m", "prospector", *args],
        capture_output=True, text=True, timeout=timeout, cwd=cwd or REPO, env=env,
    )


def store_earlier_run(db: Path) -> None:
    """What a previous run stored, for tests that check nothing already stored is lost:
    one site, one page (title "Kept apiary"), one contact (keeper@kept.test)."""
    from prospector.models import Candidate, Contact, FetchedPage, PageFacts
    from prospector.store.db import Store

    with Store.open(db) as store:
        run = store.start_run("beekeeping", "{}")
        store.add_candidates(run, [Candidate("http://kept.test/", "kept.test", "seed file")])
        facts = PageFacts(url="http://kept.test/", domain="kept.test", title="Kept apiary",
                          contacts=(Contact("email", "keeper@kept.test", "http://kept.test/"),))
        store.add_pages(run, [FetchedPage(site="kept.test", url="http://kept.test/", status=200,
                                          content_type="text/html", size=10, facts=facts)])
        store.finish_run(run, "done")


def seed_file(truth: dict[str, Any], tmp_path: Path, n: int = 6) -> Path:
    """A seed file of the first `n` niche sites a crawl can fetch (search results, not
    link-only, robots.txt allowing)."""
    homes = [s["home"] for s in truth["sites"]
             if s["in_niche"] and not s["link_only"] and not s["robots_disallow_all"]][:n]
    path = tmp_path / "seeds.txt"
    path.write_text("\n".join(homes) + "\n")
    return path
