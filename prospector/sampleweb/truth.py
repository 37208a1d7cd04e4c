"""The ground truth of the sample web, as JSON: what a perfect crawler would find."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from ..urls import registered_domain
from .contacts import EMAIL_METHODS
from .feeds import feed_truth
from .generator import build
from .hubs import site_truth, web_truth
from .mail import accepts_mail, address_pattern, mail_setups
from .model import SampleWeb, Site
from .search import page_url

# Grades (0 = not one, 1 = weak, 2 = good, 3 = ideal) decided from each site's designed
# facts, apart from the scoring code: what a person who knows the sample web would say.
PUBLISHING_KINDS = frozenset({"blog", "newsletter", "association", "news"})  # they post, so can go stale


def _reach(s: Site) -> int:
    """2: an address to write to; 1: a contact form only; 0: social only, nothing, or a
    site whose robots.txt shuts every polite crawler out."""
    if s.disallow_all:
        return 0
    if s.profile in EMAIL_METHODS:
        return 2
    return 1 if s.profile == "form_only" else 0


def partner_grade(s: Site) -> int:
    """A JV partner is a niche site other than a forum (forums are communities to join)
    with an owner who can be written to and is open to deals, and, for sites that
    publish, still active. 1 for any niche non-forum site, +1 when open to deals and
    reachable at all, +1 when reachable by email and active."""
    if not s.in_niche or s.kind in ("forum", "linkfarm"):
        return 0
    open_to_deals = bool(s.deal_pages)
    active = s.fresh or s.kind not in PUBLISHING_KINDS
    reach = _reach(s)
    return 1 + int(open_to_deals and reach >= 1) + int(reach == 2 and active)


def community_grade(s: Site) -> int:
    """A community to join is a niche forum (1, +1 when active, +1 when large: 1,000
    members or more) or an active niche blog (1: its comments are a small community)."""
    if not s.in_niche:
        return 0
    if s.kind == "forum":
        return 1 + int(s.fresh) + int((s.members or 0) >= 1000)
    if s.kind == "blog":
        return int(s.fresh)
    return 0


def truth(web: SampleWeb) -> dict[str, Any]:
    sites = []
    mail = mail_setups(web)
    for s in sorted(web.sites, key=lambda s: s.domain):
        assert registered_domain(s.host) == s.domain, s.host
        sites.append({
            "domain": s.domain,
            "hosts": [s.host, *s.aliases],
            "home": s.home,
            "name": s.name,
            "kind": s.kind,
            "platform": s.platform,
            "in_niche": s.in_niche,
            "link_only": s.link_only,
            "robots_disallow_all": s.disallow_all,
            "robots_disallow": list(s.robots_disallow),
            "emails": sorted(e.lower() for e in s.emails),
            "hidden_emails": sorted(e.lower() for e in s.hidden_emails),
            "email_methods": sorted(s.methods),
            "decoys": sorted(s.decoys),
            "forms": sorted(s.forms),
            "socials": sorted(s.socials),
            "feeds": sorted(s.feeds),
            "links_to": sorted(s.links_to),
            "last_post": s.last_post.isoformat() if s.last_post else None,
            "fresh": s.fresh,
            "members": s.members,
            "deal_pages": sorted(s.deal_pages),
            "pages": sorted(page_url(s, p) for p, pg in s.pages.items() if pg.is_html),
            "partner_grade": partner_grade(s),
            "community_grade": community_grade(s),
            **feed_truth(s, web.today),  # issue 21: rhythm, feed entries, posting figures
            "mail_setup": mail[s.domain],  # issue 22: how its DNS answers for mail
            "accepts_mail": accepts_mail(mail[s.domain]),
            "address_pattern": address_pattern(s),  # first, first.last, or None
            **site_truth(s),  # issue 24: hub links, profile decoys, rank reason
        })
    return {
        "seed": web.seed,
        "today": web.today.isoformat(),
        "keyword": "beekeeping",
        "sites": sites,
        "mail_domains": {d: {"setup": m, "accepts_mail": accepts_mail(m)} for d, m in mail.items()},
        **web_truth(web.sites),  # issue 24: hubs and their linking sites, infrastructure
    }


def truth_json(seed: int = 7, today: date | None = None) -> str:
    return json.dumps(truth(build(seed, today)), indent=1, sort_keys=True)
