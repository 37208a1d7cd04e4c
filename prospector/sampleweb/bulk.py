"""The bulk part of the sample web: many plain niche sites for throughput and memory
benchmarks, rendered on request from (seed, site, path) and never held in memory.

`BulkWeb(seed, sites, pages)` is `sites` beekeeping forums and blogs of `pages` pages
each (home included). Site i is `www.<words>-<i:05d>.test` (the bare domain answers
with a redirect to it). Every HTML page is ≈19 KB (18.5–19.3 KB) and has exactly
`LINKS_PER_PAGE` (31) links: the home link, a navigation window over the site's other
pages, three links to other bulk sites, post and reply links and a footer, all
repeating the same in-site targets as real sites do. Every page but home sits under a contact-like path
(/about/, /contact/, /advertise/, /team/…), so a crawl that only follows contact-like
links (the prospect spider) reaches the same pages as one that follows every link;
/about/ and /contact/ carry the site's email address. robots.txt allows everything.

The bulk web is served beside the normal sample web (which stays byte-identical) when
the server is started with `--bulk-sites N`; `seed_lines()` (or `/bulk-seeds.txt` on
the control host) lists every home page, for `prospector crawl --seeds`.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import date, timedelta
from html import escape

from . import content
from .model import HTML, TEXT

LINKS_PER_PAGE = 31
PAGE_BYTES = 18_500  # every HTML page has at least this; ≈18.9 KB on average
NAV_WINDOW = 10  # in-site pages in each page's navigation (the spider follows ≤ 10)
OUTBOUND = 3  # links to other bulk sites on every page
MAX_SITES = 99_999

# Contact-like first pages of every site, in order; beyond them, team member pages.
SECTIONS: tuple[tuple[str, str], ...] = (
    ("/about/", "About us"),
    ("/contact/", "Contact us"),
    ("/advertise/", "Advertise"),
    ("/write-for-us/", "Write for us"),
    ("/partners/", "Partners"),
    ("/sponsors/", "Sponsors"),
    ("/team/", "Our team"),
    ("/press/", "Press"),
    ("/contribute/", "Contribute"),
    ("/impressum/", "Impressum"),
    ("/affiliates/", "Affiliates"),
    ("/staff/", "Staff"),
    ("/work-with-us/", "Work with us"),
    ("/media-kit/", "Media kit"),
    ("/collaborate/", "Collaborate"),
)
_SUFFIXES = ("forum", "talk", "keepers", "notes", "diary", "journal")
_HOST = re.compile(r"(?:www\.)?([a-z]+-[a-z]+)-(\d{5})\.test")
_ROBOTS = b"User-agent: *\nDisallow:\n"
_EPOCH = date(2024, 1, 1)


def _pool() -> tuple[str, ...]:
    """A fixed pool of paragraphs; pages pick from it (cheap to render on request)."""
    rng = random.Random("bulk:paragraphs")
    return tuple(escape(p) for p in content.paragraphs(rng, content.BEE_SENTENCES, 240, 4))


_PARAGRAPHS = _pool()
_TITLES = tuple(escape(t) for t in (*content.THREAD_TITLES, *content.POST_TITLES))


@dataclass(frozen=True, slots=True)
class BulkPage:
    """What the server answers: a body, or a redirect when `location` is set."""

    status: int
    body: bytes = b""
    content_type: str = HTML
    location: str = ""


@dataclass(frozen=True, slots=True)
class BulkWeb:
    seed: int = 7
    sites: int = 500
    pages: int = 10  # per site, home included

    def __post_init__(self) -> None:
        if not 1 <= self.sites <= MAX_SITES:
            raise ValueError(f"bulk sites must be 1..{MAX_SITES}")
        if self.pages < 1:
            raise ValueError("bulk pages must be at least 1")

    # -- names ------------------------------------------------------------------------
    def label(self, i: int) -> str:
        words = content.BEE_WORDS
        return f"{words[i % len(words)]}-{_SUFFIXES[(i // len(words)) % len(_SUFFIXES)]}"

    def domain(self, i: int) -> str:
        return f"{self.label(i)}-{i:05d}.test"

    def host(self, i: int) -> str:
        return f"www.{self.domain(i)}"

    def home(self, i: int) -> str:
        return f"http://{self.host(i)}/"

    def site_of(self, host: str) -> int | None:
        """The index of the bulk site answering on `host` (canonical or bare), or None."""
        m = _HOST.fullmatch(host)
        if m is None:
            return None
        i = int(m.group(2))
        return i if i < self.sites and m.group(1) == self.label(i) else None

    def seed_lines(self) -> list[str]:
        """Every site's home page, one a line: a seed file for `prospector crawl`."""
        return [self.home(i) for i in range(self.sites)]

    def paths(self) -> list[str]:
        """The pages of every site (the same paths on each), home first."""
        out = ["/"]
        for n in range(self.pages - 1):
            out.append(SECTIONS[n][0] if n < len(SECTIONS)
                       else f"/team/keeper-{n - len(SECTIONS) + 1}/")
        return out

    def total_pages(self) -> int:
        return self.sites * self.pages

    # -- serving ----------------------------------------------------------------------
    def respond(self, host: str, path: str) -> BulkPage | None:
        """The answer for (host, path), or None when the host is not a bulk site."""
        i = self.site_of(host)
        if i is None:
            return None
        if host != self.host(i):
            return BulkPage(301, location=f"http://{self.host(i)}{path}")
        if path == "/robots.txt":
            return BulkPage(200, _ROBOTS, TEXT)
        paths = self.paths()
        if path in paths:
            return BulkPage(200, self.render(i, paths.index(path)))
        if "?" not in path and not path.endswith("/") and path + "/" in paths:
            return BulkPage(301, location=f"http://{self.host(i)}{path}/")
        return BulkPage(404)

    # -- rendering --------------------------------------------------------------------
    @staticmethod
    def _label_of(n: int) -> str:
        if n == 0:
            return "Home"
        return SECTIONS[n - 1][1] if n - 1 < len(SECTIONS) else f"Team: keeper {n - len(SECTIONS)}"

    def render(self, i: int, n: int) -> bytes:
        """Page `n` (index into `paths()`) of site `i`, the same bytes every time."""
        rng = random.Random(f"bulk:{self.seed}:{i}:{n}")
        paths = self.paths()
        path = paths[n]
        forum = i % 2 == 0
        name = " ".join(w.capitalize() for w in self.label(i).split("-")) + f" {i}"
        page_title = name if n == 0 else f"{self._label_of(n)} - {name}"
        links: list[str] = []

        def a(href: str, anchor: str) -> str:
            links.append(href)
            return f'<a href="{href}">{anchor}</a>'

        # The next NAV_WINDOW pages after this one, wrapping: a crawl following ten
        # links a page still reaches every page of a bigger site.
        window = list(range(n + 1, n + len(paths)))[:NAV_WINDOW]
        nav = "".join(f"<li>{a(paths[k % len(paths)], escape(self._label_of(k % len(paths))))}"
                      "</li>" for k in window)
        friends = []
        if self.sites > 1:
            picks = rng.sample(range(self.sites - 1), min(OUTBOUND, self.sites - 1))
            friends = [k if k < i else k + 1 for k in picks]
        blogroll = "".join(
            f"<li>{a(self.home(k), ' '.join(w.capitalize() for w in self.label(k).split('-')))}"
            "</li>" for k in friends)
        email = f"{'admin' if forum else 'editor'}@{self.domain(i)}"
        owner = " ".join(content.person(rng))
        head = (
            '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>{escape(page_title)}</title>"
            f'<meta name="description" content="{escape(name)}: a beekeeping '
            f'{"forum" if forum else "blog"} for hobby and small-scale beekeepers.">'
            + ('<meta name="generator" content="WordPress 6.4.2">' if not forum else "")
            + "</head><body>"
            f'<header><h1>{a("/", escape(name))}</h1><nav class="menu"><ul>{nav}</ul></nav>'
            "</header>"
        )
        contact = ""
        if path in ("/about/", "/contact/"):
            contact = (f"<section class=\"contact\"><h2>Get in touch</h2><p>{escape(name)} is run "
                       f"by {escape(owner)}. Write to {email} about the site, advertising or "
                       "guest posts.</p></section>")
        sidebar = f'<aside class="sidebar"><h3>Friends of the hive</h3><ul>{blogroll}</ul></aside>'
        footer_items = [("/contact/", "Contact"), ("/about/", "About"), ("/advertise/", "Advertise"),
                        ("/", "Top")]
        # Footer links to pages a small site lacks fall back to its home page.
        footer = "".join(f"<li>{a(p if p in paths else '/', t)}</li>" for p, t in footer_items)
        tail = (f'<footer><ul class="footer-links">{footer}</ul><p>&copy; {escape(name)}'
                + (" &middot; Powered by phpBB&reg; Forum Software" if forum else "")
                + "</p></footer></body></html>")
        # Posts (blog) or threads (forum) until the page has its size; each post has a
        # title link and a reply link, both to in-site pages, until the links are used.
        budget = LINKS_PER_PAGE - len(links)
        posts: list[str] = []
        size = len(head) + len("<main></main>") + len(contact) + len(sidebar) + len(tail)
        k = 0
        day = _EPOCH + timedelta(days=(i * 7 + n * 3) % 300)
        while size < PAGE_BYTES or budget > 0:
            title = _TITLES[rng.randrange(len(_TITLES))]
            author = " ".join(content.person(rng))
            target = paths[(n + k + 1) % len(paths)]
            parts = [f'<article class="{"thread" if forum else "post"}"><h2>']
            parts.append(a(target, title) if budget > 0 else title)
            budget -= budget > 0
            parts.append(f'</h2><p class="byline">{escape(author)} &middot; '
                         f"{(day - timedelta(days=k)).isoformat()}</p>")
            for _ in range(3 if size < PAGE_BYTES else 0):
                parts.append(f"<p>{_PARAGRAPHS[rng.randrange(len(_PARAGRAPHS))]}</p>")
            if budget > 0:
                parts.append(f'<p class="reply">{a(target, "Reply")}</p>')
                budget -= 1
            parts.append("</article>")
            post = "".join(parts)
            posts.append(post)
            size += len(post)
            k += 1
        body = f'{head}<main>{contact}{"".join(posts)}</main>{sidebar}{tail}'
        return body.encode("utf-8")
