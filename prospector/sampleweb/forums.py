# ruff: noqa: E501
# (markup templates read best with one HTML element per line)
"""Forum engines: phpBB, vBulletin, XenForo, Discourse, SMF, MyBB.

Each imitates the structure its real counterpart emits (URL patterns, class names,
generator meta, footer credit, feed link) so platform detection is exercised on
realistic signatures. The shared `ForumEngine.content` builds index, board and
thread pages; subclasses only format them.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import content
from .model import Post
from .render import Builder, esc


@dataclass(slots=True)
class Reply:
    pid: int
    author: str
    text: str
    signature: str  # HTML, may be empty


def _n(x: int) -> str:
    return f"{x:,}"


class ForumEngine:
    platform = ""
    contact_path = "/contact"
    about_path = "/about"
    feed_path = "/feed.xml"
    feed_kind = "rss"
    members_path = "/members/"

    def deal_path(self, slug: str) -> str:
        return f"/{slug}"

    def post_path(self, post: Post) -> str:
        raise NotImplementedError

    def forum_path(self, fid: int) -> str:
        raise NotImplementedError

    def layout(self, b: Builder, title: str, main: str, head: str = "") -> str:
        raise NotImplementedError

    def index(self, b: Builder, boards: list[tuple[int, str]], stats: tuple[int, int, int]) -> str:
        raise NotImplementedError

    def reply(self, r: Reply) -> str:
        raise NotImplementedError

    def board_list(self, b: Builder, boards: list[tuple[int, str]]) -> str:
        return "".join(
            f'<li class="row forum"><a href="{esc(self.forum_path(f))}" class="forumtitle">'
            f"{esc(name)}</a></li>" for f, name in boards)

    def topic_list(self, b: Builder, posts: list[Post]) -> str:
        return "".join(
            f'<li class="row topic"><a href="{esc(p.path)}" class="topictitle">{esc(p.title)}</a>'
            f' by <span class="username">{esc(p.author)}</span> '
            f'<time datetime="{p.day.isoformat()}">{p.day.isoformat()}</time></li>'
            for p in posts)

    def content(self, b: Builder) -> None:
        s = b.site
        b.make_posts(6, content.THREAD_TITLES)
        names = b.rng.sample(content.FORUM_NAMES, 4)
        boards = [(i + 2, n) for i, n in enumerate(names)]
        threads_of: dict[int, list[Post]] = {f: [] for f, _ in boards}
        board_of: dict[int, int] = {}
        for i, p in enumerate(b.posts):
            board_of[p.pid] = boards[i % len(boards)][0]
            threads_of[board_of[p.pid]].append(p)
        # Re-derive thread paths now that each thread has a board (phpBB puts f= in them).
        for p in b.posts:
            p.path = self.thread_path(p, board_of[p.pid])
        members = s.members or 0
        stats = (members * b.rng.randint(8, 40), len(b.posts) * b.rng.randint(60, 300), members)
        # Signatures carry this site's outbound links, spread across the threads.
        targets = list(s.targets)
        for ti, p in enumerate(b.posts):
            replies = []
            for j in range(b.rng.randint(3, 5)):
                first, last = content.person(b.rng)
                author = f"{first}{last[0]}" if j else p.author.replace(" ", "")
                sig = ""
                if targets and (j % 2 == 1 or ti >= len(b.posts) - 2):
                    t = targets.pop(0)
                    sig = f"My site: {b.link(t)}"
                text = " ".join(b.sentences(1, 2))
                replies.append(Reply(p.pid * 10 + j, author, text, sig))
            if ti == len(b.posts) - 1:
                for t in targets:  # leftovers go into the last thread
                    replies.append(Reply(p.pid * 10 + 9, "archivist", "More links:",
                                         f"See also {b.link(t)}"))
                targets = []
            main = (f'<h2 class="topic-title">{esc(p.title)}</h2>'
                    + "".join(self.reply(r) for r in replies) + b.share(p.path))
            b.page(p.path, f"{p.title} - {s.name}", main)
        for fid, name in boards:
            main = (f'<h2 class="forum-title">{esc(name)}</h2>'
                    + self.topics_block(self.topic_list(b, threads_of[fid])))
            b.page(self.forum_path(fid), f"{name} - {s.name}", main)
        home = self.index(b, boards, stats)
        home += "<h3>Recent topics</h3>" + self.topics_block(self.topic_list(b, b.posts))
        home += f'<div class="site-about">{b.plan.html("home")}</div>'
        b.page("/", s.name, home, b.plan.html("head"))
        b.page(self.members_path, f"Members - {s.name}",
               "<h2>Members</h2><p>You must be logged in to view the member list.</p>")

    def thread_path(self, post: Post, fid: int) -> str:
        return self.post_path(post)

    def topics_block(self, rows: str) -> str:
        return f'<ul class="topiclist topics">{rows}</ul>'

    def intro(self, b: Builder) -> str:
        return (f"<p class=\"site-description\">{esc(b.site.name)}: friendly beekeeping "
                "discussion for new and experienced beekeepers.</p>")


class PhpBB(ForumEngine):
    platform = "phpbb"
    contact_path = "/memberlist.php?mode=contactadmin"
    feed_path = "/app.php/feed"
    feed_kind = "atom"
    members_path = "/memberlist.php"

    def post_path(self, post: Post) -> str:
        return f"/viewtopic.php?t={post.pid}"

    def thread_path(self, post: Post, fid: int) -> str:
        return f"/viewtopic.php?f={fid}&t={post.pid}"

    def forum_path(self, fid: int) -> str:
        return f"/viewforum.php?f={fid}"

    def layout(self, b: Builder, title: str, main: str, head: str = "") -> str:
        s = b.site
        return f"""<!DOCTYPE html>
