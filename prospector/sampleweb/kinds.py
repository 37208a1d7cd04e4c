# ruff: noqa: E501
# (markup templates read best with one HTML element per line)
"""Sites whose kind the markup of their engine does not give away (issue 18): blogs
built by static site generators (Hugo, Jekyll, Eleventy: no CMS marker, only the
generator's traces, dated post lists, tags and a feed), a newsroom on WordPress that
loads WooCommerce to sell subscriptions, a club, a company, and a forum on software of
its own. Each follows the structure real sites of its kind show (cf. the corpus pages
in shared/corpus: Hugo and Nikola blogs, WordPress newsrooms with NewsArticle markup
and section menus, club sites with membership menus, custom-built boards); no text is
taken from them.
"""

from __future__ import annotations

from . import content
from .blogs import BlogEngine, WordPress
from .forums import ForumEngine, Reply, _n
from .model import Post
from .others import Plain
from .render import Builder, esc

# What each generator leaves in the pages it builds, and where it puts posts and feeds.
GENERATORS: dict[str, dict[str, str]] = {
    "hugo": {"head": '<meta name="generator" content="Hugo 0.121.2">', "feed": "/index.xml",
             "kind": "rss", "post": "/posts/{slug}/"},
    "jekyll": {"head": "<!-- Begin Jekyll SEO tag v2.8.0 -->\n<title>{title}</title>\n"
                       '<meta name="generator" content="Jekyll v4.3.3" />\n<!-- End Jekyll SEO tag -->',
               "feed": "/feed.xml", "kind": "atom", "post": "/{year}/{month}/{day}/{slug}.html"},
    # Eleventy's feed plugin writes JSON Feed too: the sample web's JSON Feed (issue 21).
    "eleventy": {"head": '<meta name="generator" content="Eleventy v2.0.1">', "feed": "/feed.json",
                 "kind": "json", "post": "/blog/{slug}/"},
}
STATIC_GENERATORS = tuple(GENERATORS)


