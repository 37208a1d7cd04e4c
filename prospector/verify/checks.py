"""`prospector verify`: every stored address (found, and inferred from the site's
pattern) checked for syntax (email-validator), disposable domain (the maintained
disposable-email-domains list), role or personal, and whether its domain receives mail
(DNS, `verify.dns`). Never SMTP: asking a mail server whether a mailbox exists (RCPT TO
without sending) is intrusive, blocked or answered "yes" to everything by most servers,
and gets the asking address and IP listed as a spammer's.

Results are stored with their check time and an expiry: a re-run within the TTL asks
DNS nothing; `unknown` expires at once (it is asked again next run).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import email_validator
from disposable_email_domains import blocklist

from prospector.store.connection import now
from prospector.store.db import Store
from prospector.verify.dns import DomainMail, ResolverSettings, resolve_domains

DEFAULT_TTL_DAYS = 7.0


@dataclass(frozen=True, slots=True)
class Syntax:
    normalized: str  # '' when invalid
    domain: str  # the part after the last @, lower case
    reason: str  # why it is invalid; '' when valid


def check_syntax(address: str) -> Syntax:
    """email-validator's verdict and normal form; no DNS here (that is verify.dns,
    asynchronous and counted). `.test` domains are allowed: the sample web lives there,
    and such an address fails at DNS anyway (RFC 6761)."""
    domain = address.rpartition("@")[2].lower()
    try:
        valid = email_validator.validate_email(address, check_deliverability=False,
                                               test_environment=True)
    except email_validator.EmailNotValidError as exc:
        return Syntax("", domain, f"invalid address: {exc}")
    return Syntax(valid.normalized, valid.domain.lower(), "")


def is_disposable(domain: str) -> bool:
    """On the disposable-email-domains list (a domain or one of its parents)."""
    parts = domain.lower().split(".")
    return any(".".join(parts[i:]) in blocklist for i in range(len(parts) - 1))


@dataclass(slots=True)
class VerifySummary:
    addresses: int = 0
    checked: int = 0  # addresses whose check was (re)done this run
    domains: int = 0  # domains resolved this run
    cached: int = 0  # addresses left as their fresh check said
    queries: int = 0  # DNS queries sent
    counts: Counter[str] = field(default_factory=Counter)  # deliverability -> addresses

    def line(self) -> str:
        parts = ", ".join(f"{self.counts[k]} {k}" for k in ("deliverable", "no_mail", "unknown"))
        return (f"{self.addresses} addresses: {parts}; {self.checked} checked on "
                f"{self.domains} domains with {self.queries} DNS queries, "
                f"{self.cached} still fresh")


def _expiry(at: datetime, deliverability: str, ttl_days: float) -> datetime:
    return at if deliverability == "unknown" else at + timedelta(days=ttl_days)


def verify_store(store: Store, which: str, settings: ResolverSettings,
                 ttl_days: float = DEFAULT_TTL_DAYS) -> VerifySummary:
    """Check the addresses of list `which` (jv, newsletters, communities, all); store
    the results. BackendError when the resolver does not answer at all."""
    at = now()
    rows = store.addresses_to_verify(which)
    fresh = store.fresh_addresses(at)
    todo = [r for r in rows if r["address"] not in fresh]
    summary = VerifySummary(addresses=len({r["address"] for r in rows}))
    syntax = {r["address"]: check_syntax(str(r["address"])) for r in todo}
    wanted = {s.domain for s in syntax.values() if not s.reason}
    known = store.fresh_domains(sorted(wanted), at)
    verdicts = {d: DomainMail(d, str(v["deliverability"]), str(v["reason"]), tuple(v["mx"]))
                for d, v in known.items()}
    resolved, summary.queries = resolve_domains(wanted - set(known), settings)
    verdicts.update(resolved)
    summary.domains = len(resolved)
    store.save_mail_domains([(d, v.deliverability, v.reason, list(v.mx), v.queries, at,
                              _expiry(at, v.deliverability, ttl_days))
                             for d, v in resolved.items()])
    store.save_contact_checks(list(_check_rows(todo, syntax, verdicts, at, ttl_days)))
    summary.checked = len({r["address"] for r in todo})
    summary.cached = summary.addresses - summary.checked
    listed = {r["address"] for r in rows}
    for check in store.contact_checks():
        if check["address"] in listed:
            summary.counts[str(check["deliverability"])] += 1
    return summary


def _check_rows(todo: Iterable[dict[str, object]], syntax: dict[object, Syntax],
                verdicts: dict[str, DomainMail], at: datetime, ttl_days: float
                ) -> Iterable[tuple[object, ...]]:
    done: set[object] = set()
    for row in todo:
        address = row["address"]
        if address in done:
            continue
        done.add(address)
        s = syntax[address]
        if s.reason:
            deliverability, reason = "no_mail", s.reason
        else:
            v = verdicts[s.domain]
            deliverability, reason = v.deliverability, v.reason
        disposable = is_disposable(s.domain)
        if disposable:
            reason += "; a disposable-address domain"
        role = "role" if row.get("role") == "role" else "personal"
        yield (address, s.normalized, s.domain, not s.reason, disposable, role,
               deliverability, reason, at, _expiry(at, deliverability, ttl_days))