<html dir="ltr" lang="en-gb">
<head>
<meta charset="utf-8" />
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<title>{esc(title)}</title>
<link rel="alternate" type="application/atom+xml" title="Feed - {esc(s.name)}" href="{self.feed_path}">
<link href="./styles/prosilver/theme/stylesheet.css?assets_version=41" rel="stylesheet">
{head}
</head>
<body id="phpbb" class="nojs notouch section-index ltr ">
<div id="wrap" class="wrap">
<div id="page-header"><div class="headerbar" role="banner"><div class="inner">
<div id="site-description" class="site-description"><a id="logo" class="logo" href="./index.php"><span class="site_logo"></span></a>
<h1>{esc(s.name)}</h1>{self.intro(b)}</div></div></div>
<div class="navbar" role="navigation"><div class="inner">{b.nav_html("nav-main linklist")}
<ul class="linklist"><li><a href="./index.php">Board index</a></li><li><a href="{self.members_path}">Members</a></li></ul></div></div>
</div>
<div id="page-body" class="page-body" role="main">
{main}
</div>
<div id="page-footer" class="page-footer" role="contentinfo">
<div class="copyright">Powered by <a href="https://www.phpbb.com/">phpBB</a>&reg; Forum Software &copy; phpBB Limited</div>
</div></div>
</body>
</html>
"""

    def index(self, b: Builder, boards: list[tuple[int, str]], stats: tuple[int, int, int]) -> str:
        posts, topics, members = stats
        return (f'<div class="forabg"><ul class="topiclist forums">{self.board_list(b, boards)}</ul></div>'
                '<div class="stat-block statistics"><h3>Statistics</h3>'
                f"<p>Total posts <strong>{_n(posts)}</strong> &bull; Total topics <strong>"
                f"{_n(topics)}</strong> &bull; Total members <strong>{_n(members)}</strong></p></div>")

    def reply(self, r: Reply) -> str:
        sig = f'<div id="sig{r.pid}" class="signature">{r.signature}</div>' if r.signature else ""
        return (f'<div id="p{r.pid}" class="post has-profile bg2"><div class="inner">'
                f'<dl class="postprofile" id="profile{r.pid}"><dt><a href="./memberlist.php?mode=viewprofile&amp;u={r.pid % 997}" class="username">{esc(r.author)}</a></dt></dl>'
                f'<div class="postbody"><div id="post_content{r.pid}"><div class="content">{esc(r.text)}</div>'
                f"{sig}</div></div></div></div>")


class VBulletin(ForumEngine):
    platform = "vbulletin"
    contact_path = "/sendmessage.php"
    feed_path = "/external.php?type=RSS2"
    members_path = "/memberlist.php"

    def post_path(self, post: Post) -> str:
        return f"/showthread.php?t={post.pid}"

    def forum_path(self, fid: int) -> str:
        return f"/forumdisplay.php?f={fid}"

    def layout(self, b: Builder, title: str, main: str, head: str = "") -> str:
        s = b.site
        return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" dir="ltr" lang="en" id="vbulletin_html">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=UTF-8" />
<meta name="generator" content="vBulletin 4.2.5" />
<link rel="stylesheet" type="text/css" href="clientscript/vbulletin_css/style00001l/main-rollup.css?d=1700000000" />
<link rel="alternate" type="application/rss+xml" title="{esc(s.name)} RSS Feed" href="{esc(self.feed_path)}" />
<title>{esc(title)}</title>
{head}
</head>
<body>
<div class="above_body"><div id="header" class="floatcontainer doc_header">
<a name="top" href="forum.php" class="logo-image"><img src="images/misc/vbulletin4_logo.png" alt="{esc(s.name)}" /></a>
<h1>{esc(s.name)}</h1>{self.intro(b)}</div>
<div id="navbar" class="navbar">{b.nav_html("floatcontainer navtabs")}</div></div>
<div class="body_wrapper">
{main}
</div>
<div id="footer" class="floatcontainer footer"><div id="footer_copyright" class="shade footer_copyright">
Powered by <a href="https://www.vbulletin.com" id="vbulletinlink">vBulletin&reg;</a> Version 4.2.5 <br />Copyright &copy; 2024 vBulletin Solutions, Inc. All rights reserved.</div></div>
</body>
</html>
"""

    def index(self, b: Builder, boards: list[tuple[int, str]], stats: tuple[int, int, int]) -> str:
        posts, topics, members = stats
        return (f'<ol id="forums" class="floatcontainer">{self.board_list(b, boards)}</ol>'
                '<div id="wgo_stats" class="wgo_block block"><h2 class="blockhead">Statistics</h2>'
                f'<dl class="stats"><dt>Threads</dt><dd>{_n(topics)}</dd></dl>'
                f'<dl class="stats"><dt>Posts</dt><dd>{_n(posts)}</dd></dl>'
                f'<dl class="stats"><dt>Members</dt><dd>{_n(members)}</dd></dl></div>')

    def reply(self, r: Reply) -> str:
        sig = (f'<blockquote class="signature restore"><div class="signaturecontainer">'
               f"{r.signature}</div></blockquote>") if r.signature else ""
        return (f'<li class="postbitlegacy postbitim postcontainer" id="post_{r.pid}">'
                f'<div class="postdetails"><div class="userinfo"><a class="username" href="member.php?u={r.pid % 997}">'
                f'{esc(r.author)}</a></div><div class="postbody"><div class="content">'
                f'<div id="post_message_{r.pid}"><blockquote class="postcontent restore">{esc(r.text)}'
                f"</blockquote></div></div>{sig}</div></div></li>")


