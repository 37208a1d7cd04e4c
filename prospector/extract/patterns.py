"""Every heuristic vocabulary extraction relies on, in one place.

trafilatura style: the code in the sibling modules is mechanism; what counts as an
obfuscated address, a placeholder, a contact page or a forum engine is decided here, and
each table says why it exists so that a later reader can tell a rule from an accident.
Nothing in this module is mutated at run time.
"""

from __future__ import annotations

import re
from typing import Final

from prospector.extract.vocab import kinds as _kinds
from prospector.extract.vocab import platforms as _platforms

# The e-mail vocabulary lives in vocab/emails.py.

# ---------------------------------------------------------------------------- links

# Schemes that are not fetchable web pages; links using them are neither outbound
# links nor pages to follow.
SKIP_SCHEMES: Final = ("mailto:", "javascript:", "data:", "file:", "tel:", "sms:",
                       "callto:", "skype:", "whatsapp:", "about:", "ftp:", "news:")

# Path extensions of documents we never follow as contact pages.
NON_PAGE_EXTENSIONS: Final = frozenset(
    {"pdf", "jpg", "jpeg", "png", "gif", "webp", "svg", "zip", "gz", "mp3", "mp4",
     "doc", "docx", "xls", "xlsx", "ppt", "pptx", "css", "js", "xml", "rss", "ics"}
)

# A URL path segment (extension removed) naming a page where the owner tells you how to
# reach them, advertise, contribute or partner: the pages the spider must fetch.
CONTACT_SEGMENT_RE: Final = re.compile(
    r"(?:contact|contacts|contactus|contact[-_]us|contact[-_]me|contactme|kontakt|"
    r"kontaktformular|contacto|contatti|contato|about|about[-_]?us|about[-_]?me|aboutus|"
    r"ueber[-_]?uns|uber[-_]?uns|über[-_]?uns|wir|chi[-_]siamo|qui[-_]sommes[-_]nous|"
    r"a[-_]propos|advertise|advertising|advertise[-_]with[-_]us|werbung|mediadaten|"
    r"media[-_]?kit|write[-_]for[-_]us|writeforus|guest[-_]?post(?:ing)?|contribute|"
    r"submit[-_]a[-_]guest[-_]post|partners?|partnerships?|partner[-_]with[-_]us|"
    r"affiliates?|affiliate[-_]program|sponsors?|sponsorship|sponsoring|impressum|"
    r"imprint|legal[-_]notice|mentions[-_]legales|team|our[-_]team|staff|"
    r"the[-_]team|meet[-_]the[-_]team|press|presse|work[-_]with[-_]us|"
    r"work[-_]with[-_]me|collaborate|pr)"
    r"(?:[-_](?:us|me|uns|page|form|info|html))?",
    re.IGNORECASE,
)
# Query values that reach a contact page on forum engines ('memberlist.php?mode=
# contactadmin' on phpBB, '?action=contact' on several CMSs).
CONTACT_QUERY_RE: Final = re.compile(
    r"(?:^|[?&])(?:mode|action|page|do|p|section)=(?:contactadmin|contact|kontakt|"
    r"impressum|imprint|about|advertise|sendmail)(?:&|$)",
    re.IGNORECASE,
)
# Anchor texts of the same pages, for sites whose URLs say nothing (/?page_id=12).
CONTACT_ANCHOR_RE: Final = re.compile(
    r"\b(?:contact(?:\s+(?:us|me|the\s+(?:team|admin|webmaster|editors?)))?|"
    r"get\s+in\s+touch|kontakt(?:formular)?|contacto|contatti|about(?:\s+(?:us|me))?|"
    r"über\s+uns|ueber\s+uns|wir\s+über\s+uns|impressum|imprint|legal\s+notice|"
    r"advertise(?:\s+with\s+us)?|advertising|werbung|mediadaten|media\s+kit|"
    r"write\s+for\s+us|guest\s+post(?:ing)?|contribute|partners?|partnerships?|"
    r"partner\s+with\s+us|affiliates?|affiliate\s+program|sponsors?|sponsorship|"
    r"our\s+team|the\s+team|meet\s+the\s+team|team|staff|work\s+with\s+(?:us|me))\b",
    re.IGNORECASE,
)
# Every match of CONTACT_SEGMENT_RE / CONTACT_ANCHOR_RE on lower-cased ASCII text holds
# one of these ('conta' stands for 'contact', 'contato' and 'contatti'; 'pr' for 'press',
# 'presse', 'a-propos' and 'pr' itself).
CONTACT_SEGMENT_LITERALS: Final = (
    "conta", "kontakt", "about", "ueber", "uber", "wir", "chi", "qui", "pr",
    "advertis", "werbung", "mediadaten", "media", "write", "guest", "contribut",
    "submit", "partner", "affiliate", "sponsor", "impressum", "imprint", "legal",
    "mentions", "team", "staff", "work", "collaborate",
)
CONTACT_ANCHOR_LITERALS: Final = (
    "conta", "get", "kontakt", "about", "ueber", "wir", "impressum", "imprint", "legal",
    "advertis", "werbung", "mediadaten", "media", "write", "guest", "contribut",
    "partner", "affiliate", "sponsor", "team", "staff", "work",
)
# Anchors longer than this are sentences, not menu entries naming a contact page.
MAX_CONTACT_ANCHOR: Final = 40

