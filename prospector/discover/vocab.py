"""Discovery vocabularies: which domains are never prospects, and how much a link's
place on the page says about the site it points to."""

from __future__ import annotations

# Mega-platforms: huge general sites a niche page links to all the time. They are never
# a niche prospect; a link to one is at most a social profile (extraction takes those).
MEGA_PLATFORMS: frozenset[str] = frozenset({
    # social networks and video
    "facebook.com", "fb.com", "twitter.com", "x.com", "instagram.com", "youtube.com",
    "youtu.be", "linkedin.com", "pinterest.com", "tiktok.com", "reddit.com", "threads.net",
    "bsky.app", "tumblr.com", "vimeo.com", "twitch.tv", "snapchat.com", "whatsapp.com",
    "telegram.org", "t.me", "discord.com", "discord.gg", "flickr.com", "medium.com",
    # reference, search, big tech
    "wikipedia.org", "wikimedia.org", "wikidata.org", "google.com", "bing.com",
    "duckduckgo.com", "yahoo.com", "baidu.com", "yandex.ru", "apple.com", "microsoft.com",
    "github.com", "gitlab.com", "archive.org", "mozilla.org", "w3.org",
    # marketplaces and payment
    "amazon.com", "amazon.co.uk", "amazon.de", "ebay.com", "ebay.co.uk", "etsy.com",
    "aliexpress.com", "alibaba.com", "paypal.com", "stripe.com", "shopify.com",
    # CDNs, hosting, analytics, fonts
    "cloudflare.com", "cloudfront.net", "akamaihd.net", "jsdelivr.net", "unpkg.com",
    "googleapis.com", "gstatic.com", "googletagmanager.com", "google-analytics.com",
    "doubleclick.net", "gravatar.com", "wp.com", "wordpress.org", "blogger.com",
    "typekit.net", "fontawesome.com", "addthis.com", "sharethis.com", "disqus.com",
    # URL shorteners
    "bit.ly", "goo.gl", "tinyurl.com", "ow.ly", "buff.ly", "t.co", "lnkd.in", "rebrand.ly",
    # engine and platform vendors: every site on the engine links them ("Powered by")
    "phpbb.com", "vbulletin.com", "xenforo.com", "discourse.org", "simplemachines.org",
    "mybb.com", "invisioncommunity.com", "vanillaforums.com", "flarum.org", "nodebb.org",
    "ghost.org", "substack.com", "woocommerce.com", "squarespace.com", "wix.com",
    "wordpress.com", "jetpack.com", "automattic.com", "gohugo.io", "jekyllrb.com",
    # newsletter and mail providers (their domains, not their users' lists)
    "mailchimp.com", "list-manage.com", "convertkit.com", "kit.com", "mailerlite.com",
    "aweber.com", "getresponse.com", "sendinblue.com", "brevo.com",
})

# Where a link sits says how deliberately the author recommends the target:
# a blogroll or resources page is a curated list of peers; a forum signature is a
# member's own site; body text is a citation; a footer is often sitewide boilerplate.
SECTION_WEIGHT: dict[str, float] = {
    "blogroll": 3.0,
    "resources": 3.0,
    "signature": 2.5,
    "content": 2.0,
    "sidebar": 1.5,
    "": 1.0,
    "nav": 0.8,
    "footer": 0.5,
}