class XenForo(ForumEngine):
    platform = "xenforo"
    contact_path = "/misc/contact"
    feed_path = "/forums/-/index.rss"

    def post_path(self, post: Post) -> str:
        return f"/threads/{post.slug}.{post.pid}/"

    def forum_path(self, fid: int) -> str:
        return f"/forums/board-{fid}.{fid}/"

    def layout(self, b: Builder, title: str, main: str, head: str = "") -> str:
        s = b.site
        return f"""<!DOCTYPE html>
<html id="XF" lang="en-US" dir="LTR" data-xf="2.2" data-app="public" data-template="forum_list" data-container-key="" data-content-key="" data-logged-in="false" data-cookie-prefix="xf_" data-csrf="" class="has-no-js template-forum_list">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<title>{esc(title)}</title>
<link rel="alternate" type="application/rss+xml" title="RSS feed for {esc(s.name)}" href="{self.feed_path}" />
<link rel="stylesheet" href="/css.php?css=public%3Anormalize.css%2Cpublic%3Acore.less&amp;s=1&amp;l=1&amp;d=1700000000&amp;k=abc" />
{head}
</head>
<body data-template="forum_list">
<div class="p-pageWrapper" id="top">
<header class="p-header" id="header"><div class="p-header-inner"><div class="p-header-content">
<div class="p-header-logo p-header-logo--image"><a href="/"><span>{esc(s.name)}</span></a></div></div></div></header>
<div class="p-nav" data-xf-init="sticky-header">{b.nav_html("p-nav-list js-offCanvasNavSource")}</div>
<div class="p-body"><div class="p-body-inner"><div class="p-body-header"><h1 class="p-title-value">{esc(title)}</h1>{self.intro(b)}</div>
<div class="p-body-main"><div class="p-body-content" data-xf-init="lightbox">
{main}
</div></div></div></div>
<footer class="p-footer" id="footer"><div class="p-footer-inner">
<div class="p-footer-copyright"><a href="https://xenforo.com" class="u-concealed" dir="ltr" target="_blank" rel="sponsored noopener">Powered by XenForo<sup>&reg;</sup> <span class="copyright">&copy; 2010-2024 XenForo Ltd.</span></a></div>
</div></footer></div>
</body>
</html>
"""

    def index(self, b: Builder, boards: list[tuple[int, str]], stats: tuple[int, int, int]) -> str:
        posts, topics, members = stats
        return (f'<div class="block block--category"><ol class="block-body">{self.board_list(b, boards)}</ol></div>'
                '<div class="block" data-widget-key="forum_overview_forum_statistics"><h3 class="block-minorHeader">Forum statistics</h3>'
                f'<dl class="pairs pairs--justified"><dt>Threads</dt><dd>{_n(topics)}</dd></dl>'
                f'<dl class="pairs pairs--justified"><dt>Messages</dt><dd>{_n(posts)}</dd></dl>'
                f'<dl class="pairs pairs--justified"><dt>Members</dt><dd>{_n(members)}</dd></dl></div>')

    def reply(self, r: Reply) -> str:
        sig = (f'<aside class="message-signature"><div class="bbWrapper">{r.signature}</div></aside>'
               if r.signature else "")
        return (f'<article class="message message--post js-post js-inlineModContainer" data-author="{esc(r.author)}" '
                f'data-content="post-{r.pid}" id="js-post-{r.pid}"><div class="message-inner">'
                f'<div class="message-cell message-cell--user"><h4 class="message-name"><a href="/members/{r.pid % 997}/" class="username">'
                f'{esc(r.author)}</a></h4></div><div class="message-cell message-cell--main">'
                f'<div class="message-userContent lbContainer js-lbContainer"><article class="message-body js-selectToQuote">'
                f'<div class="bbWrapper">{esc(r.text)}</div></article></div>{sig}</div></div></article>')


