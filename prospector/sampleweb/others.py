# ruff: noqa: E501
# (markup templates read best with one HTML element per line)
"""Non-forum, non-blog sites: shops (WooCommerce, Shopify), an association, an e-zine,
directories and off-topic sites."""

from __future__ import annotations

from . import content
from .blogs import WordPress
from .feeds import subscribers_of
from .model import Post
from .render import Builder, esc


class WooCommerce(WordPress):
    platform = "woocommerce"

    def __init__(self) -> None:
        super().__init__(pretty=True)

    def post_path(self, post: Post) -> str:
        return f"/{post.day.year}/{post.day.month:02d}/{post.slug}/"

    def content(self, b: Builder) -> None:
        s = b.site
        b.make_posts(3, content.POST_TITLES)
        for p in b.posts:
            b.page(p.path, f"{p.title} - {s.name}", self.article(b, p, True) + self.comments())
        items = b.rng.sample(content.PRODUCTS, 5)
        cards: list[str] = []
        for name, price in items:
            slug = content.slugify(name)
            path = f"/product/{slug}/"
            b.page(path, f"{name} - {s.name}",
                   f'<div class="product type-product"><h1 class="product_title entry-title">{esc(name)}</h1>'
                   f'<p class="price"><span class="woocommerce-Price-amount amount">&pound;{price}</span></p>'
                   f"<p>{esc(b.sentences(1)[0])}</p>"
                   '<form class="cart" method="post"><button type="submit" name="add-to-cart" '
                   'class="single_add_to_cart_button button alt">Add to basket</button></form></div>'
                   + b.share(path))
            cards.append(f'<li class="product type-product"><a href="{path}" class="woocommerce-LoopProduct-link">'
                         f'<h2 class="woocommerce-loop-product__title">{esc(name)}</h2>'
                         f'<span class="price">&pound;{price}</span></a>'
                         # (The loop's button, as WooCommerce's loop/add-to-cart.php writes it.)
                         f'<a href="?add-to-cart={len(cards) + 101}" data-quantity="1" '
                         'class="button product_type_simple add_to_cart_button ajax_add_to_cart" '
                         'rel="nofollow">Add to basket</a></li>')
        partners = "".join(f"<li>{b.link(t)}</li>" for t in s.targets)
        home = (f"<h1>{esc(s.name)}: hives, bee suits and beekeeping equipment</h1>"
                f'<div class="woocommerce"><ul class="products columns-3">{"".join(cards)}</ul></div>'
                f'<section class="partners"><h2>Friends of the shop</h2><ul>{partners}</ul></section>')
        head = (b.plan.html("head") + f'<link rel="stylesheet" href="{s.home}wp-content/plugins/woocommerce/'
                'assets/css/woocommerce.css?ver=8.5.2" /><meta name="generator" content="WooCommerce 8.5.2" />')
        b.site.add_html("/", self.layout(b, f"{s.name} - beekeeping supplies", home, head)
                        .replace('class="home blog', 'class="home woocommerce-page woocommerce'))


