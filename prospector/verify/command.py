"""`prospector verify`: flags and the config file's [verify] section → pattern inference
and the checks; one summary line."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from prospector.config.sources import outreach_values
from prospector.errors import DatabaseError, ExitCode
from prospector.store.db import Store
from prospector.verify.dns import (
    DEFAULT_CONCURRENCY,
    DEFAULT_TIMEOUT,
    ResolverSettings,
    parse_resolver,
    system_resolver,
)


def resolver_settings(flag: str | None, timeout: float | None,
                      file_values: dict[str, Any]) -> ResolverSettings:
    """--resolver over [verify] resolver over the machine's own (/etc/resolv.conf)."""
    text = flag or file_values.get("resolver") or system_resolver()
    host, port = parse_resolver(str(text))
    return ResolverSettings(
        host, port, float(timeout or file_values.get("dns_timeout") or DEFAULT_TIMEOUT),
        int(file_values.get("dns_concurrency") or DEFAULT_CONCURRENCY))


def open_existing(db: Path) -> Store:
    """The DB to update: these commands never create one (a typo in --db would
    otherwise leave an empty database and say nothing was there)."""
    if not db.is_dir() and not db.exists():
        raise DatabaseError(f"no database at {db}: run `prospector crawl` first")
    return Store.open(db)


def verify_command(args: argparse.Namespace) -> int:
    from prospector.verify.checks import DEFAULT_TTL_DAYS, verify_store
    from prospector.verify.patterns import infer_store

    values = outreach_values(args.config)
    settings = resolver_settings(args.resolver, args.timeout, values)
    ttl = values.get("verify_ttl_days")
    with open_existing(args.db) as store:
        inferred = infer_store(store)
        summary = verify_store(store, args.which, settings,
                               DEFAULT_TTL_DAYS if ttl is None else float(ttl))
    print(f"{inferred.line()}; {summary.line()}")
    return ExitCode.OK


def demo_verify(db: Path, seed: int) -> str:
    """The demo's verify, against a local dnsmasq serving the sample web's mail records;
    one line saying it was skipped where dnsmasq is not installed."""
    from prospector.sampleweb.generator import build
    from prospector.sampleweb.mail import DnsServer, mail_setups
    from prospector.verify.checks import verify_store
    from prospector.verify.patterns import infer_store

    try:
        server = DnsServer(mail_setups(build(seed))).start()
    except (FileNotFoundError, RuntimeError) as exc:
        return f"verify skipped: {exc}"
    try:
        with Store.open(db) as store:
            inferred = infer_store(store)
            summary = verify_store(store, "all", ResolverSettings("127.0.0.1", server.port, 1.0))
    finally:
        server.stop()
    return f"verify (local dnsmasq {server.address}): {inferred.line()}; {summary.line()}"