# Words in a page's title or URL that make a form on it a contact form.
CONTACT_PAGE_RE: Final = re.compile(
    r"contact|kontakt|contacto|contatti|get in touch|impressum|advertis|write for us|"
    r"enquir|inquir|feedback|anfrage",
    re.IGNORECASE,
)
# Field names/ids of the message box of a contact form.
MESSAGE_FIELD_RE: Final = re.compile(
    r"message|msg|nachricht|comments?|inquiry|enquiry|anfrage|body|your-message|"
    r"text|content|question|mensaje|messaggio", re.IGNORECASE
)
# Blog comment forms (WordPress #commentform, wp-comments-post.php, Disqus-like) and
# search forms are not ways to reach the owner.
COMMENT_FORM_RE: Final = re.compile(
    r"commentform|comment-form|comments-form|wp-comments-post|comment_form|reply-form|"
    r"replyform|quick-?reply|posting\.php|search",
    re.IGNORECASE,
)

# Where a link sits, from the class/id of its nearest marked ancestor. Checked in this
# order for each ancestor, nearest first. A signature is where forum members advertise
# their own sites; a blogroll is a blog owner's list of peers; resources/links pages are
# curated directories; footer/nav/sidebar links are site furniture.
SECTION_CLASS_RULES: Final[tuple[tuple[str, re.Pattern[str]], ...]] = (
    ("signature", re.compile(r"signature|(?:^|[\s_-])sig(?:$|[\s_-])|postsig|\bsig\b")),
    ("blogroll", re.compile(r"blogroll|widget_links|linkcat|link-?list-?blog|xoxo-links")),
    ("resources", re.compile(r"resources|linklist|link-list|(?:^|[\s_-])links(?:$|[\s_-])|"
                             r"directory|webring")),
    ("footer", re.compile(r"footer|colophon|site-info|copyright|bottom-bar")),
    ("nav", re.compile(r"(?:^|[\s_-])nav|navbar|navigation|menu|breadcrumb|masthead|"
                       r"(?:^|[\s_-])header(?:$|[\s_-])|topbar|pagination")),
    ("sidebar", re.compile(r"sidebar|widget|(?:^|[\s_-])aside|secondary|side-?col|"
                           r"(?:^|[\s_-])rail(?:$|[\s_-])")),
)
# Every match of one of SECTION_CLASS_RULES holds one of these (links.py runs the
# rules only on class/id strings that do).
SECTION_CLASS_LITERALS: Final = (
    "sig", "blogroll", "widget", "link", "resources", "directory", "webring", "footer",
    "colophon", "site-info", "copyright", "bottom-bar", "nav", "menu", "breadcrumb",
    "masthead", "header", "topbar", "pagination", "side", "secondary", "rail",
)
# Tags that decide a section by themselves.
SECTION_TAGS: Final = {"footer": "footer", "nav": "nav", "aside": "sidebar",
                       "header": "nav"}
# Headings that name a list of links: blogrolls and resource/link directories.
BLOGROLL_HEADING_RE: Final = re.compile(
    r"^\s*(?:my\s+)?(?:blogroll|blog\s*roll|blogs\s+i\s+(?:read|follow|like)|"
    r"friends|other\s+blogs|favou?rite\s+blogs|blogs)\s*:?\s*$",
    re.IGNORECASE,
)
RESOURCES_HEADING_RE: Final = re.compile(
    r"\b(?:resources|useful\s+links|links|link\s+list|directory|recommended\s+sites|"
    r"websites|web\s+links|partner\s+sites|weblinks|linkliste|links?\s+&\s+resources)\b",
    re.IGNORECASE,
)

# ---------------------------------------------------------------------------- social

