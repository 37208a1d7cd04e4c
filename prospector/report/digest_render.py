"""The digest issue as e-mail HTML and plain text, through Jinja2 templates the user can
replace (`--template FILE`); written atomically like the report.

The HTML is made for mail clients: tables for layout at most 640 px wide, every style
inline (clients drop <style> and <link>), no script, no image, nothing fetched; links only
to http(s) addresses. The text version keeps every line under 78 columns (RFC 5322's
advice); a longer URL is bracketed and broken across lines (`_url_lines`).
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, PackageLoader, TemplateError, select_autoescape

from prospector.errors import InputError
from prospector.files import check_out_path, write_atomic
from prospector.report.digest import Issue, build_issue

WIDTH = 640
TEXT_COLUMNS = 76  # lines of the text version: under 78
HTML_TEMPLATE = "digest.html.j2"
TEXT_TEMPLATE = "digest.txt.j2"


def _safe_url(url: str) -> str:
    return url if url.startswith(("http://", "https://")) else ""


def _wrap(text: str, indent: str = "") -> str:
    return "\n".join(textwrap.wrap(text, TEXT_COLUMNS, initial_indent=indent,
                                   subsequent_indent=indent, break_long_words=False,
                                   break_on_hyphens=False)) or indent.rstrip()


def _url_lines(url: str, indent: str = "  ") -> str:
    """An http(s) URL on lines under 78 columns: whole when it fits, else in angle
    brackets broken after a '/', '-', '?' or '&' (RFC 3986 appendix C: a reader drops
    the whitespace inside the brackets)."""
    url = _safe_url(url)
    if len(indent) + len(url) <= TEXT_COLUMNS:
        return indent + url
    room = TEXT_COLUMNS - len(indent) - 1
    lines, rest = [], f"<{url}>"
    while len(rest) > room:
        cut = max(rest.rfind(c, 0, room) for c in "/-?&")
        cut = cut + 1 if cut > 0 else room
        lines.append(rest[:cut])
        rest = rest[cut:]
    lines.append(rest)
    return "\n".join(indent + line for line in lines)


def _filters(env: Environment) -> Environment:
    env.filters["safe_url"] = _safe_url
    env.filters["wrap"] = _wrap
    env.filters["url_lines"] = _url_lines
    return env


def _environment(template: Path | None) -> Environment:
    loader: Any = (FileSystemLoader(str(template.parent)) if template
                   else PackageLoader("prospector.report", "templates"))
    return _filters(Environment(loader=loader, autoescape=select_autoescape(default=True),
                                trim_blocks=True, lstrip_blocks=True))


def render_html(issue: Issue, template: Path | None = None) -> str:
    env = _environment(template)
    name = template.name if template else HTML_TEMPLATE
    return env.get_template(name).render(issue=issue, width=WIDTH)


def render_text(issue: Issue) -> str:
    env = _filters(Environment(loader=PackageLoader("prospector.report", "templates"),
                               autoescape=False, trim_blocks=True, lstrip_blocks=True,
                               keep_trailing_newline=True))
    return env.get_template(TEXT_TEMPLATE).render(issue=issue)


@dataclass(frozen=True)
class DigestResult:
    written: bool
    line: str  # what the command prints


def write_digest(store: Any, out: Path, text: Path | None = None, *, days: int = 7,
                 limit: int = 12, per_site: int = 2, template: Path | None = None
                 ) -> DigestResult:
    """Draft the issue and write it; with no post in the period, nothing is written and
    the line says so."""
    db = None if store.path == ":memory:" else Path(store.path)
    check_out_path(out, "digest", db)
    if text is not None:
        check_out_path(text, "digest text", db)
    if template is not None and not template.is_file():
        raise InputError(f"--template {template}: no such file")
    issue = build_issue(store, days=days, limit=limit, per_site=per_site)
    if not issue.items:
        return DigestResult(False, f"no posts in the {days} days to {issue.end:%Y-%m-%d}:"
                                   " no issue written")
    try:
        html = render_html(issue, template)
    except TemplateError as exc:
        raise InputError(f"--template {template}: {exc}") from None
    write_atomic(out, html)
    if text is not None:
        write_atomic(text, render_text(issue))
    return DigestResult(True, f"{out}: {len(issue.items)} items from {len(issue.sites)} "
                              f"sites, {issue.start:%Y-%m-%d} to {issue.end:%Y-%m-%d}")
