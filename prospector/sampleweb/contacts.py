"""How a site writes its contacts: the encodings (plain, mailto, obfuscated, entities,
Cloudflare, JSON-LD, JS concatenation), social profiles, forms and decoys.

A `ContactPlan` is a set of HTML snippets keyed by the slot they belong to (home
footer, contact page, about page, deal pages, the robots-hidden team page, <head>).
Engines only decide *where* a slot is rendered; what is in it is decided here, and
every address placed is recorded on the site so the truth cannot drift from pages.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field

from .content import person
from .model import Site

# Email encodings; each is assigned to at least two sites by the planner.
EMAIL_METHODS: tuple[str, ...] = (
    "text", "mailto", "mailto_subject", "obf_brackets", "obf_parens", "obf_words",
    "obf_braces", "entity_dec", "entity_hex", "cf_class", "cf_href", "jsonld_org",
    "jsonld_person", "js_concat",
)
# Profiles without an address at all.
NO_EMAIL_PROFILES: tuple[str, ...] = ("form_only", "social_only", "none")
PROFILES: tuple[str, ...] = EMAIL_METHODS + NO_EMAIL_PROFILES

DECOY_KINDS: tuple[str, ...] = (
    "retina_logo", "retina_icon", "placeholder", "eg_text", "text_template",
    "template_literal", "sentry_dsn",
)
SENTRY_DSN = "https://abc123@o12345.ingest.sentry.io/42"

ROLES: tuple[str, ...] = ("info", "admin", "webmaster", "editor", "support", "hello", "contact")
WEBMAIL: tuple[str, ...] = ("gmail.com", "outlook.com", "yahoo.com")

SOCIAL_NETWORKS: tuple[str, ...] = ("facebook", "instagram", "youtube", "x", "pinterest")


def social_url(network: str, handle: str) -> str:
    """The canonical profile URL the truth records for `handle` on `network`."""
    return {
        "facebook": f"https://www.facebook.com/{handle}",
        "instagram": f"https://www.instagram.com/{handle}",
        "youtube": f"https://www.youtube.com/@{handle}",
        "x": f"https://x.com/{handle}",
        "pinterest": f"https://www.pinterest.com/{handle}",
    }[network]


def share_links(page_url: str) -> str:
    """Share buttons: they point at social networks but are not profiles."""
    return (
        '<div class="share-buttons">'
        f'<a href="https://www.facebook.com/sharer/sharer.php?u={page_url}">Share</a> '
        f'<a href="https://x.com/intent/tweet?url={page_url}">Post</a> '
        f'<a href="https://www.pinterest.com/pin/create/button/?url={page_url}">Pin</a>'
        "</div>"
    )


def cf_encode(email: str, key: int) -> str:
    """Cloudflare email obfuscation: key byte, then every char XOR key, as hex."""
    return f"{key:02x}" + "".join(f"{ord(c) ^ key:02x}" for c in email)


def cf_decode(blob: str) -> str:
    key = int(blob[:2], 16)
    return "".join(chr(int(blob[i : i + 2], 16) ^ key) for i in range(2, len(blob), 2))


def obfuscate(email: str, at: str, dot: str) -> str:
    local, domain = email.split("@")
    return f"{local}{at}{domain.replace('.', dot)}"


def encode(method: str, email: str, rng: random.Random, label: str = "") -> str:
    """One address written the way `method` names; `label` is a visible caption."""
    cap = f"{label}: " if label else ""
    if method == "text":
        return f"<p>{cap}{email}</p>"
    if method == "mailto":
        return f'<p>{cap}<a href="mailto:{email}">{email}</a></p>'
    if method == "mailto_subject":
        subject = rng.choice(("Guest%20post", "Advertising", "Hello", "Question"))
        return f'<p><a href="mailto:{email}?subject={subject}">{label or "Email us"}</a></p>'
    if method == "obf_brackets":
        return f"<p>{cap}{obfuscate(email, ' [at] ', ' [dot] ')}</p>"
    if method == "obf_parens":
        return f"<p>{cap}{obfuscate(email, '(at)', '(dot)')}</p>"
    if method == "obf_words":
        return f"<p>{cap}{obfuscate(email, ' AT ', ' DOT ')}</p>"
    if method == "obf_braces":
        return f"<p>{cap}{obfuscate(email, ' {at} ', ' {dot} ')}</p>"
    if method == "entity_dec":
        return f"<p>{cap}{''.join(f'&#{ord(c)};' for c in email)}</p>"
    if method == "entity_hex":
        return f"<p>{cap}{email.replace('@', '&#x40;')}</p>"
    if method == "cf_class":
        blob = cf_encode(email, rng.randrange(1, 256))
        return (
            f'<p>{cap}<a href="/cdn-cgi/l/email-protection" class="__cf_email__" '
            f'data-cfemail="{blob}">[email&#160;protected]</a></p>'
            '<script data-cfasync="false" '
            'src="/cdn-cgi/scripts/5c5dd728/cloudflare-static/email-decode.min.js"></script>'
        )
    if method == "cf_href":
        blob = cf_encode(email, rng.randrange(1, 256))
        anchor = label or "Send us an email"
        return f'<p><a href="/cdn-cgi/l/email-protection#{blob}">{anchor}</a></p>'
    if method == "js_concat":
        local, domain = email.split("@")
        return f"<p>{cap}<script>document.write('{local}' + '@' + '{domain}')</script></p>"
    raise ValueError(method)


def jsonld(kind: str, name: str, url: str, email: str) -> str:
    data: dict[str, object] = {"@context": "https://schema.org", "@type": kind, "name": name,
                               "url": url}
    data["email"] = f"mailto:{email}" if kind == "Person" else email
    return f'<script type="application/ld+json">{json.dumps(data, sort_keys=True)}</script>'


@dataclass(slots=True)
class ContactPlan:
    slots: dict[str, list[str]] = field(default_factory=dict)
    form: bool = False
    share: bool = False
    owner: str = ""

    def put(self, slot: str, markup: str) -> None:
        self.slots.setdefault(slot, []).append(markup)

    def html(self, slot: str) -> str:
        return "\n".join(self.slots.get(slot, []))


def _address(site: Site, rng: random.Random, personal: tuple[str, str], role: bool) -> str:
    first, last = personal
    if site.kind == "blog" and site.platform in ("blogger", "wordpress") and rng.random() < 0.5:
        tag = rng.choice(("beegirl", "hivedad", "apiarist", "honeybee", "beekeeper"))
        return f"{tag}.{first.lower()}@{rng.choice(WEBMAIL)}"
    if role:
        return f"{rng.choice(ROLES)}@{site.domain}"
    local = rng.choice((first.lower(), f"{first.lower()}.{last.lower()}"))
    return f"{local}@{site.domain}"


def plan(
    site: Site, rng: random.Random, decoy: str | None, private: bool, deals: bool
) -> ContactPlan:
    """Decide the contacts of `site` and record them on it."""
    p = ContactPlan()
    who = person(rng)
    p.owner = f"{who[0]} {who[1]}"
    method = site.profile
    found: set[str] = set()
    if method in EMAIL_METHODS:
        main = _address(site, rng, who, role=rng.random() < 0.6)
        found.add(main)
        if method == "jsonld_org":
            p.put("head", jsonld("Organization", site.name, site.home, main))
            p.put("contact", "<p>You can reach us through the details on this page.</p>")
        elif method == "jsonld_person":
            p.put("head", jsonld("Person", p.owner, site.home, main))
        else:
            slot = rng.choice(("contact", "contact", "about", "home"))
            p.put(slot, encode(method, main, rng, "Email"))
        site.methods.add(method)
        # A second, simpler address on the advertise page for some commercial sites.
        if deals and site.kind in ("shop", "newsletter", "blog") and rng.random() < 0.5:
            ads = f"{rng.choice(('ads', 'partners', 'press'))}@{site.domain}"
            if ads != main:
                p.put("deal", encode("mailto_subject", ads, rng, "Email our partnerships team"))
                found.add(ads)
                site.methods.add("mailto_subject")
        p.form = rng.random() < 0.3
    elif method == "form_only":
        p.form = True
    if method == "social_only" or (method not in ("none", "form_only") and rng.random() < 0.5):
        handle = site.domain.split(".")[0].replace("-", "")
        nets = rng.sample(SOCIAL_NETWORKS, rng.randint(1, 3))
        links = [social_url(n, handle) for n in sorted(nets)]
        site.socials.extend(links)
        items = "".join(f'<li><a href="{u}" rel="me">{n.title()}</a></li>'
                        for n, u in zip(sorted(nets), links, strict=True))
        p.put("home", f'<ul class="social-links">{items}</ul>')
    p.share = rng.random() < 0.5
    if private:
        # The "team." prefix keeps it distinct from every published address.
        hidden = f"team.{who[0].lower()}@{site.domain}"
        p.put("private", f"<p>Team lead: {p.owner}, {hidden}</p>")
        site.hidden_emails.add(hidden)
    if decoy:
        _decoy(site, p, decoy)
    if site.disallow_all:
        # A robots-obeying crawler fetches nothing here, so nothing is findable.
        site.hidden_emails.update(found)
    else:
        site.emails.update(found)
    return p


def _decoy(site: Site, p: ContactPlan, kind: str) -> None:
    if kind == "retina_logo":
        p.put("home", f'<img src="/img/logo@2x.png" alt="{site.name} logo" width="180">')
        site.decoys.add("logo@2x.png")
    elif kind == "retina_icon":
        p.put("home", '<img src="/assets/icon@3x.webp" alt="" width="32" height="32">')
        site.decoys.add("icon@3x.webp")
    elif kind == "placeholder":
        p.put("home", '<form class="newsletter-signup" action="/subscribe" method="post">'
              '<input type="email" name="email" placeholder="you@example.com">'
              '<button type="submit">Subscribe</button></form>')
        site.decoys.add("you@example.com")
    elif kind == "eg_text":
        p.put("home", "<p class=\"hint\">Enter your address (e.g. name@example.com) "
              "to get new posts by email.</p>")
        site.decoys.add("name@example.com")
    elif kind == "text_template":
        addr = f"template@{site.domain}"
        p.put("home", '<script type="text/template" id="contact-card-tpl">'
              f'<div class="card"><a href="mailto:{addr}">{{{{name}}}}</a></div></script>')
        site.decoys.add(addr)
    elif kind == "template_literal":
        addr = f"draft@{site.domain}"
        p.put("home", "<script>const replyNote = (days) => "
              f"`Replies to {addr} are answered within ${{days}} days`;</script>")
        site.decoys.add(addr)
    elif kind == "sentry_dsn":
        p.put("home", f'<script>window.SENTRY_CONFIG = {{dsn: "{SENTRY_DSN}", '
              'tracesSampleRate: 0.1};</script>')
        site.decoys.add("abc123@o12345.ingest.sentry.io")


def contact_form(action: str, placeholder: bool) -> str:
    ph = ' placeholder="you@example.com"' if placeholder else ""
    return (
        f'<form class="contact-form" method="post" action="{action}">'
        '<label>Your name <input type="text" name="name"></label>'
        f'<label>Your email <input type="email" name="email"{ph}></label>'
        '<label>Message <textarea name="message" rows="6"></textarea></label>'
        '<button type="submit">Send message</button></form>'
    )