# Host (registered domain) → network name for profile links.
SOCIAL_DOMAINS: Final = {
    "facebook.com": "facebook", "fb.com": "facebook", "twitter.com": "x", "x.com": "x",
    "instagram.com": "instagram", "youtube.com": "youtube", "linkedin.com": "linkedin",
    "pinterest.com": "pinterest", "pinterest.de": "pinterest",
    "pinterest.co.uk": "pinterest", "tiktok.com": "tiktok", "reddit.com": "reddit",
    "github.com": "github", "threads.net": "threads", "threads.com": "threads",
    "bsky.app": "bluesky",
}
# Canonical host per network: one spelling per profile.
SOCIAL_CANONICAL_HOST: Final = {
    "facebook": "facebook.com", "x": "x.com", "instagram": "instagram.com",
    "youtube": "youtube.com", "linkedin": "linkedin.com", "pinterest": "pinterest.com",
    "tiktok": "tiktok.com", "reddit": "reddit.com", "github": "github.com",
    "threads": "threads.net", "bluesky": "bsky.app",
}
# First path segments that are site features, share widgets or content, not profiles.
SOCIAL_RESERVED_SEGMENTS: Final = frozenset(
    {
        "sharer", "sharer.php", "share", "share.php", "dialog", "plugins", "tr", "login",
        "login.php", "home.php", "policies", "help", "privacy", "watch", "embed",
        "results", "playlist", "intent", "search", "hashtag", "i", "home", "explore",
        "p", "reel", "reels", "accounts", "pin", "sharearticle", "sharing",
        "submit", "settings", "about", "legal", "terms", "signup", "tos", "feed",
        "notifications", "messages", "events", "marketplace", "groups", "watch?v",
        "v", "shorts", "feeds", "gist", "orgs", "features", "pricing", "topics",
        "trending", "collections", "site", "web", "ajax", "photo.php",
        "story.php", "permalink.php", "media", "r.php", "l.php", "oauth", "developers",
        "business", "ads", "status", "compose", "widgets", "wp-content",
    }
)
# Share/intent URLs that must never be taken for a profile even when the segment test
# would pass (e.g. 'pinterest.com/pin/create/button').
SOCIAL_SHARE_RE: Final = re.compile(
    r"sharer|intent/|/share\b|share\?|/pin/create|sharearticle|/sharing/|addthis|"
    r"/dialog/|/plugins/", re.IGNORECASE
)

# ---------------------------------------------------------------------- platforms

# The engine fingerprints and the site-kind vocabulary live in vocab/platforms.py and
# vocab/kinds.py. needles.py builds the page pass from these names: the fingerprints,
# and (under the name POST_MARKUP_HINTS) every literal the kind and plugin readers test.
PLATFORM_RULES: Final = _platforms.PLATFORM_RULES
PLATFORM_REGEX_KEYS: Final = _platforms.PLATFORM_REGEX_KEYS
POST_MARKUP_HINTS: Final = _kinds.KIND_PAGE_LITERALS

# A page that leads with a newsletter sign-up.
NEWSLETTER_TEXT_RE: Final = re.compile(
    r"subscribe to (?:our|my|the) newsletter|join \d[\d,]* (?:other )?subscribers|"
    r"newsletter abonnieren", re.IGNORECASE
)
# Literals one of which every match of NEWSLETTER_TEXT_RE in lower-cased text contains
# ('ubscr' with the 's' also as 'ſ', which case-insensitive matching takes for an 's'):
# the regex only runs on text holding one of them.
NEWSLETTER_TEXT_KEYS: Final = ("ubscr", "ub\u017fcr", "letter")
# Characters a NEWSLETTER_TEXT_RE match reaches either side of its literal.
NEWSLETTER_REACH: Final = 120

# ------------------------------------------------------------------------- text

# Visible text is capped: relevance scoring needs the gist, not megabytes of forum.
MAX_TEXT_CHARS: Final = 20_000
MAX_TITLE_CHARS: Final = 500
MAX_ANCHOR_CHARS: Final = 200
# Feed MIME types advertised by <link rel="alternate">.
FEED_TYPES: Final = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/feed+json",
     "application/rdf+xml"}
)

# ------------------------------------------------------------------- site facts

# An ISO date at the start of a datetime attribute or metadata value.
ISO_DATE_RE: Final = re.compile(r"((?:19|20)\d\d)-(\d\d)-(\d\d)")
# Dates outside these years are typos or placeholders (0000-00-00, 2099-...).
MIN_YEAR: Final = 1995
MAX_YEAR: Final = 2100
# <meta> names/properties holding a publication or update date.
DATE_META_KEYS: Final = frozenset({
    "article:published_time", "article:modified_time", "og:updated_time",
    "datepublished", "datemodified", "date", "dc.date", "dc.date.issued",
    "dcterms.date", "dcterms.modified", "pubdate", "publish_date", "sailthru.date",
})

