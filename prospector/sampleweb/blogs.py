# ruff: noqa: E501
# (markup templates read best with one HTML element per line)
"""Blog platforms: WordPress, Blogger, Ghost and a Substack-like newsletter blog.

Every blog has dated posts, "leave a comment" text and a sidebar blogroll carrying
its outbound links; markup follows each platform's real signatures.
"""

from __future__ import annotations

from . import content
from .model import Post
from .render import Builder, esc


class BlogEngine:
    platform = ""
    contact_path = "/contact/"
    about_path = "/about/"
    feed_path = "/feed/"
    feed_kind = "rss"

    def deal_path(self, slug: str) -> str:
        return f"/{slug}/"

    def post_path(self, post: Post) -> str:
        raise NotImplementedError

    def layout(self, b: Builder, title: str, main: str, head: str = "") -> str:
        raise NotImplementedError

    def blogroll(self, b: Builder) -> str:
        if not b.site.targets:
            return ""
        lis = "".join(f"<li>{b.link(t)}</li>" for t in b.site.targets)
        return (f'<aside id="linkcat-2" class="widget widget_links"><h2 class="widget-title">Blogroll</h2>'
                f'<ul class="xoxo blogroll">{lis}</ul></aside>')

    def topic(self, b: Builder) -> str:
        return "beekeeping" if b.site.in_niche else b.site.topic

    def titles(self, b: Builder) -> tuple[str, ...]:
        if b.site.in_niche:
            return content.POST_TITLES
        return content.OFFTOPIC[b.site.topic]["titles"]

    def article(self, b: Builder, p: Post, full: bool) -> str:
        body = "".join(f"<p>{esc(x)}</p>" for x in (p.paras if full else p.paras[:1]))
        return (f'<article id="post-{p.pid}" class="post-{p.pid} post type-post status-publish hentry">'
                f'<header class="entry-header"><h2 class="entry-title"><a href="{esc(p.path)}" rel="bookmark">{esc(p.title)}</a></h2>'
                f'<div class="entry-meta"><span class="posted-on"><time class="entry-date published" datetime="{p.day.isoformat()}">'
                f'{p.day.strftime("%B %d, %Y").replace(" 0", " ")}</time></span> <span class="byline">by '
                f'<span class="author vcard">{esc(p.author)}</span></span></div></header>'
                f'<div class="entry-content">{body}</div></article>')

    def comments(self) -> str:
        return ('<div id="comments" class="comments-area"><div id="respond" class="comment-respond">'
                '<h3 id="reply-title" class="comment-reply-title">Leave a comment</h3>'
                '<p class="comment-notes">Your email address will not be published.</p></div></div>')

    def content(self, b: Builder) -> None:
        s = b.site
        b.make_posts(b.rng.randint(4, 6), self.titles(b))
        for p in b.posts:
            b.page(p.path, f"{p.title} - {s.name}",
                   self.article(b, p, True) + b.share(p.path) + self.comments())
        home = "".join(self.article(b, p, False) for p in b.posts)
        b.page("/", f"{s.name} - notes on {self.topic(b)}", home, b.plan.html("head"))


class WordPress(BlogEngine):
    platform = "wordpress"

    def __init__(self, pretty: bool = True) -> None:
        self.pretty = pretty

    def post_path(self, post: Post) -> str:
        if self.pretty:
            return f"/{post.day.year}/{post.day.month:02d}/{post.slug}/"
        return f"/?p={post.pid}"

    def layout(self, b: Builder, title: str, main: str, head: str = "") -> str:
        s = b.site
        return f"""<!DOCTYPE html>
<html lang="en-US">
<head>
<meta charset="UTF-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<title>{esc(title)}</title>
<link rel="alternate" type="application/rss+xml" title="{esc(s.name)} &raquo; Feed" href="{s.home}feed/" />
<link rel="alternate" type="application/rss+xml" title="{esc(s.name)} &raquo; Comments Feed" href="{s.home}comments/feed/" />
<link rel="stylesheet" id="twentytwentyone-style-css" href="{s.home}wp-content/themes/twentytwentyone/style.css?ver=1.8" media="all" />
<script src="{s.home}wp-includes/js/jquery/jquery.min.js?ver=3.7.1" id="jquery-core-js"></script>
<link rel="https://api.w.org/" href="{s.home}wp-json/" />
<link rel="EditURI" type="application/rsd+xml" title="RSD" href="{s.home}xmlrpc.php?rsd" />
<meta name="generator" content="WordPress 6.4.3" />
{head}
</head>
<body class="home blog wp-embed-responsive">
<div id="page" class="site">
<header id="masthead" class="site-header" role="banner"><div class="site-branding">
<p class="site-title"><a href="{s.home}" rel="home">{esc(s.name)}</a></p>
<p class="site-description">A {esc(self.topic(b))} blog</p></div>
<nav id="site-navigation" class="primary-navigation" aria-label="Primary menu">{b.nav_html("menu-wrapper")}</nav></header>
<div id="content" class="site-content"><div id="primary" class="content-area"><main id="main" class="site-main">
{main}
</main></div>
<aside class="widget-area" role="complementary">
{self.blogroll(b)}
<section class="widget widget_text">{b.plan.html("home") if title.startswith(s.name) else ""}</section>
</aside></div>
<footer id="colophon" class="site-footer" role="contentinfo"><div class="site-info">
<a href="https://wordpress.org/" class="imprint">Proudly powered by WordPress</a></div></footer>
</div>
</body>
</html>
"""


