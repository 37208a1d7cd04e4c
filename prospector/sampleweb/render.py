"""Shared rendering for every engine: the `Builder` that owns one site's pages, plus the
pages every site has whatever its engine (contact, about, deal pages, robots,
sitemap, feed). Engines supply a layout and their own content pages.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from html import escape
from typing import Protocol

from . import content
from .contacts import ContactPlan, contact_form, share_links
from .feeds import render_feed
from .model import TEXT, XML, Post, Site


def esc(s: str) -> str:
    return escape(s, quote=True)


class Engine(Protocol):
    platform: str
    contact_path: str
    about_path: str
    feed_path: str
    feed_kind: str  # rss | atom

    def deal_path(self, slug: str) -> str: ...
    def post_path(self, post: Post) -> str: ...
    def layout(self, b: Builder, title: str, main: str, head: str = "") -> str: ...
    def content(self, b: Builder) -> None: ...


DEAL_ANCHORS: dict[str, str] = {
    "advertise": "Advertise with us",
    "write-for-us": "Write for us",
    "partners": "Partners",
    "affiliate-program": "Affiliate program",
    "sponsor": "Sponsor us",
}


@dataclass(slots=True)
class Builder:
    site: Site
    engine: Engine
    rng: random.Random
    today: date
    plan: ContactPlan
    deals: list[str]  # slugs from DEAL_ANCHORS
    impressum: bool
    posts: list[Post] = field(default_factory=list)

    # -- small helpers -------------------------------------------------------------------

    def url(self, path: str) -> str:
        return self.site.url(path)

    def link(self, target: Site, anchor: str | None = None) -> str:
        """An outbound link to another sample site, recorded for the truth."""
        self.site.links_to.add(target.domain)
        return f'<a href="{target.home}">{esc(anchor or target.name)}</a>'

    def sentences(self, n: int, per: int = 3) -> list[str]:
        pool = (content.BEE_SENTENCES if self.site.in_niche
                else content.OFFTOPIC[self.site.topic]["sentences"])
        return content.paragraphs(self.rng, pool, n, min(per, len(pool)))

    def nav(self) -> list[tuple[str, str]]:
        """Links to the contact-like pages, present on every page including home."""
        items = [(self.engine.about_path, "About"), (self.engine.contact_path, "Contact us")]
        items += [(self.engine.deal_path(d), DEAL_ANCHORS[d]) for d in self.deals]
        if self.impressum:
            items.append(("/impressum", "Impressum"))
        if "/private/" in self.site.robots_disallow:
            items.append(("/private/team", "Team contacts"))
        return items

    def nav_html(self, cls: str = "site-nav") -> str:
        lis = "".join(f'<li><a href="{esc(h)}">{esc(t)}</a></li>' for h, t in self.nav())
        return f'<ul class="{cls}">{lis}</ul>'

    def make_posts(self, n: int, titles: tuple[str, ...]) -> None:
        """Dated posts, newest first; fresh sites posted within two weeks of today."""
        if self.site.fresh:
            day = self.today - timedelta(days=self.rng.randint(0, 12))
        else:
            day = self.today - timedelta(days=self.rng.randint(2 * 365, 6 * 365))
        chosen = self.rng.sample(titles, min(n, len(titles)))
        for i, title in enumerate(chosen):
            first, last = content.person(self.rng)
            post = Post(
                pid=self.rng.randint(10, 9000) * 10 + i,
                title=title,
                slug=content.slugify(title),
                day=day,
                author=f"{first} {last}",
                paras=self.sentences(self.rng.randint(2, 4)),
            )
            post.path = self.engine.post_path(post)
            self.posts.append(post)
            day -= timedelta(days=self.rng.randint(3, 40))
        self.site.last_post = self.posts[0].day

    # -- pages shared by all engines -----------------------------------------------------

    def page(self, path: str, title: str, main: str, head: str = "") -> None:
        self.site.add_html(path, self.engine.layout(self, title, main, head))

    def finish(self) -> None:
        s, e, p = self.site, self.engine, self.plan
        about = (f"<h1>About {esc(s.name)}</h1><p>{esc(s.name)} is run by {esc(p.owner)}.</p>"
                 + "".join(f"<p>{esc(t)}</p>" for t in self.sentences(2)) + p.html("about"))
        self.page(e.about_path, f"About - {s.name}", about)
        contact = (f"<h1>Contact us</h1><p>Questions, corrections or ideas for {esc(s.name)}? "
                   "Get in touch.</p>" + p.html("contact"))
        if p.form:
            contact += contact_form(e.contact_path, placeholder=False)
            s.forms.append(s.url(e.contact_path))
            s.methods.add("form")
        self.page(e.contact_path, f"Contact - {s.name}", contact)
        for slug in self.deals:
            path = e.deal_path(slug)
            body = (f"<h1>{esc(DEAL_ANCHORS[slug])}</h1>"
                    f"<p>{esc(_deal_blurb(slug, s))}</p>" + p.html("deal"))
            self.page(path, f"{DEAL_ANCHORS[slug]} - {s.name}", body)
            s.deal_pages.append(s.url(path))
        if self.impressum:
            self.page("/impressum", f"Impressum - {s.name}",
                      f"<h1>Impressum</h1><p>Responsible for content: {esc(p.owner)}</p>"
                      f"<p>{self.rng.randint(1, 99)} Linden Road, {self.rng.randint(10000, 99999)} "
                      "Sampletown</p>")
        if "/private/" in s.robots_disallow:
            self.page("/private/team", f"Team - {s.name}",
                      "<h1>Team</h1>" + (p.html("private") or "<p>Members only.</p>"))
        if s.socials:
            s.methods.add("social")
        self.feed()
        self.sitemap()
        self.robots()

    def share(self, path: str) -> str:
        return share_links(self.url(path)) if self.plan.share else ""

    def feed(self) -> None:
        # The main feed with a posting rhythm and its truth (issue 21: sampleweb.feeds).
        render_feed(self)

    def sitemap(self) -> None:
        s = self.site
        urls = [p for p, page in s.pages.items() if page.is_html and not _blocked(s, p)]
        body = ('<?xml version="1.0" encoding="UTF-8"?>\n'
                '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                + "".join(f"<url><loc>{esc(s.url(u))}</loc></url>" for u in urls)
                + "</urlset>")
        s.add_raw("/sitemap.xml", body, XML)

    def robots(self) -> None:
        s = self.site
        lines = ["User-agent: *"]
        lines += [f"Disallow: {d}" for d in s.robots_disallow] or ["Disallow:"]
        lines += ["", f"Sitemap: {s.url('/sitemap.xml')}", ""]
        s.add_raw("/robots.txt", "\n".join(lines), TEXT)


def _blocked(site: Site, path: str) -> bool:
    return any(path.startswith(d) for d in site.robots_disallow)


def _deal_blurb(slug: str, site: Site) -> str:
    if slug == "write-for-us":
        return f"We welcome guest posts. Pitch your article idea to the {site.name} editors."
    if slug == "affiliate-program":
        return "Join our affiliate program and earn commission on every referred order."
    if slug == "partners":
        return "We partner with clubs, makers and writers. Become a partner or sponsor."
    if slug == "sponsor":
        return "Sponsor an issue and reach thousands of engaged readers."
    return f"Advertise with us: banner slots and sponsored posts on {site.name}."
