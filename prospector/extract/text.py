"""Title, visible text, feeds and contact forms."""

from __future__ import annotations

from lxml import etree

from prospector.extract import patterns as P
from prospector.extract.dom import absolute_http, fold, visible_text
from prospector.models import Contact


def find_title(tree: etree._Element) -> str:
    """<title>, else og:title, else the first <h1>; folded and capped."""
    for candidate in (
        tree.xpath("string(//title)"),
        tree.xpath("string(//meta[@property='og:title']/@content)"),
        tree.xpath("string(//h1)"),
    ):
        title = fold(str(candidate))
        if title:
            return title[: P.MAX_TITLE_CHARS]
    return ""


def find_text(tree: etree._Element) -> str:
    """Visible text: no script/style/template/noscript, folded, capped."""
    return visible_text(tree, P.MAX_TEXT_CHARS)


def find_feeds(tree: etree._Element, base: str) -> tuple[str, ...]:
    """Absolute URLs of RSS/Atom feeds advertised with <link rel="alternate">."""
    out: list[str] = []
    for el in tree.iter("link"):
        rel = str(el.get("rel", "")).lower().split()
        kind = str(el.get("type", "")).lower().split(";")[0].strip()
        if "alternate" not in rel or kind not in P.FEED_TYPES:
            continue
        url = absolute_http(base, str(el.get("href", "")))
        if url and url not in out:
            out.append(url)
    return tuple(out)


def _is_contact_form(form: etree._Element) -> bool:
    marks = " ".join(
        str(form.get(a, "")) for a in ("id", "class", "action", "name", "role")
    )
    if P.COMMENT_FORM_RE.search(marks):
        return False
    fields = list(form.iter("textarea", "input"))
    names = [" ".join(str(f.get(a, "")) for a in ("name", "id")) for f in fields]
    if any(P.COMMENT_FORM_RE.search(n) or n.strip().lower() in ("comment", "comment_post_id")
           for n in names):
        return False
    if any(f.tag == "textarea" for f in fields):
        return True
    return any(P.MESSAGE_FIELD_RE.search(n) for n in names)


def find_contact_forms(url: str, tree: etree._Element, title: str) -> tuple[Contact, ...]:
    """One `form` Contact for a contact page (by URL or title) carrying a message form."""
    if not (P.CONTACT_PAGE_RE.search(url) or P.CONTACT_PAGE_RE.search(title)):
        return ()
    for form in tree.iter("form"):
        if _is_contact_form(form):
            return (Contact(kind="form", value=url, source_url=url, method="form",
                            confidence=0.8, role=""),)
    return ()
