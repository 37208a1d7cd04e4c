"""Title, visible text, feeds and contact forms."""

from __future__ import annotations

from collections.abc import Iterator

from prospector.extract.dom import Node, Tree, absolute_http, deep_text, fold
from prospector.extract.vocab.links import COMMENT_FORM_RE, CONTACT_PAGE_RE, MESSAGE_FIELD_RE
from prospector.extract.vocab.text import FEED_TYPES, MAX_TITLE_CHARS
from prospector.models import Contact


def find_title(tree: Tree, titles: list[str] | None = None) -> str:
    """<title>, else og:title, else the first <h1>; folded and capped. `titles` are the
    texts of the page's <title> elements when the caller has them (read before the
    elements are stripped)."""
    if titles is None:
        titles = [el.text() or "" for el in tree.css("title")[:1]]
    for candidate in _title_candidates(tree, titles):
        title = fold(candidate)
        if title:
            return title[: MAX_TITLE_CHARS]
    return ""


def _title_candidates(tree: Tree, titles: list[str]) -> Iterator[str]:
    if titles:
        yield titles[0]
    og = tree.css_first("meta[property='og:title']")
    if og is not None:
        yield og.attrs.get("content") or ""
    h1 = tree.css_first("h1")
    if h1 is not None:
        yield deep_text(h1)


def find_feeds(tree: Tree, base: str,
               link_tags: list[Node] | None = None) -> tuple[str, ...]:
    """Absolute URLs of RSS/Atom feeds advertised with <link rel="alternate">."""
    out: list[str] = []
    for el in tree.css("link") if link_tags is None else link_tags:
        attrs = el.attributes
        rel = (attrs.get("rel") or "").lower().split()
        kind = (attrs.get("type") or "").lower().split(";")[0].strip()
        if "alternate" not in rel or kind not in FEED_TYPES:
            continue
        url = absolute_http(base, attrs.get("href") or "")
        if url and url not in out:
            out.append(url)
    return tuple(out)


def _is_contact_form(form: Node) -> bool:
    attrs = form.attributes
    marks = " ".join(attrs.get(a) or "" for a in ("id", "class", "action", "name", "role"))
    if COMMENT_FORM_RE.search(marks):
        return False
    fields = form.css("textarea, input")
    names = [" ".join(f.attributes.get(a) or "" for a in ("name", "id")) for f in fields]
    if any(COMMENT_FORM_RE.search(n) or n.strip().lower() in ("comment", "comment_post_id")
           for n in names):
        return False
    if any(f.tag == "textarea" for f in fields):
        return True
    return any(MESSAGE_FIELD_RE.search(n) for n in names)


def find_contact_forms(url: str, tree: Tree, title: str,
                       forms: list[Node] | None = None) -> tuple[Contact, ...]:
    """One `form` Contact for a contact page (by URL or title) carrying a message form."""
    if not (CONTACT_PAGE_RE.search(url) or CONTACT_PAGE_RE.search(title)):
        return ()
    for form in tree.css("form") if forms is None else forms:
        if _is_contact_form(form):
            return (Contact(kind="form", value=url, source_url=url, method="form",
                            confidence=0.8, role=""),)
    return ()
