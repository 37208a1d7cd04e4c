"""Which engine serves a page: the fingerprints of forum engines, shops, hosted blogs,
CMSs and static site generators, and the platform families the kind reader uses.

Markers come from each engine's own templates and from the Wappalyzer-format
fingerprints in `shared/corpus/fingerprints/wappalyzer_cms_forum_blog_subset.json`
(generator patterns of Hexo, Quarto, Docusaurus, Eleventy, Zola, Astro, VuePress, SPIP,
Zen Cart; the `/sites/(default|all)/(themes|modules)/` and `drupal.js` witnesses of
Drupal; `/engine/Shopware/` of Shopware; the DNN comments). Everything is written in
lower case and matched against lower-cased markup; plain substrings are preferred to
regexes because one automaton pass finds them all (see needles.py).
"""

from __future__ import annotations

import re
from typing import Final

# Platform detection rules in priority order: forum engines first (a forum is often
# bolted onto a CMS site whose generator meta still says WordPress/Joomla), then shops,
# then hosted blogs, then general CMSs, then static site generators. Detection runs
# three passes: forum-engine markup, then generator meta of any rule, then the
# remaining markup (headless sites keep e.g. /wp-content/ URLs behind a Gatsby
# generator, and the generator is the better witness). Each entry:
# (platform, generator-meta regex or None, markup substrings, markup regexes).
PLATFORM_RULES: Final[tuple[tuple[str, str | None, tuple[str, ...], tuple[str, ...]], ...]] = (
    ("xenforo", r"xenforo",
     ("data-xf-init", 'id="xf"', 'id="xenforo"', "forum software by xenforo"), ()),
    ("vbulletin", r"vbulletin",
     ("vbulletin_", "vbmenu_", "clientscript/vbulletin", "vb_login_username",
      "powered by vbulletin"), (r"powered by <a[^>]*>\s*vbulletin",)),
    ("phpbb", r"phpbb",
     ("styles/prosilver", "styles/subsilver", "phpbb_copyright", 'class="forumline',
      "phpbb"), ()),
    ("discourse", r"discourse", ("discourse-cdn", "data-discourse", "discourse_"), ()),
    ("smf", r"^smf|simple machines",
     ("smf_theme_url", "smf_default_theme_url", "smf_scripturl", "simple machines forum",
      "powered by smf"), ()),
    ("mybb", r"mybb", ("var my_post_key", "mybb.com", "mybb"), ()),
    ("vanilla", r"vanilla",
     ("gdn.meta", 'id="discussionspage"', 'id="vanilla"', "vanillaforums",
      "powered by vanilla"), ()),
    ("invision", r"invision|\bipb\b",
     ("ipssettings", "ipb_var", "ipb.vars", "ipsapp", "invisioncommunity",
      "invisionpower", "invision power", "data-ipsquote"), ()),
    ("flarum", r"flarum", ("flarum-loading", "flarum.core", "id=\"flarum-"), ()),
    ("nodebb", r"nodebb", ("nodebb", "data-nodebb"), ()),
    ("fluxbb", r"fluxbb", ('id="punindex"', 'id="punviewtopic"', "fluxbb"), ()),
    ("phorum", r"phorum", ("phorum",), ()),
    ("kunena", r"kunena", ("kunena",), ()),
    ("woltlab", r"woltlab", ("woltlab", "wcf."), ()),
    # bbPress: its wrapper id and body class, or (themes that drop both, e.g. a custom
    # forum home page) the classes of its topic-list and reply loops. Not 'bbp-' in
    # general: blogs with bbPress installed carry its CSS and sidebar widgets, and the
    # widgets link topics with 'bbp-forum-title', never these loop classes (the
    # plugin's mere presence is an extra, see PLUGIN_MARKERS).
    ("bbpress", r"bbpress",
     ('id="bbpress-forums"', 'class="bbp-topic-title"', 'class="bbp-reply-content"'),
     (r'<body[^>]+class="[^"]*\bbbpress\b',)),
    ("insided", r"insided", ("insided",), ()),
    ("inyoka", r"inyoka", ("inyoka",), ()),
    ("mediawiki", r"mediawiki", ("mw-head", "mw-content-text", "wgpagename"), ()),
    ("shopify", r"shopify", ("cdn.shopify.com", "shopify.theme", "myshopify.com"), ()),
    # Not the bare word: trade magazines write about Shopware (a corpus page named it
    # in a headline). Its asset paths, its jQuery plugin, its application-name meta.
    ("shopware", r"shopware",
     ("/engine/shopware/", "jquery.shopware", 'content="shopware'), ()),
    ("magento", r"magento",
     ("mage/cookies", "magento_", "/static/frontend/magento/", "mage.cookies", "x-magento-init",
      "/skin/frontend/"), ()),
    ("zencart", r"zen cart", ("zen-cart", "zencart"), ()),
    ("substack", r"substack", ("substackcdn.com", "substack.com/api"), ()),
    ("medium", r"^medium", ("cdn-static-1.medium.com", "miro.medium.com", "medium.com/_/"),
     ()),
    ("ghost", r"^ghost\b", ("ghost-portal", "/ghost/api/", 'content="ghost'), ()),
    ("blogger", r"^blogger$",
     ("_widgetmanager", "blogger.com/static", "www.blogger.com/feeds"), ()),
    ("tumblr", r"tumblr", ("assets.tumblr.com", "static.tumblr.com", "tumblr_controls"), ()),
    ("squarespace", r"squarespace",
     ("static1.squarespace.com", "squarespace-cdn", "<!-- this is squarespace."), ()),
    ("wix", r"wix\.com", ("static.wixstatic.com", "wix-warmup-data", "_wixcidx"), ()),
    ("webflow", r"webflow", ("data-wf-page", "data-wf-site", "webflow.js"), ()),
    ("jimdo", r"jimdo", ("jimdocdn", "jimdostatic", "jimdosite", "jimdo.com"), ()),
    # Not '.wordpress.com' anywhere: a link to someone's wordpress.com blog is no
    # witness (a plumber's site linking its blog was taken for WordPress).
    ("wordpress", r"wordpress",
     ("/wp-content/", "/wp-includes/", "wp-json"), (r"s\d\.wp\.com",)),
    # Every Drupal version: 6/7 ('Drupal.settings', /sites/all/), 8+ (data-drupal-*,
    # drupal-settings-json, /core/misc/drupal.js).
    ("drupal", r"drupal",
     ("drupal-settings-json", "drupal.settings", "/sites/default/files/", "data-drupal-",
      "/sites/all/modules/", "/sites/all/themes/", "/misc/drupal.js"), ()),
    ("joomla", r"joomla", ("/media/jui/", "/components/com_", "joomla-script-options"), ()),
    ("typo3", r"typo3", ("typo3temp/", "typo3conf/", "/typo3/"), ()),
    ("contao", r"contao", ("contao", "system/modules"), ()),
    ("spip", r"(?:^|\s)spip\b", ("formulaire_spip", "spip.php?"), ()),
    ("dotnetnuke", r"dotnetnuke|\bdnn\b",
     ("<!-- by dotnetnuke corporation", "<!-- dnn platform", "/js/dnncore.js"), ()),
    # Static site generators: the generator meta, or the markup their default
    # templates leave (Org mode's export, Quarto's and Docusaurus's ids, Next.js's).
    ("orgmode", r"^org(?:[- ]mode)?\b",
     ('id="outline-container-', "org-src-container", 'id="org-div-home-and-up"'), ()),
    ("hexo", r"^hexo\b", ('href="https://hexo.io', 'href="http://hexo.io'), ()),
    ("hakyll", r"hakyll", ("jaspervdj.be/hakyll",), ()),
    ("hugo", r"^hugo\b", (), ()),
    ("jekyll", r"jekyll",
     ("<!-- begin jekyll seo tag", "<!-- created with jekyll now", 'href="https://jekyllrb.com'),
     ()),
    ("quarto", r"^quarto\b", ('id="quarto-', "quarto-html", "/site_libs/quarto-"), ()),
    ("docusaurus", r"^docusaurus", ('name="docusaurus_', "__docusaurus"), ()),
    ("mkdocs", r"^mkdocs", (), ()),
    ("gatsby", r"gatsby", ('id="___gatsby"',), ()),
    ("nextjs", r"^next\.js", ('id="__next"', "/_next/static/", "__next_data__"), ()),
    ("eleventy", r"^eleventy\b|^11ty\b", (), ()),
    ("nikola", r"^nikola\b", (), ()),
    ("pelican", r"^pelican\b", ("getpelican.com",), ()),
    ("zola", r"^zola\b", (), ()),
    ("astro", r"^astro\b", (), ()),
    ("vuepress", r"^vuepress\b", (), ()),
)
# A literal each fingerprint regex of PLATFORM_RULES cannot match without (the regex
# only runs on markup holding it; a regex not listed always runs).
PLATFORM_REGEX_KEYS: Final[dict[str, bytes]] = {
    r"powered by <a[^>]*>\s*vbulletin": b"vbulletin",
    r'<body[^>]+class="[^"]*\bbbpress\b': b"bbpress",
    r"s\d\.wp\.com": b".wp.com",
}
# "Powered by X" in the visible text: the footers most engines ship with.
# (Matched against the lower-cased markup as bytes.)
POWERED_BY_RE: Final = re.compile(
    rb"powered\s+by\s*:?\s*(?:<[^>]*>\s*)*([a-z][a-z0-9 .-]{1,30})"
)