class Blogger(BlogEngine):
    platform = "blogger"
    contact_path = "/p/contact.html"
    about_path = "/p/about.html"
    feed_path = "/feeds/posts/default"
    feed_kind = "atom"

    def deal_path(self, slug: str) -> str:
        return f"/p/{slug}.html"

    def post_path(self, post: Post) -> str:
        return f"/{post.day.year}/{post.day.month:02d}/{post.slug}.html"

    def layout(self, b: Builder, title: str, main: str, head: str = "") -> str:
        s = b.site
        return f"""<!DOCTYPE html>
<html class='v2' dir='ltr' xmlns='http://www.w3.org/1999/xhtml' xmlns:b='http://www.google.com/2005/gml/b' xmlns:data='http://www.google.com/2005/gml/data' xmlns:expr='http://www.google.com/2005/gml/expr'>
<head>
<meta content='width=1100' name='viewport'/>
<meta content='text/html; charset=UTF-8' http-equiv='Content-Type'/>
<meta content='blogger' name='generator'/>
<link href='{s.home}favicon.ico' rel='icon' type='image/x-icon'/>
<link rel="alternate" type="application/atom+xml" title="{esc(s.name)} - Atom" href="{s.home}feeds/posts/default" />
<link rel="alternate" type="application/rss+xml" title="{esc(s.name)} - RSS" href="{s.home}feeds/posts/default?alt=rss" />
<link rel="service.post" type="application/atom+xml" title="{esc(s.name)} - Atom" href="https://www.blogger.com/feeds/{1000 + s.index}/posts/default" />
<title>{esc(title)}</title>
<link type='text/css' rel="stylesheet" href="https://www.blogger.com/static/v1/widgets/widget_css_bundle.css" />
{head}
</head>
<body class='loading variant-simplysimple'>
<div class='content'><div class='content-outer'><header><div class='header-outer'><div class='section' id='header'>
<div class='widget Header' data-version='1' id='Header1'><div id='header-inner'><div class='titlewrapper'><h1 class='title'><a href='{s.home}'>{esc(s.name)}</a></h1></div>
<div class='descriptionwrapper'><p class='description'><span>A {esc(self.topic(b))} diary</span></p></div></div></div></div></div></header>
<div class='tabs-outer'><div class='section' id='crosscol'><div class='widget PageList' data-version='1' id='PageList1'>{b.nav_html("pages")}</div></div></div>
<div class='main-outer'><div class='columns fauxcolumns'><div class='main-inner'><div class='column-center-outer'><div class='main section' id='main'>
<div class='widget Blog' data-version='1' id='Blog1'><div class='blog-posts hfeed'>
{main}
</div></div></div></div>
<div class='column-right-outer'><div class='sidebar section' id='sidebar-right-1'>
<div class='widget BlogList' data-version='1' id='BlogList1'><h2 class='title'>My Blog List</h2><div class='widget-content'>{self.blogroll(b)}</div></div>
<div class='widget HTML' id='HTML1'>{b.plan.html("home") if title.startswith(s.name) else ""}</div>
</div></div></div></div></div>
<footer><div class='footer-outer'><div class='widget Attribution' id='Attribution1'>Powered by <a href='https://www.blogger.com' target='_blank'>Blogger</a>.</div></div></footer>
</div></div>
<script type="text/javascript" src="https://www.blogger.com/static/v1/widgets/widgets.js"></script>
<script type='text/javascript'>window['__wavt'] = 'AOuZoY'; _WidgetManager._Init('//www.blogger.com/rearrange?blogID={1000 + s.index}','//{s.host}/','{1000 + s.index}');</script>
</body>
</html>
"""


class Ghost(BlogEngine):
    platform = "ghost"
    feed_path = "/rss/"

    def post_path(self, post: Post) -> str:
        return f"/{post.slug}/"

    def layout(self, b: Builder, title: str, main: str, head: str = "") -> str:
        s = b.site
        return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title>
