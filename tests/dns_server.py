"""The DNS test harness: a real dnsmasq (Debian package) on a free loopback port serving
the sample web's mail records (MX, null MX, A only, AAAA only, NXDOMAIN, and slow answers
through a small UDP server of our own: prospector.sampleweb.mail), and a crawled copy
of the sample web to verify, draft and move along the pipeline.

Import the fixtures into a test module: `from tests.dns_server import dns, crawled_db`.
Without dnsmasq the tests that need it skip with one line; under CI=true they fail."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from prospector.sampleweb.generator import build
from prospector.sampleweb.mail import DnsServer, mail_setups
from prospector.sampleweb.proc import SampleWebProcess
from tests.conftest import run_cli

SEED = 7


def need_dnsmasq() -> None:
    if shutil.which("dnsmasq") or Path("/usr/sbin/dnsmasq").exists():
        return
    if os.environ.get("CI") == "true":
        pytest.fail("dnsmasq is not installed (make test installs the Debian package)")
    pytest.skip("dnsmasq not installed: DNS tests skipped (run make test as root)")


def start_dns(setups: dict[str, str]) -> DnsServer:
    need_dnsmasq()
    return DnsServer(setups).start()


@pytest.fixture(scope="module")
def dns() -> Iterator[DnsServer]:
    """dnsmasq serving the sample web's mail domains."""
    server = start_dns(mail_setups(build(SEED)))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def crawled_db(sampleweb: SampleWebProcess, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh crawl of the whole sample web (read it through a copy: `fresh_copy`)."""
    db = tmp_path_factory.mktemp("crawl") / "bees.duckdb"
    crawl = run_cli("crawl", "beekeeping", "--db", str(db), "--search", sampleweb.url,
                    "--backend", "sampleweb", "--proxy", sampleweb.url, "--fast",
                    "--no-progress")
    assert crawl.returncode == 0, crawl.stderr[-3000:]
    return db


def fresh_copy(db: Path, folder: Path) -> Path:
    copy = folder / db.name
    shutil.copy(db, copy)
    return copy
