"""`prospector drafts`: one personalised first message per prospect, from a Jinja2
template the user can replace, written as RFC 5322 files (Python's `email` package;
Thunderbird and Apple Mail open them, `X-Unsent: 1` makes Outlook open them as drafts)
or as one mail-merge CSV. Nothing is ever sent: the project has no SMTP client.

A prospect gets a draft when its list shows it (suppressed sites, sites in cooldown,
declined ones and partners are not in the lists) and it has a found address that is not
suppressed and not `no_mail` (inferred addresses are guesses: they are never drafted to).
"""

from __future__ import annotations

import csv
import email.policy
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import jinja2
import jinja2.sandbox

from prospector.errors import InputError
from prospector.files import write_atomic
from prospector.report.export import neutralise
from prospector.store.db import Store, is_suppressed
from prospector.verify.patterns import fitting, name_parts, site_names

DEFAULT_TEMPLATE = Path(__file__).parent / "templates" / "first_message.txt.j2"
CSV_COLUMNS = ("to", "name", "subject", "body", "site", "hook")
OPT_OUT = ("If you would rather not hear from me again, reply \"no thanks\" and I will not "
           "write again.")
SENDER_KEYS = ("name", "address", "site", "offer")
# A deal signal (extract.vocab.deals) as the sentence that shows it was seen.
DEAL_HOOKS = {
    "write_for_us": "I saw that you accept guest posts",
    "advertise": "I saw that you take advertising",
    "sponsor": "I saw that you welcome sponsors",
    "affiliate": "I saw that you run an affiliate programme",
    "partners": "I saw your page for partners",
    "ebook": "I saw your e-book",
    "shop": "I saw your shop",
}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# What separates a site's name from the rest of its title.
_TITLE_SEPARATOR = re.compile(r"\s+[-|\u2013\u2014\u00b7:]\s+")


@dataclass(frozen=True, slots=True)
class Sender:
    name: str
    address: str
    site: str
    offer: str


@dataclass(frozen=True, slots=True)
class Draft:
    rank: int
    domain: str
    to: str
    name: str  # the person greeted, '' for a neutral greeting
    subject: str
    body: str
    site: str
    hook: str


@dataclass(slots=True)
class DraftRun:
    drafts: list[Draft] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)

    def line(self, out: Path, fmt: str) -> str:
        why = ", ".join(f"{n} {k}" for k, n in sorted(self.skipped.items()))
        return (f"{len(self.drafts)} drafts ({fmt}) in {out}"
                + (f"; no draft for {why}" if why else ""))


def plain(text: Any) -> str:
    """One line of scraped text, no control characters."""
    return " ".join(_CONTROL.sub(" ", str(text or "")).split())


def sender_from(values: dict[str, Any], config: Path | None) -> Sender:
    """The [sender] section; InputError naming what is missing."""
    found = {k: plain(values.get(f"sender_{k}")) for k in SENDER_KEYS}
    missing = [k for k, v in found.items() if not v]
    where = f"config file {config}" if config else "no --config FILE given"
    if missing:
        raise InputError(f"drafts need a [sender] section with {', '.join(SENDER_KEYS)} "
                         f"({where}: missing {', '.join(missing)})")
    if "@" not in found["address"] or any(c in found["address"] for c in " <>,"):
        raise InputError(f"[sender] address is not an email address: {found['address']!r}")
    return Sender(**found)


def load_template(path: Path | None) -> jinja2.Template:
    """The user's template (or ours) in a sandbox; StrictUndefined makes a misspelt
    variable an error rather than an empty word in a letter."""
    source = path or DEFAULT_TEMPLATE
    try:
        text = source.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read template {source}: {getattr(exc, 'strerror', None) or exc}") \
            from None
    env = jinja2.sandbox.SandboxedEnvironment(undefined=jinja2.StrictUndefined, autoescape=False,
                                              keep_trailing_newline=True, trim_blocks=True)
    try:
        return env.from_string(text)
    except jinja2.TemplateSyntaxError as exc:
        raise InputError(f"template {source} line {exc.lineno}: {exc.message}") from None


def hook_for(row: dict[str, Any]) -> tuple[str, str]:
    """(kind, sentence) showing the site was read: its latest post, else a deal
    signal, else its newsletter's readers, else the sites linking to it."""
    if plain(row.get("latest_post")):
        return "post", f"I enjoyed your post \u201c{plain(row['latest_post'])}\u201d"
    for signal in plain(row.get("deal_signals")).replace(" ", "").split(","):
        if signal in DEAL_HOOKS:
            return "deal", DEAL_HOOKS[signal]
    if row.get("readers"):
        return "readers", f"I saw that your newsletter reaches {int(row['readers']):,} readers"
    linked = [plain(d) for d in (row.get("linked_from") or [])][:2]
    if linked:
        return "links", f"I found you through {' and '.join(linked)}, who link to you"
    return "site", f"I have been reading {site_name(row)}"


