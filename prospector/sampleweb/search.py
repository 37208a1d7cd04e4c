"""A tiny search engine over the sample web, answering like SearXNG's JSON API.

Link-only sites are never indexed: they exist to be found by following links.
Ranking is term frequency (title weighted), ties broken by URL, so results are
stable for a given web.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from .model import SampleWeb, Site

PAGE_SIZE = 10
_WORD = re.compile(r"[a-z0-9]+")
_QUERY = re.compile(r'(-?)(?:(site|inurl|intitle):)?(?:"([^"]*)"|(\S+))', re.I)
_WS = re.compile(r"\s+")


def page_url(site: Site, path: str) -> str:
    return site.url(path)


def _fold(text: str) -> str:
    return _WS.sub(" ", text.lower()).strip()


@dataclass(frozen=True, slots=True)
class Doc:
    url: str
    host: str
    title: str
    text: str  # as shown, for snippets
    folded: str  # lower-case title + text, whitespace-folded, for phrases
    words: Counter[str]
    title_words: Counter[str]


@dataclass(frozen=True, slots=True)
class Term:
    kind: str  # word | phrase | site | inurl | intitle
    value: str
    negate: bool


def parse(query: str) -> list[Term]:
    terms: list[Term] = []
    for neg, op, phrase, word in _QUERY.findall(query):
        value = phrase if phrase else word
        if not value.strip():
            continue
        negate = neg == "-"
        if op:
            terms.append(Term(op.lower(), value.lower(), negate))
        elif phrase:
            terms.append(Term("phrase", _fold(value), negate))
        else:
            terms.extend(Term("word", w, negate) for w in _WORD.findall(value.lower()))
    return terms


class Index:
    def __init__(self, web: SampleWeb) -> None:
        self.docs: list[Doc] = []
        for site in web.sites:
            if site.link_only:
                continue
            for path, page in site.pages.items():
                # Pages a search engine would have dropped: robots-hidden team pages.
                if not page.is_html or path.startswith("/private/"):
                    continue
                folded = _fold(f"{page.title} {page.text}")
                self.docs.append(Doc(
                    url=page_url(site, path), host=site.host, title=page.title, text=page.text,
                    folded=folded, words=Counter(_WORD.findall(folded)),
                    title_words=Counter(_WORD.findall(page.title.lower())),
                ))
        self.docs.sort(key=lambda d: d.url)

    def _score(self, doc: Doc, terms: list[Term]) -> float | None:
        score = 0.0
        for t in terms:
            if t.kind == "word":
                hit = doc.words[t.value] > 0
                score += doc.words[t.value] + 3 * doc.title_words[t.value]
            elif t.kind == "phrase":
                n = doc.folded.count(t.value)
                hit = n > 0
                score += 2 * n
            elif t.kind == "site":
                hit = doc.host == t.value or doc.host.endswith("." + t.value)
            elif t.kind == "inurl":
                hit = t.value in doc.url.lower()
            else:
                hit = t.value in doc.title.lower()
            if hit == t.negate:
                return None
        return score

    def search(self, query: str) -> list[tuple[float, Doc]]:
        terms = parse(query)
        if not any(not t.negate for t in terms):
            return []
        scored = []
        for doc in self.docs:
            s = self._score(doc, terms)
            if s is not None:
                scored.append((s, doc))
        scored.sort(key=lambda x: (-x[0], x[1].url))
        return scored

    def answer(self, query: str, pageno: int) -> dict[str, Any]:
        hits = self.search(query)
        start = (max(pageno, 1) - 1) * PAGE_SIZE
        terms = [t.value for t in parse(query) if t.kind in ("word", "phrase") and not t.negate]
        results = [
            {
                "url": doc.url,
                "title": doc.title,
                "content": _snippet(doc, terms),
                "engine": "sampleweb",
                "engines": ["sampleweb"],
                "score": round(score, 3),
                "category": "general",
                "positions": [start + i + 1],
            }
            for i, (score, doc) in enumerate(hits[start : start + PAGE_SIZE])
        ]
        return {
            "query": query,
            "number_of_results": len(hits),
            "results": results,
            "answers": [],
            "corrections": [],
            "infoboxes": [],
            "suggestions": [],
            "unresponsive_engines": [],
        }


def _snippet(doc: Doc, terms: list[str]) -> str:
    low = doc.text.lower()
    at = min((i for i in (low.find(t) for t in terms) if i >= 0), default=0)
    start = max(0, at - 60)
    return doc.text[start : start + 200].strip()