class Shopify:
    platform = "shopify"
    contact_path = "/pages/contact"
    about_path = "/pages/about-us"
    feed_path = "/blogs/news.atom"
    feed_kind = "atom"

    def deal_path(self, slug: str) -> str:
        return f"/pages/{slug}"

    def post_path(self, post: Post) -> str:
        return f"/blogs/news/{post.slug}"

    def layout(self, b: Builder, title: str, main: str, head: str = "") -> str:
        s = b.site
        return f"""<!doctype html>
<html class="no-js" lang="en">
<head>
<meta charset="utf-8">
<title>{esc(title)}</title>
<link rel="canonical" href="{s.home}">
<link rel="preconnect" href="https://cdn.shopify.com" crossorigin>
<link href="//{s.host}/cdn/shop/t/4/assets/base.css?v=1700000000" rel="stylesheet" type="text/css" media="all" />
<link rel="alternate" type="application/atom+xml" title="Feed" href="{self.feed_path}" />
<script>var Shopify = Shopify || {{}}; Shopify.shop = "{s.domain.split('.')[0]}.myshopify.com"; Shopify.theme = {{"name":"Dawn","id":1234}};</script>
<script id="shopify-features" type="application/json">{{"accessToken":"0123abc","betas":["rich-media-storefront-analytics"]}}</script>
{head}
</head>
<body class="gradient template-index">
<div class="shopify-section section-header"><header class="header header--middle-left page-width">
<a href="/" class="header__heading-link"><span class="h2">{esc(s.name)}</span></a>
<nav class="header__inline-menu">{b.nav_html("list-menu list-menu--inline")}<a href="/collections/all">Shop all</a></nav></header></div>
<main id="MainContent" class="content-for-layout focus-none" role="main">
{main}
</main>
<footer class="footer color-background-1"><div class="footer__content-bottom">{b.plan.html("home") if title.startswith(s.name) else ""}
<small class="copyright__content">&copy; 2024, <a href="/" title="">{esc(s.name)}</a> <a target="_blank" rel="nofollow" href="https://www.shopify.com?utm_campaign=poweredby&amp;utm_medium=shopify&amp;utm_source=onlinestore">Powered by Shopify</a></small></div></footer>
</body>
</html>
"""

    def content(self, b: Builder) -> None:
        s = b.site
        b.make_posts(3, content.POST_TITLES)
        for p in b.posts:
            b.page(p.path, f"{p.title} - {s.name}",
                   f'<article class="article-template"><h1>{esc(p.title)}</h1>'
                   f'<time datetime="{p.day.isoformat()}">{p.day.isoformat()}</time>'
                   + "".join(f"<p>{esc(x)}</p>" for x in p.paras) + "</article>")
        cards = []
        for name, price in b.rng.sample(content.PRODUCTS, 5):
            path = f"/products/{content.slugify(name)}"
            b.page(path, f"{name} - {s.name}",
                   f'<section class="product"><h1 class="product__title">{esc(name)}</h1>'
                   f'<div class="price"><span class="price-item price-item--regular">${price}</span></div>'
                   f"<p>{esc(b.sentences(1)[0])}</p>"
                   '<button type="submit" name="add" class="product-form__submit button">Add to cart</button></section>'
                   + b.share(path))
            cards.append(f'<li class="grid__item"><div class="card-wrapper product-card-wrapper">'
                         f'<a href="{path}" class="full-unstyled-link">{esc(name)}</a>'
                         f'<span class="price-item">${price}</span></div></li>')
        partners = "".join(f"<li>{b.link(t)}</li>" for t in s.targets)
        home = (f"<h1>{esc(s.name)}: beekeeping hives and protective clothing</h1>"
                f'<ul id="product-grid" class="grid product-grid">{"".join(cards)}</ul>'
                f'<div class="footer-block"><h2>We recommend</h2><ul>{partners}</ul></div>')
        b.page("/", f"{s.name} - beekeeping supplies", home, b.plan.html("head"))
        b.page("/collections/all", f"Products - {s.name}", f'<ul class="grid">{"".join(cards)}</ul>')


class Plain:
    """A hand-built site: association, e-zine, directory or off-topic page."""

    platform = "none"
    contact_path = "/contact"
    about_path = "/about"
    feed_path = "/rss.xml"
    feed_kind = "rss"

    def deal_path(self, slug: str) -> str:
        return f"/{slug}"

    def post_path(self, post: Post) -> str:
        return f"/news/{post.slug}.html"

    def topic(self, b: Builder) -> str:
        return "beekeeping" if b.site.in_niche else b.site.topic

    def layout(self, b: Builder, title: str, main: str, head: str = "") -> str:
        s = b.site
        return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{esc(title)}</title>