class Discourse(ForumEngine):
    platform = "discourse"
    feed_path = "/latest.rss"
    members_path = "/u/"

    def post_path(self, post: Post) -> str:
        return f"/t/{post.slug}/{post.pid}"

    def forum_path(self, fid: int) -> str:
        return f"/c/category-{fid}/{fid}"

    def layout(self, b: Builder, title: str, main: str, head: str = "") -> str:
        s = b.site
        return f"""<!DOCTYPE html>
<html lang="en" class="desktop-view not-mobile-device text-size-normal anon">
<head>
<meta charset="utf-8">
<title>{esc(title)}</title>
<meta name="description" content="{esc(s.name)} beekeeping community">
<meta name="generator" content="Discourse 3.2.1 - https://github.com/discourse/discourse version 1f2e3d4c5b6a">
<meta name="discourse_theme_id" content="2">
<meta name="discourse_current_homepage" content="latest">
<link rel="alternate nofollow" type="application/rss+xml" title="RSS feed of &#39;Latest topics&#39;" href="{self.feed_path}" />
<link href="/stylesheets/desktop_1f2e3d.css?__ws=discourse" media="all" rel="stylesheet" data-target="desktop" />
<meta id="data-discourse-setup" data-cdn="" data-base-url="{s.home.rstrip('/')}" data-base-uri="" data-environment="production" />
{head}
</head>
<body class="crawler">
<header class="d-header"><div class="wrap"><div class="contents"><div class="title"><a href="/"><h1>{esc(s.name)}</h1></a></div></div></div></header>
<nav class="crawler-nav">{b.nav_html("nav-pills")}</nav>
<div id="main-outlet" class="wrap" role="main">
{self.intro(b)}
{main}
</div>
<footer class="container wrap"><nav class="crawler-nav"><ul><li><a href="/">Home</a></li><li><a href="/categories">Categories</a></li><li><a href="/guidelines">Guidelines</a></li></ul></nav></footer>
<footer id="noscript-footer"><p>Powered by <a href="https://www.discourse.org">Discourse</a>, best viewed with JavaScript enabled</p></footer>
</body>
</html>
"""

    def topic_list(self, b: Builder, posts: list[Post]) -> str:
        return "".join(
            f'<tr class="topic-list-item"><td class="main-link"><meta itemprop="position" content="{i + 1}">'
            f'<span class="link-top-line"><a itemprop="url" href="{esc(p.path)}" class="title raw-link raw-topic-link">'
            f"{esc(p.title)}</a></span></td><td class=\"posters\">{esc(p.author)}</td>"
            f'<td class="age"><time datetime="{p.day.isoformat()}">{p.day.isoformat()}</time></td></tr>'
            for i, p in enumerate(posts))

    def topics_block(self, rows: str) -> str:
        return f'<table class="topic-list" role="list"><tbody>{rows}</tbody></table>'

    def index(self, b: Builder, boards: list[tuple[int, str]], stats: tuple[int, int, int]) -> str:
        posts, topics, members = stats
        cats = "".join(f'<li><a href="{self.forum_path(f)}" class="category-link">{esc(n)}</a></li>'
                       for f, n in boards)
        return (f'<ul class="category-list">{cats}</ul>'
                '<section class="about stats"><h3>Site statistics</h3><table class="table">'
                f"<tr><td>Topics</td><td>{_n(topics)}</td></tr><tr><td>Posts</td><td>{_n(posts)}</td></tr>"
                f"<tr><td>Users</td><td>{_n(members)}</td></tr></table>"
                f"<p>{_n(members)} members</p></section>")

    def reply(self, r: Reply) -> str:
        sig = f'<div class="user-signature">{r.signature}</div>' if r.signature else ""
        return (f'<div id="post_{r.pid % 50 + 1}" itemprop="comment" class="topic-body crawler-post">'
                f'<div class="crawler-post-meta"><span class="creator" itemprop="author"><a itemprop="url" href="/u/{esc(r.author)}">'
                f'<span itemprop="name">{esc(r.author)}</span></a></span></div>'
                f'<div class="post" itemprop="text"><p>{esc(r.text)}</p>{sig}</div></div>')


