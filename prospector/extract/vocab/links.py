"""Links: which hrefs are pages, which pages are contact / about / advertise pages, which
page sections links sit in (blogroll, resources, footer).

A vocabulary: tables the extraction code reads, each with why it exists. Nothing here is
mutated at run time."""

from __future__ import annotations

import re
from typing import Final

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

# What a lower-cased ASCII URL that `contact_like_url` takes holds: a path segment
# (which follows a '/') starting as a CONTACT_SEGMENT_RE word does ('our' for 'our-team',
# 'the' and 'meet' for 'the-team' and 'meet-the-team', 'a-propos'), or a query value
# (which follows a '=') of CONTACT_QUERY_RE. Tighter than CONTACT_SEGMENT_LITERALS
# anywhere in the URL ('pr' is in 'product' and 'print', 'chi' in 'archive'): of a
# corpus page's same-site URLs it lets 12 % through where those let 21 %.
CONTACT_URL_LITERALS: Final = (
    *(f"/{w}" for w in (
        "conta", "kontakt", "about", "ueber", "uber", "wir", "chi", "qui", "a-propos",
        "a_propos", "advertis", "werbung", "media", "write", "guest", "contribut",
        "submit", "partner", "affiliate", "sponsor", "impressum", "imprint", "legal",
        "mentions", "team", "our", "the", "meet", "staff", "pr", "work", "collaborate")),
    *(f"={w}" for w in (
        "conta", "kontakt", "impressum", "imprint", "about", "advertis", "sendmail")),
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