# Plugins that add a shop or a forum to a site on another engine. Their scripts and
# styles load on every page of a news site that sells subscriptions or a blog with a
# forum corner: they are reported as extras, and replace the platform only when the
# page's kind says the site really is that (see platform.promote).
PLUGIN_MARKERS: Final[tuple[tuple[str, str, tuple[str, ...]], ...]] = (
    ("woocommerce", "shop",
     ("woocommerce-no-js", "wc-add-to-cart", "woocommerce_params", "/plugins/woocommerce/",
      'content="woocommerce')),
    ("bbpress", "forum", ("/plugins/bbpress/", "bbp-forum-title")),
)

FORUM_PLATFORMS: Final = frozenset(
    {"phpbb", "vbulletin", "xenforo", "discourse", "smf", "mybb", "vanilla", "invision",
     "flarum", "nodebb", "fluxbb", "phorum", "kunena", "woltlab", "bbpress", "insided",
     "inyoka"}
)
# Engines that run nothing but shops: a page on one belongs to a shop.
SHOP_PLATFORMS: Final = frozenset({"shopify", "shopware", "magento", "prestashop",
                                   "bigcommerce", "zencart"})
# Hosted blog services: a page on one is a blog post or a blog's index.
BLOG_PLATFORMS: Final = frozenset({"blogger", "ghost", "medium", "tumblr"})
# Static site generators: blogs, but as often documentation, a company's or a
# newsroom's front end; they decide nothing about the kind on their own.
STATIC_GENERATORS: Final = frozenset({"orgmode", "hexo", "hakyll", "hugo", "jekyll",
                                      "quarto", "docusaurus", "mkdocs", "gatsby", "nextjs",
                                      "eleventy", "nikola", "pelican", "zola", "astro",
                                      "vuepress"})