class SMF(ForumEngine):
    platform = "smf"
    contact_path = "/index.php?action=contact"
    feed_path = "/index.php?action=.xml;type=rss"
    members_path = "/index.php?action=mlist"

    def post_path(self, post: Post) -> str:
        return f"/index.php?topic={post.pid}.0"

    def forum_path(self, fid: int) -> str:
        return f"/index.php?board={fid}.0"

    def layout(self, b: Builder, title: str, main: str, head: str = "") -> str:
        s = b.site
        return f"""<!DOCTYPE html>
<html lang="en-US">
<head>
<meta charset="UTF-8">
<link rel="stylesheet" href="{s.home}Themes/default/css/index.css?smf20">
<script>var smf_theme_url = "{s.home}Themes/default"; var smf_scripturl = "{s.home}index.php";</script>
<title>{esc(title)}</title>
<link rel="alternate" type="application/rss+xml" title="{esc(s.name)} - RSS" href="{esc(self.feed_path)}">
{head}
</head>
<body id="chrome" class="action_home">
<div id="footerfix"><div id="top_section"><div class="inner_wrap"><h1 class="forumtitle"><a id="top" href="{s.home}index.php">{esc(s.name)}</a></h1>
{self.intro(b)}</div></div>
<div id="main_menu">{b.nav_html("dropmenu menu_nav")}</div>
<div id="content_section"><div id="main_content_section">
{main}
</div></div></div>
<div id="footer"><div class="inner_wrap"><ul><li class="copyright"><span class="smalltext" style="display: inline; visibility: visible; font-family: Verdana, Arial, sans-serif;">
Powered by <a href="https://www.simplemachines.org/" title="Simple Machines Forum" target="_blank" class="new_win">Simple Machines</a> | SMF 2.0.19 &copy; 2021, Simple Machines</span></li></ul></div></div>
</body>
</html>
"""

    def index(self, b: Builder, boards: list[tuple[int, str]], stats: tuple[int, int, int]) -> str:
        posts, topics, members = stats
        rows = "".join(f'<div id="board_{f}" class="up_contain"><div class="info"><a class="subject mobile_subject" href="{esc(self.forum_path(f))}">'
                       f"{esc(n)}</a></div></div>" for f, n in boards)
        return (f'<div id="boardindex_table" class="boardindex_table">{rows}</div>'
                '<div id="upshrinkHeaderIC"><div class="sub_bar"><h4 class="subbg">Forum Stats</h4></div>'
                f'<p class="inline">{_n(posts)} Posts in {_n(topics)} Topics by {_n(members)} Members.</p></div>')

    def reply(self, r: Reply) -> str:
        sig = (f'<div class="signature" id="msg_{r.pid}_signature">{r.signature}</div>'
               if r.signature else "")
        return (f'<div class="windowbg"><div class="post_wrapper"><div class="poster"><h4><a href="{esc("/index.php?action=profile;u=")}{r.pid % 997}">'
                f'{esc(r.author)}</a></h4></div><div class="postarea"><div class="post">'
                f'<div class="inner" id="msg_{r.pid}">{esc(r.text)}</div></div>{sig}</div></div></div>')