<link rel="alternate" type="application/rss+xml" title="{esc(s.name)} news" href="{self.feed_path}">
<link rel="stylesheet" href="/css/site.css">
{head}
</head>
<body class="{esc(s.kind)}">
<header class="site-header"><a class="brand" href="/">{esc(s.name)}</a>
<nav class="main-nav"><ul><li><a href="/">Home</a></li><li><a href="/news/">News</a></li>{self.extra_nav(b)}</ul>{b.nav_html("contact-nav")}</nav></header>
<main class="content">
{main}
</main>
<footer class="site-footer">{b.plan.html("home") if title.startswith(s.name) else ""}<p>&copy; 2024 {esc(s.name)}</p></footer>
</body>
</html>
"""

    def extra_nav(self, b: Builder) -> str:
        if b.site.kind == "association":
            return ('<li><a href="/membership">Membership</a></li>'
                    '<li><a href="/resources">Resources</a></li>')
        if b.site.kind == "directory":
            return '<li><a href="/resources">Resources</a></li>'
        if b.site.kind == "newsletter":
            return '<li><a href="/archive">Past issues</a></li><li><a href="/subscribe">Subscribe</a></li>'
        return ""

    def titles(self, b: Builder) -> tuple[str, ...]:
        if b.site.in_niche:
            return content.POST_TITLES
        return content.OFFTOPIC[b.site.topic]["titles"]

    def content(self, b: Builder) -> None:
        s = b.site
        b.make_posts(b.rng.randint(3, 5), self.titles(b))
        for p in b.posts:
            b.page(p.path, f"{p.title} - {s.name}",
                   f'<article class="news-item"><h1>{esc(p.title)}</h1><p class="date">'
                   f'<time datetime="{p.day.isoformat()}">{p.day.isoformat()}</time> by {esc(p.author)}</p>'
                   + "".join(f"<p>{esc(x)}</p>" for x in p.paras) + "</article>" + b.share(p.path))
        news = "".join(f'<li><a href="{esc(p.path)}">{esc(p.title)}</a> '
                       f'<time datetime="{p.day.isoformat()}">{p.day.isoformat()}</time></li>' for p in b.posts)
        b.page("/news/", f"News - {s.name}", f'<ul class="news">{news}</ul>')
        intro = "".join(f"<p>{esc(x)}</p>" for x in b.sentences(2))
        links = "".join(f"<li>{b.link(t)}</li>" for t in s.targets)
        home = f"<h1>{esc(s.name)}</h1>{intro}<h2>Latest</h2><ul class=\"news\">{news}</ul>"
        if s.kind == "association":
            home = (f"<h1>{esc(s.name)}</h1><p>The beekeepers' association for hobby and "
                    f"professional beekeepers: meetings, training and swarm collection.</p>{intro}"
                    f'<h2>News</h2><ul class="news">{news}</ul>')
            b.page("/membership", f"Membership - {s.name}",
                   "<h1>Membership</h1><p>Join the association for insurance, training and a mentor.</p>")
            b.page("/resources", f"Resources - {s.name}",
                   f'<h1>Useful beekeeping links</h1><ul class="resources">{links}</ul>')
        elif s.kind == "directory":
            home = (f"<h1>{esc(s.name)}</h1><p>A hand-picked directory of beekeeping forums, blogs, "
                    f"clubs and suppliers.</p>{intro}<p><a href=\"/resources\">Browse all resources</a></p>")
            b.page("/resources", f"Beekeeping resources - {s.name}",
                   '<h1>Beekeeping resources</h1><p>Forums, blogs and shops we recommend.</p>'
                   f'<ul class="resource-list">{links}</ul>')
            b.page("/submit-site", f"Submit a site - {s.name}",
                   "<h1>Submit a site</h1><p>Suggest a beekeeping site for the directory.</p>")
        elif s.kind == "newsletter":
            # (E-zines lead with their sign-up, as hand-built ones do.)
            home = (f"<h1>{esc(s.name)}</h1><p>A monthly beekeeping e-zine: seasonal tips, "
                    "interviews and news. Subscribe to our newsletter: one email a month.</p>"
                    f'<p class="readers">Join {subscribers_of(s):,} readers.</p>'
                    f"{intro}<h2>Recent issues</h2><ul class=\"news\">{news}</ul>"
                    f'<h3>Friends</h3><ul class="friends">{links}</ul>')
            b.page("/archive", f"Past issues - {s.name}", f'<ul class="issues">{news}</ul>')
            b.page("/subscribe", f"Subscribe - {s.name}",
                   "<h1>Subscribe</h1><p>One email a month, unsubscribe at any time.</p>")
        elif links:
            home += f'<h2>Elsewhere</h2><ul class="links">{links}</ul>'
        b.page("/", f"{s.name} - {self.topic(b)}", home, b.plan.html("head"))


# -- the link farm ------------------------------------------------------------------------
FARM_EMAIL = "rankfast.seo@gmail.com"  # one owner behind every farm site
FARM_TEXT = (
    "Beekeeping tips for beekeeping beginners: the best beekeeping guide for beekeeping at "
    "home. Beekeeping supplies, beekeeping equipment and beekeeping hives for beekeeping. "
    "Learn beekeeping fast with our beekeeping secrets, beekeeping hacks and beekeeping advice."
)


class LinkFarm(Plain):
    """A thin, keyword-stuffed page whose only purpose is its links: every farm site
    links every other and the farm's one target."""

    def titles(self, b: Builder) -> tuple[str, ...]:
        return content.POST_TITLES

    def content(self, b: Builder) -> None:
        s = b.site
        b.make_posts(3, content.POST_TITLES)
        links = "".join(f"<li>{b.link(t, f'{t.name} beekeeping')}</li>" for t in s.targets)
        home = (f"<h1>{esc(s.name)}: best beekeeping tips</h1>"
                + f"<p>{esc(FARM_TEXT)}</p>" * 3
                + f'<h2>More beekeeping sites</h2><ul class="links">{links}</ul>')
        b.page("/", f"{s.name} - beekeeping beekeeping beekeeping", home, "")
