"""The ground truth of the sample web, as JSON: what a perfect crawler would find."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from ..urls import registered_domain
from .generator import build
from .model import SampleWeb
from .search import page_url


def truth(web: SampleWeb) -> dict[str, Any]:
    sites = []
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
        })
    return {
        "seed": web.seed,
        "today": web.today.isoformat(),
        "keyword": "beekeeping",
        "sites": sites,
    }


def truth_json(seed: int = 7, today: date | None = None) -> str:
    return json.dumps(truth(build(seed, today)), indent=1, sort_keys=True)