class StaticBlog(BlogEngine):
    """A blog a static site generator built: a list of dated posts on the home page,
    tag pages, a feed; no comments (static sites have none) and no CMS asset paths."""

    def __init__(self, generator: str) -> None:
        spec = GENERATORS[generator]
        self.platform = generator
        self.spec = spec
        self.feed_path = spec["feed"]
        self.feed_kind = spec["kind"]

    def post_path(self, post: Post) -> str:
        return self.spec["post"].format(slug=post.slug, year=post.day.year,
                                        month=f"{post.day.month:02d}", day=f"{post.day.day:02d}")

    def comments(self) -> str:
        return ""

    def article(self, b: Builder, p: Post, full: bool) -> str:
        body = "".join(f"<p>{esc(x)}</p>" for x in (p.paras if full else p.paras[:1]))
        tags = '<ul class="post-tags"><li><a href="/tags/beekeeping/">beekeeping</a></li></ul>'
        title = (f'<h1 class="post-title">{esc(p.title)}</h1>' if full else
                 f'<h2 class="post-title"><a href="{esc(p.path)}">{esc(p.title)}</a></h2>')
        return (f'<article class="post">{title}<div class="post-meta"><time datetime="{p.day.isoformat()}">'
                f'{p.day.strftime("%B %d, %Y").replace(" 0", " ")}</time> · {esc(p.author)}</div>'
                f'<div class="post-content">{body}</div>{tags if full else ""}</article>')

    def layout(self, b: Builder, title: str, main: str, head: str = "") -> str:
        s = b.site
        generator = self.spec["head"].replace("{title}", esc(title))
        title_tag = "" if "<title>" in generator else f"<title>{esc(title)}</title>"
        feed_type = {"rss": "application/rss+xml", "json": "application/feed+json"}.get(
            self.feed_kind, "application/atom+xml")
        return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
{title_tag}
{generator}
<link rel="alternate" type="{feed_type}" title="{esc(s.name)}" href="{self.feed_path}">
<link rel="stylesheet" href="/css/main.css">
{head}
</head>
<body>
<header class="site-header"><a class="site-title" href="/">{esc(s.name)}</a>
<nav class="site-nav">{b.nav_html("menu")}</nav></header>
<main class="page-content">
{main}
</main>
<aside class="sidebar">{self.blogroll(b) if title.startswith(s.name) else ""}{b.plan.html("home") if title.startswith(s.name) else ""}</aside>
<footer class="site-footer"><p>&copy; 2024 {esc(s.name)}. <a href="{self.feed_path}">Feed</a> · <a href="/tags/">Tags</a></p></footer>
</body>
</html>
"""

    def content(self, b: Builder) -> None:
        s = b.site
        b.make_posts(b.rng.randint(4, 6), self.titles(b))
        for p in b.posts:
            b.page(p.path, f"{p.title} | {s.name}", self.article(b, p, True) + b.share(p.path))
        home = '<ul class="post-list">' + "".join(
            f"<li>{self.article(b, p, False)}</li>" for p in b.posts) + "</ul>"
        tagged = "".join(f'<li><a href="{esc(p.path)}">{esc(p.title)}</a> <time datetime="{p.day.isoformat()}">'
                         f"{p.day.isoformat()}</time></li>" for p in b.posts)
        b.page("/tags/beekeeping/", f"beekeeping | {s.name}", f'<h1>Posts tagged “beekeeping”</h1><ul class="post-list">{tagged}</ul>')
        b.page("/", f"{s.name} - notes on {self.topic(b)}", home, b.plan.html("head"))


# A newsroom's sections (the beekeeping trade press reports on these).
SECTIONS = ("Local", "Science", "Business", "Opinion", "Events")


class NewsSite(WordPress):
    """A regional farming newsroom on WordPress: NewsMediaOrganization and NewsArticle
    markup, a section menu, bylines; it loads WooCommerce on every page because it
    sells print subscriptions, which makes it no shop."""

    def __init__(self) -> None:
        super().__init__(pretty=True)

    def post_path(self, post: Post) -> str:
        section = SECTIONS[post.pid % len(SECTIONS)].lower()
        return f"/{section}/{post.day.year}/{post.day.month:02d}/{post.slug}/"

    def layout(self, b: Builder, title: str, main: str, head: str = "") -> str:
        s = b.site
        sections = "".join(f'<li class="menu-item"><a href="/{x.lower()}/">{x}</a></li>' for x in SECTIONS)
        extra = (f'<link rel="stylesheet" href="{s.home}wp-content/plugins/woocommerce/assets/css/woocommerce.css?ver=8.5.2">'
                 '<script type="application/ld+json">{"@context": "https://schema.org", '
                 f'"@type": "NewsMediaOrganization", "name": "{esc(s.name)}", "url": "{s.home}"}}</script>'
                 + head)
        page = super().layout(b, title, main, extra)
        return page.replace('<nav id="site-navigation"', f'<ul class="sections">{sections}<li><a href="/shop/subscription/">Subscribe</a></li></ul><nav id="site-navigation"', 1)

    def article(self, b: Builder, p: Post, full: bool) -> str:
        section = p.path.split("/")[1].capitalize()
        body = "".join(f"<p>{esc(x)}</p>" for x in (p.paras if full else p.paras[:1]))
        markup = ('<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle", '
                  f'"headline": "{esc(p.title)}", "datePublished": "{p.day.isoformat()}", '
                  f'"articleSection": "{section}"}}</script>') if full else ""
        return (f'{markup}<article id="post-{p.pid}" class="post-{p.pid} post type-post status-publish category-{section.lower()}">'
                f'<header class="entry-header"><span class="cat-links">{section}</span><h2 class="entry-title"><a href="{esc(p.path)}">{esc(p.title)}</a></h2>'
                f'<div class="entry-meta"><time class="entry-date published" datetime="{p.day.isoformat()}">{p.day.isoformat()}</time>'
                f' <span class="byline">By <span class="author vcard">{esc(p.author)}</span>, staff reporter</span></div></header>'
                f'<div class="entry-content">{body}</div></article>')

    def content(self, b: Builder) -> None:
        s = b.site
        b.make_posts(b.rng.randint(5, 6), content.POST_TITLES)
        og = '<meta property="og:type" content="article"><meta property="article:section" content="{}">'
        for p in b.posts:
            b.site.add_html(p.path, self.layout(b, f"{p.title} - {s.name}", self.article(b, p, True) + b.share(p.path) + self.comments(),
                                                og.format(p.path.split("/")[1].capitalize())))
        home = "".join(self.article(b, p, False) for p in b.posts)
        b.page("/shop/subscription/", f"Print subscription - {s.name}",
               '<div class="product type-product"><h1 class="product_title">Print subscription</h1>'
               '<p class="price"><span class="woocommerce-Price-amount amount">&pound;48.00</span> a year</p>'
               '<form class="cart" method="post"><button type="submit" name="add-to-cart" value="101" '
               'class="single_add_to_cart_button button alt">Subscribe</button></form></div>')
        b.page("/", f"{s.name} - beekeeping and farming news", home, b.plan.html("head"))


class Club(Plain):
    """A beekeeping club's own site: meetings, membership, its committee and
    constitution, apiary visits; its news items are dated like posts."""

    def extra_nav(self, b: Builder) -> str:
        return ('<li><a href="/meetings">Meetings</a></li><li><a href="/join">Become a member</a></li>'
                '<li><a href="/committee">Committee</a></li><li><a href="/constitution">Constitution</a></li>'
                '<li><a href="/resources">Resources</a></li>')

    def content(self, b: Builder) -> None:
        s = b.site
        super().content(b)
        b.page("/meetings", f"Meetings - {s.name}",
               "<h1>Meetings</h1><p>We meet on the first Tuesday of the month in the village hall; "
               "summer meetings are held at the club apiary.</p>")
        b.page("/join", f"Become a member - {s.name}",
               "<h1>Become a member</h1><p>Membership includes insurance, the loan of equipment "
               "and a mentor for your first season.</p>")
        b.page("/committee", f"Committee - {s.name}",
               "<h1>Committee</h1><p>Chair, secretary, treasurer and the swarm coordinator are "
               "elected at the annual general meeting.</p>")
        b.page("/constitution", f"Constitution - {s.name}",
               "<h1>Constitution</h1><p>The club is a not-for-profit members' association.</p>")


class Business(Plain):
    """A company selling a service (pollination contracts and hive rentals): services,
    pricing and case studies in its menu, its legal name in the footer, no cart."""

    def extra_nav(self, b: Builder) -> str:
        return ('<li><a href="/services">Services</a></li><li><a href="/pricing">Pricing</a></li>'
                '<li><a href="/case-studies">Case studies</a></li>')

    def layout(self, b: Builder, title: str, main: str, head: str = "") -> str:
        return super().layout(b, title, main, head).replace(
            f"<p>&copy; 2024 {esc(b.site.name)}</p>", f"<p>&copy; 2024 {esc(b.site.name)} Ltd. Registered in England.</p>")

    def content(self, b: Builder) -> None:
        s = b.site
        super().content(b)
        b.page("/services", f"Services - {s.name}",
               "<h1>Services</h1><ul><li>Pollination contracts for orchards</li>"
               "<li>Hive rental for gardens and offices</li><li>Swarm removal</li></ul>")
        b.page("/pricing", f"Pricing - {s.name}",
               "<h1>Pricing</h1><p>Orchard pollination from 40 per hive per season; ask for a quote.</p>")
        b.page("/case-studies", f"Case studies - {s.name}",
               "<h1>Case studies</h1><p>How three cider orchards raised their yield with managed colonies.</p>")


class OwnForum(ForumEngine):
    """A board on software of its own (no engine's markup, ids or credits): topic
    lists with reply counts, 'Re:' titles under every reply, member profiles, poster
    statistics, the board's totals on its index."""

    platform = "none"
    contact_path = "/contact"
    members_path = "/members"

    def post_path(self, post: Post) -> str:
        return f"/t/{post.pid}/{post.slug}"

    def forum_path(self, fid: int) -> str:
        return f"/board/{fid}"

    def layout(self, b: Builder, title: str, main: str, head: str = "") -> str:
        s = b.site
        return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{esc(title)}</title>
<link rel="alternate" type="application/rss+xml" title="{esc(s.name)} latest topics" href="{self.feed_path}">
<link rel="stylesheet" href="/static/board.css">
{head}
</head>
<body class="board">
<div class="top"><a class="brand" href="/">{esc(s.name)}</a>{self.intro(b)}
<ul class="boardnav"><li><a href="/">Forum index</a></li><li><a href="/new">New posts</a></li><li><a href="{self.members_path}">Members</a></li><li><a href="/register">Register</a></li></ul>
{b.nav_html("sitenav")}</div>
<div class="main">
{main}
</div>
<div class="bottom"><p>{esc(s.name)} &middot; the beekeeping forum run by beekeepers for beekeepers</p></div>
</body>
</html>
"""

    def topic_list(self, b: Builder, posts: list[Post]) -> str:
        return "".join(
            f'<tr class="topic"><td><a href="{esc(p.path)}">{esc(p.title)}</a></td>'
            f'<td>{b.rng.randint(2, 40)} replies</td><td>Last post by {esc(p.author)} '
            f'<time datetime="{p.day.isoformat()}">{p.day.isoformat()}</time></td></tr>'
            for p in posts)

    def topics_block(self, rows: str) -> str:
        return f'<table class="topics">{rows}</table>'

    def index(self, b: Builder, boards: list[tuple[int, str]], stats: tuple[int, int, int]) -> str:
        posts, topics, members = stats
        rows = "".join(f'<li class="board"><a href="{esc(self.forum_path(f))}">{esc(name)}</a></li>'
                       for f, name in boards)
        return (f'<ul class="boards">{rows}</ul><div class="totals">Posts: {_n(posts)} &middot; '
                f"Topics: {_n(topics)} &middot; Members: {_n(members)}</div>")

    def reply(self, r: Reply) -> str:
        sig = f'<div class="signature">{r.signature}</div>' if r.signature else ""
        return (f'<div class="reply" id="r{r.pid}"><div class="poster"><a href="/member/{r.pid % 997}">{esc(r.author)}</a>'
                f"<span>Posts: {r.pid % 900 + 12}</span><span>Joined: 2019</span></div>"
                f'<div class="said"><b>Re: the thread</b><p>{esc(r.text)}</p>{sig}</div></div>')