# <meta> names naming the author of the page.
AUTHOR_META_KEYS: Final = frozenset({"author", "article:author", "dc.creator",
                                     "twitter:creator", "parsely-author", "sailthru.author"})
# 'By Jane Doe', 'Posted by', 'Von', 'Par', 'Written by' in bylines.
BYLINE_PREFIX_RE: Final = re.compile(
    r"^\s*(?:(?:posted|written|published)\s+)?(?:by|von|par|por|di|door)\s*:?\s+",
    re.IGNORECASE,
)
# Values that sit where a name should but are not one.
NOT_NAMES: Final = frozenset({
    "admin", "administrator", "author", "staff", "editor", "editors", "redaktion",
    "guest", "anonymous", "unknown", "webmaster", "team", "posted by", "by",
})
MAX_NAME_CHARS: Final = 60
MAX_BYLINES: Final = 20
MAX_NAMES: Final = 10

# Forum statistics as engines print them in the board index or footer ('Total members
# 24,551', 'Members 5,250', '5,785 members', 'by 1,234 Members', 'Mitglieder: 812').
_NUM: Final = r"(\d{1,3}(?:[,.\u00a0 ]\d{3})+|\d+)"
MEMBERS_RES: Final = (
    re.compile(rf"\b(?:total\s+)?(?:registered\s+)?(?:members|mitglieder|membres|miembros)"
               rf"\s*:?\s*{_NUM}\b", re.IGNORECASE),
    re.compile(rf"\b{_NUM}\s+(?:registered\s+)?(?:members|mitglieder|membres|miembros)\b",
               re.IGNORECASE),
    re.compile(rf"\b(?:registered\s+)?users\s*:?\s*{_NUM}\b", re.IGNORECASE),
)
TOPICS_RES: Final = (
    re.compile(rf"\b(?:total\s+)?(?:topics|threads|themen|discussions)\s*:?\s*{_NUM}\b",
               re.IGNORECASE),
    re.compile(rf"\b{_NUM}\s+(?:topics|threads|themen|discussions)\b", re.IGNORECASE),
)
POSTS_RES: Final = (
    re.compile(rf"\b(?:total\s+)?(?:posts|messages|beiträge)\s*:?\s*{_NUM}\b",
               re.IGNORECASE),
    re.compile(rf"\b{_NUM}\s+(?:posts|beiträge)\s+in\b", re.IGNORECASE),
)
# The 'Label: number' forms above are also how thread pages show each poster's own
# numbers ('Posts: 1,234' under every avatar): a page where one of them matches more
# than once is read for its board total only where 'total' names it.
PER_POSTER_RES: Final = frozenset({MEMBERS_RES[0], TOPICS_RES[0], POSTS_RES[0]})
ONLINE_RES: Final = (
    re.compile(rf"\b(?:there\s+are|insgesamt\s+sind)\s+{_NUM}\s+(?:users|benutzer)\s+online",
               re.IGNORECASE),
    re.compile(rf"\b{_NUM}\s+(?:users?|members?|benutzer)\s+(?:are\s+)?online\b",
               re.IGNORECASE),
    re.compile(rf"\busers\s+online\s*:?\s*{_NUM}\b", re.IGNORECASE),
)
# Markup (lower-cased bytes) of an open or closed registration.
REGISTRATION_OPEN_MARKERS: Final = (
    b"ucp.php?mode=register", b"register.php", b"action=register", b'href="/register',
    b"/register/", b"/signup", b"/sign-up", b"/join\"", b"/registrieren",
)
REGISTRATION_CLOSED_MARKERS: Final = (
    b"registration is closed", b"registration is disabled", b"registrations are closed",
    b"registrierung ist deaktiviert", b"not accepting new members",
)

# Lower-cased words without which an element the readers query by its attributes
# (bylines, blog-post classes, data-email attributes) cannot be on a page: the query
# leaves out the selectors whose word is missing. (Each is on a page a few times at
# most: the one pass reports every occurrence.)
MARKED_HINTS: Final = (
    b"author", b"byline", b"fn", b"hentry", b"blog-post", b"post-body", b"data-email",
    b"data-mail",
)