<link rel="stylesheet" type="text/css" href="{s.home}assets/built/screen.css?v=a1b2c3d4e5">
<link rel="canonical" href="{s.home}">
<meta name="referrer" content="no-referrer-when-downgrade">
<meta property="og:site_name" content="{esc(s.name)}">
<meta name="generator" content="Ghost 5.82">
<link rel="alternate" type="application/rss+xml" title="{esc(s.name)}" href="{s.home}rss/">
<script defer src="https://cdn.jsdelivr.net/ghost/portal@~2.37/umd/portal.min.js" data-i18n="false" data-ghost="{s.home}" data-key="0123456789abcdef" data-api="{s.home}ghost/api/content/" crossorigin="anonymous"></script>
{head}
</head>
<body class="home-template gh-font-heading-default">
<div class="viewport"><header id="gh-head" class="gh-head outer"><div class="gh-head-inner inner">
<div class="gh-head-brand"><a class="gh-head-logo" href="{s.home}">{esc(s.name)}</a></div>
<nav class="gh-head-menu">{b.nav_html("nav")}</nav>
<div class="gh-head-actions"><a class="gh-head-button" href="#/portal/signup" data-portal="signup">Subscribe</a></div></div></header>
<div class="site-content"><main id="site-main" class="site-main outer"><div class="inner posts"><div class="post-feed">
{main}
</div></div></main>
<aside class="gh-sidebar">{self.blogroll(b)}{b.plan.html("home") if title.startswith(s.name) else ""}</aside></div>
<footer class="site-footer outer"><div class="inner"><section class="copyright"><a href="{s.home}">{esc(s.name)}</a> &copy; 2024</section>
<div class="gh-powered-by"><a href="https://ghost.org/" target="_blank" rel="noopener">Powered by Ghost</a></div></div></footer>
</div>
</body>
</html>
"""


class Substack(BlogEngine):
    platform = "substack"
    contact_path = "/contact"
    about_path = "/about"
    feed_path = "/feed"

    def deal_path(self, slug: str) -> str:
        return f"/{slug}"

    def post_path(self, post: Post) -> str:
        return f"/p/{post.slug}"

    def comments(self) -> str:
        return ('<div class="comments-section"><h4>Discussion</h4>'
                '<p class="comment-cta">Leave a comment</p></div>')

    def layout(self, b: Builder, title: str, main: str, head: str = "") -> str:
        s = b.site
        return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{esc(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta property="og:site_name" content="{esc(s.name)}">
<link rel="alternate" type="application/rss+xml" href="{s.home}feed" title="{esc(s.name)}">
<link rel="preconnect" href="https://substackcdn.com">
<link rel="stylesheet" href="https://substackcdn.com/bundle/theme/main.css">
<script>window._preloads = {{"pub": {{"name": "{esc(s.name)}", "subdomain": "{s.domain.split('.')[0]}", "custom_domain": "{s.host}"}}, "base_url": "{s.home}"}};</script>
{head}
</head>
<body class="substack-app">
<div id="entry"><div class="main-menu"><div class="topbar-content"><a class="navbar-title-link" href="{s.home}">{esc(s.name)}</a>
<a class="button primary subscribe-btn" href="{s.home}subscribe">Subscribe</a></div>
<div class="navbar-buttons"><a href="/archive">Archive</a>{b.nav_html("nav")}</div></div>
<div class="container"><div class="portable-archive-list">
{main}
</div>
<div class="sidebar">{self.blogroll(b).replace("Blogroll", "Recommendations")}{b.plan.html("home") if title.startswith(s.name) else ""}</div></div>
<div class="footer-wrap publication-footer"><div class="footer-slogan-blurb">{esc(s.name)} is a reader-supported publication.</div>
<div class="footer-terms"><a href="https://substack.com/privacy">Privacy</a> &middot; <a href="https://substack.com/tos">Terms</a> &middot;
<a href="https://substack.com/signup?utm_source=substack&amp;utm_medium=web&amp;utm_content=footer">Start writing</a> &middot; Substack is the home for great culture</div></div></div>
</body>
</html>
"""

    def content(self, b: Builder) -> None:
        super().content(b)
        s = b.site
        rows = "".join(f'<div class="post-preview"><a class="post-preview-title" href="{esc(p.path)}">{esc(p.title)}</a>'
                       f'<time datetime="{p.day.isoformat()}">{p.day.isoformat()}</time></div>' for p in b.posts)
        b.page("/archive", f"Archive - {s.name}", f"<h1>Archive</h1>{rows}")
        b.page("/subscribe", f"Subscribe - {s.name}",
               f"<h1>Subscribe to {esc(s.name)}</h1><p>Get new posts in your inbox.</p>")


BLOG_ENGINES: dict[str, type[BlogEngine]] = {
    "wordpress": WordPress, "blogger": Blogger, "ghost": Ghost, "substack": Substack,
}