class MyBB(ForumEngine):
    platform = "mybb"
    contact_path = "/contact.php"
    feed_path = "/syndication.php"
    members_path = "/memberlist.php"

    def post_path(self, post: Post) -> str:
        return f"/showthread.php?tid={post.pid}"

    def forum_path(self, fid: int) -> str:
        return f"/forumdisplay.php?fid={fid}"

    def layout(self, b: Builder, title: str, main: str, head: str = "") -> str:
        s = b.site
        return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd"><!-- start: index -->
<html xml:lang="en" lang="en" xmlns="http://www.w3.org/1999/xhtml">
<head>
<title>{esc(title)}</title>
<!-- start: headerinclude -->
<link rel="alternate" type="application/rss+xml" title="Latest Threads (RSS 2.0)" href="{s.home}syndication.php" />
<link rel="alternate" type="application/atom+xml" title="Latest Threads (Atom 1.0)" href="{s.home}syndication.php?type=atom1.0" />
<meta http-equiv="Content-Type" content="text/html; charset=UTF-8" />
<script type="text/javascript" src="{s.home}jscripts/general.js?ver=1836"></script>
<link type="text/css" rel="stylesheet" href="{s.home}cache/themes/theme1/global.css?t=1700000000" />
<!-- end: headerinclude -->
{head}
</head>
<body>
<div id="container"><a name="top" id="top"></a>
<div id="header"><div id="logo"><div class="wrapper"><a href="{s.home}index.php"><img src="{s.home}images/logo.png" alt="{esc(s.name)}" title="{esc(s.name)}" /></a>
<ul class="menu top_links">{"".join(f'<li><a href="{esc(h)}">{esc(t)}</a></li>' for h, t in b.nav())}</ul></div></div></div>
<div id="content"><div class="wrapper"><h1>{esc(s.name)}</h1>{self.intro(b)}
{main}
</div></div>
<div id="footer"><div class="lower"><div class="wrapper"><span id="copyright">
<!-- MyBB is free software developed and maintained by a volunteer community. -->
Powered By <a href="https://mybb.com" target="_blank" rel="noopener">MyBB</a>, &copy; 2002-2024 <a href="https://mybb.com" target="_blank" rel="noopener">MyBB Group</a>.
</span></div></div></div></div>
</body>
</html>
<!-- end: index -->
"""

    def index(self, b: Builder, boards: list[tuple[int, str]], stats: tuple[int, int, int]) -> str:
        posts, topics, members = stats
        rows = "".join(f'<tr><td class="trow1"><strong><a href="{esc(self.forum_path(f))}">{esc(n)}</a></strong></td></tr>'
                       for f, n in boards)
        return (f'<table border="0" cellspacing="0" cellpadding="5" class="tborder">{rows}</table>'
                '<table class="tborder"><tr><td class="tcat"><strong>Board Statistics</strong></td></tr>'
                f'<tr><td class="trow1"><span class="smalltext">Our members have made a total of {_n(posts)} posts in '
                f"{_n(topics)} threads.<br />We currently have {_n(members)} members registered.</span></td></tr></table>")

    def reply(self, r: Reply) -> str:
        sig = f'<div class="signature scaleimages">{r.signature}</div>' if r.signature else ""
        return (f'<div class="post " style="" id="post_{r.pid}"><div class="post_author scaleimages">'
                f'<div class="author_information"><strong><span class="largetext"><a href="member.php?action=profile&amp;uid={r.pid % 997}">'
                f'{esc(r.author)}</a></span></strong></div></div><div class="post_content">'
                f'<div class="post_body scaleimages" id="pid_{r.pid}">{esc(r.text)}</div>{sig}</div></div>')


FORUM_ENGINES: dict[str, type[ForumEngine]] = {
    "phpbb": PhpBB, "vbulletin": VBulletin, "xenforo": XenForo,
    "discourse": Discourse, "smf": SMF, "mybb": MyBB,
}
