"""Title, visible text, feeds and contact forms."""

from __future__ import annotations

from lxml import etree

from prospector.extract import patterns as P
from prospector.extract.dom import absolute_http, fold, visible_text
from prospector.models import Contact


def find_title(tree: etree._Element, titles: list[etree._Element] | None = None) -> str:
    """<title>, else og:title, else the first <h1>; folded and capped. `titles` are the
    page's <title> elements when the caller has them."""
    if titles:
        title = fold("".join(titles[0].itertext()))
        if title:
            return title[: P.MAX_TITLE_CHARS]
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


def find_feeds(tree: etree._Element, base: str,
               link_tags: list[etree._Element] | None = None) -> tuple[str, ...]:
    """Absolute URLs of RSS/Atom feeds advertised with <link rel="alternate">."""
    out: list[str] = []
    for el in tree.iter("link") if link_tags is None else link_tags:
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


def find_contact_forms(url: str, tree: etree._Element, title: str,
                       forms: list[etree._Element] | None = None) -> tuple[Contact, ...]:
    """One `form` Contact for a contact page (by URL or title) carrying a message form."""
    if not (P.CONTACT_PAGE_RE.search(url) or P.CONTACT_PAGE_RE.search(title)):
        return ()
    for form in tree.iter("form") if forms is None else forms:
        if _is_contact_form(form):
            return (Contact(kind="form", value=url, source_url=url, method="form",
                            confidence=0.8, role=""),)
    return ()