# Generators people build their own blogs with (not documentation or app front ends):
# a weak sign of a blog, which the page's structure has to confirm.
BLOG_GENERATORS: Final = frozenset({"orgmode", "hexo", "hakyll", "hugo", "jekyll", "nikola",
                                    "pelican", "zola", "eleventy"})
NEWSLETTER_PLATFORMS: Final = frozenset({"substack", "beehiiv", "buttondown", "mailchimp"})
# Wikis: reference works, not an outreach kind.
WIKI_PLATFORMS: Final = frozenset({"mediawiki"})

# Response headers (lower-cased name, lower-cased value substring) that name a platform:
# hosted platforms and some engines announce themselves there.
PLATFORM_HEADERS: Final[tuple[tuple[str, str, str], ...]] = (
    ("x-shopify-stage", "", "shopify"), ("x-shopid", "", "shopify"),
    ("x-wix-request-id", "", "wix"), ("x-ghost-cache-status", "", "ghost"),
    ("x-powered-by", "ghost", "ghost"), ("x-discourse-route", "", "discourse"),
    ("x-powered-by", "nodebb", "nodebb"), ("x-magento-cache-debug", "", "magento"),
    ("x-generator", "drupal", "drupal"), ("x-drupal-cache", "", "drupal"),
    ("x-powered-by", "wp engine", "wordpress"), ("link", "api.w.org", "wordpress"),
    ("server", "squarespace", "squarespace"), ("x-tumblr-user", "", "tumblr"),
    ("x-powered-by", "medium", "medium"), ("x-substack-", "", "substack"),
    ("x-powered-by", "next.js", "nextjs"), ("x-spip-cache", "", "spip"),
)