def site_name(row: dict[str, Any]) -> str:
    """The site's name: its title up to a separator ("Nectar Blog - notes on…" is
    Nectar Blog), else its domain."""
    title = plain(row.get("title"))
    name = _TITLE_SEPARATOR.split(title, maxsplit=1)[0].strip()
    return name if len(name) >= 3 else title or str(row["domain"])


def contact_name(names: list[str], address: str, role: str) -> str:
    """The person the site names whose address this is (a pattern makes it from their
    name), else '' (a neutral greeting)."""
    if role == "role":
        return ""
    local = address.split("@")[0]
    for name in names:
        if name_parts(plain(name)) is not None and fitting(plain(name), local):
            return plain(name)
    return ""


def choose_address(domain: str, addresses: list[dict[str, Any]],
                   blocked: dict[str, set[str]]) -> tuple[dict[str, Any] | None, str]:
    """The address to write to, or None and why not."""
    allowed = [a for a in addresses if not is_suppressed(blocked, domain, "email", str(a["value"]))]
    if not addresses:
        return None, "no address"
    if not allowed:
        return None, "suppressed"
    usable = [a for a in allowed if a.get("deliverability") != "no_mail"]
    return (usable[0], "") if usable else (None, "no_mail")


def render_draft(template: jinja2.Template, sender: Sender, row: dict[str, Any],
                 address: dict[str, Any], names: list[str]) -> Draft:
    kind, hook = hook_for(row)
    to = str(address["value"])
    person = contact_name(names, to, str(address.get("role") or ""))
    name = site_name(row)
    try:
        text = template.render(greeting_name=person.split()[0] if person else "",
                               contact_name=person, site_name=name, site_url=plain(row.get("url")),
                               hook=hook, hook_kind=kind, sender=sender, opt_out=OPT_OUT)
    except (jinja2.TemplateError, TypeError, ValueError) as exc:
        raise InputError(f"template: {exc}") from None
    first, _, body = text.lstrip("\n").partition("\n")
    if not first.lower().startswith("subject:"):
        raise InputError("template must start with a line 'Subject: …' (then the body)")
    return Draft(int(row["rank"]), str(row["domain"]), to, person, plain(first[8:]),
                 body.strip("\n") + "\n", name, hook)


def make_drafts(store: Store, which: str, template: jinja2.Template, sender: Sender,
                limit: int | None) -> DraftRun:
    run = DraftRun()
    blocked = store.suppressions()
    addresses = store.site_addresses()
    people = site_names(store)
    written: set[str] = set()
    for row in store.draft_prospects(which):
        if limit is not None and len(run.drafts) >= limit:
            break
        domain = str(row["domain"])
        address, why = choose_address(domain, addresses.get(domain, []), blocked)
        if address is not None and address["value"] in written:
            # One owner behind several sites (a network, a link farm): one message.
            address, why = None, "address shared with a site drafted above"
        if address is None:
            run.skipped[why] += 1
            continue
        written.add(str(address["value"]))
        run.drafts.append(render_draft(template, sender, row, address, people.get(domain, [])))
    return run


def message(draft: Draft, sender: Sender) -> EmailMessage:
    msg = EmailMessage(policy=email.policy.SMTP)
    msg["From"] = Address(sender.name, addr_spec=sender.address)
    msg["To"] = Address(draft.name, addr_spec=draft.to) if draft.name else draft.to
    msg["Subject"] = draft.subject
    msg["X-Unsent"] = "1"
    # Quoted-printable keeps the file 7-bit whatever the names' letters.
    msg.set_content(draft.body, cte="quoted-printable")
    return msg


def out_folder(out: Path) -> None:
    """`out` exists as a folder (created when its parent does); InputError otherwise."""
    if out.exists() and not out.is_dir():
        raise InputError(f"--out {out} is a file; give a folder for the drafts")
    if not out.parent.exists():
        raise InputError(f"folder {out.parent} does not exist")
    try:
        out.mkdir(exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create {out}: {exc.strerror or exc}") from None


def write_drafts(run: DraftRun, sender: Sender, out: Path, fmt: str) -> list[Path]:
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(CSV_COLUMNS)
        for d in run.drafts:
            writer.writerow([neutralise(v) for v in (d.to, d.name, d.subject, d.body, d.site,
                                                     d.hook)])
        path = out / "drafts.csv"
        _write(path, buffer.getvalue())
        return [path]
    paths = []
    for d in run.drafts:
        path = out / f"{d.rank:04d}-{d.domain}.eml"
        _write(path, message(d, sender).as_string())
        paths.append(path)
    return paths


def _write(path: Path, text: str) -> None:
    try:
        write_atomic(path, text, newline="")
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror or exc}") from None