# '12 Comments' / '3 Responses to ...' / '5 Kommentare' headings of blog posts.
COMMENTS_RE: Final = re.compile(
    r"\b(\d{1,6})\s+(?:comments?|responses?|replies|kommentare?|commentaires?|"
    r"comentarios?)\b", re.IGNORECASE,
)
# Literals one of which every COMMENTS_RE match holds in lower-cased text (none has an
# 's' or a 'k', which case-insensitive matching also takes as 'ſ' and the Kelvin sign),
# and how far a match reaches either side of one.
COMMENTS_KEYS: Final = ("mment", "oment", "pon", "repl")
COMMENTS_REACH: Final = 40

# Newsletter providers by the hosts/markup of their embeds and sign-up links, matched
# against the lower-cased markup (bytes). Order: the more specific first.
NEWSLETTER_PROVIDERS: Final[tuple[tuple[str, tuple[bytes, ...]], ...]] = (
    ("mailchimp", (b"list-manage.com", b"mc.us", b"mailchimp.com", b"mc-embedded")),
    ("kit", (b"convertkit.com", b"ck.page", b"kit.com/", b"data-sv-form")),
    ("substack", (b"substack.com/subscribe", b"substackcdn.com", b".substack.com/embed")),
    ("beehiiv", (b"beehiiv.com",)),
    ("mailerlite", (b"mailerlite.com", b"mlcdn.com", b"ml-form-embed")),
    ("aweber", (b"aweber.com",)),
    ("getresponse", (b"getresponse.com", b"gr-wf.")),
    ("buttondown", (b"buttondown.email", b"buttondown.com")),
    ("brevo", (b"sibforms.com", b"sendinblue.com", b"brevo.com")),
)
# Words that make a form with an email field a newsletter sign-up.
NEWSLETTER_WORD_RE: Final = re.compile(
    r"newsletter|subscribe|sign\s*up|mailing\s*list|e-?zine|abonnieren|s'abonner|"
    r"suscribir", re.IGNORECASE,
)

# Deal signals, in report order.
DEAL_SIGNALS: Final = ("advertise", "sponsor", "affiliate", "partners", "write_for_us",
                       "shop", "ebook")
# Link paths / anchor texts (lower-cased) naming a deal page.
DEAL_RULES: Final[tuple[tuple[str, re.Pattern[str]], ...]] = (
    ("advertise", re.compile(r"advertis|media-?kit|mediadaten|werbung|werben|publicit")),
    ("sponsor", re.compile(r"sponsor")),
    ("affiliate", re.compile(r"affiliate|partnerprogramm")),
    ("partners", re.compile(r"partner(?!programm)")),
    ("write_for_us", re.compile(r"write[-_ ]?for[-_ ]?us|guest[-_ ]?post|contribut|"
                                r"submit[-_ ]an?[-_ ]article|gastbeitrag")),
    ("shop", re.compile(r"(?:^|/|\b)(?:shop|store|cart|products?|boutique)(?:$|/|\b|\.)")),
    # (Not inside a word: 'facebook' is no e-book.)
    ("ebook", re.compile(r"(?<![a-z])e-?books?\b")),
)
DEAL_ANY_RE: Final = re.compile("|".join(f"(?:{r.pattern})" for _, r in DEAL_RULES))
# Every match of DEAL_ANY_RE holds one of these (it is only run on text that does).
DEAL_ANY_LITERALS: Final = (
    "advertis", "media", "werb", "publicit", "sponsor", "affiliate", "partner", "write",
    "guest", "contribut", "submit", "gastbeitrag", "shop", "store", "cart", "product",
    "boutique", "book",
)
# Statements in the visible text (lower-cased).
DEAL_TEXT_RULES: Final[tuple[tuple[str, re.Pattern[str]], ...]] = (
    ("advertise", re.compile(r"advertise (?:with|on) (?:us|our)|advertising opportunities")),
    ("sponsor", re.compile(r"sponsored posts?|sponsorship opportunities|become a sponsor")),
    ("affiliate", re.compile(r"affiliate program|join our affiliate")),
    ("write_for_us", re.compile(r"write for us|guest posts? (?:are )?welcome|accepting guest")),
    ("ebook", re.compile(r"(?:free|our|my|download the) e-?book")),
)
# A literal every alternative of each DEAL_TEXT_RULES regex contains: the regex only
# runs on text holding one of them.
DEAL_TEXT_KEYS: Final[dict[str, tuple[str, ...]]] = {
    "advertise": ("advertis",),
    "sponsor": ("sponsor",),
    "affiliate": ("affiliate",),
    "write_for_us": ("write for us", "guest"),
    "ebook": ("book",),
}
# Characters a DEAL_TEXT_RULES match reaches either side of its literal.
DEAL_TEXT_REACH: Final = 40
