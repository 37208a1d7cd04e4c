"""E-mail vocabulary: what counts as an address, a disguise, a placeholder or junk.

Moved out of `patterns.py` (the extraction-wide vocabulary) because the address readers
(emails.py, addresses.py, scripts.py, structured.py) are the only users and it grew.
The code in those modules is mechanism; what counts as an obfuscated address, a
placeholder, a special-use domain or a vendor's boilerplate is decided here, and each
table says why it exists. Nothing in this module is mutated at run time.
"""

from __future__ import annotations

import re
from typing import Final

# The part of an address before the '@'. Deliberately narrower than RFC 5322: quoted
# local parts and exotic punctuation never occur in real webmaster contacts, while
# allowing them turns CSS, URLs and minified JS into false hits.
EMAIL_LOCAL: Final = r"[a-z0-9](?:[a-z0-9._%+'-]{0,62}[a-z0-9_-])?"
# Host labels and an alphabetic top-level label: '@1.2.3' (package versions) and
# '@2x' (retina image names) never pass because the last label must be letters.
EMAIL_DOMAIN: Final = r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}"

# A plain address inside running text. The look-behind/ahead stop the match from
# starting or ending in the middle of a longer token ('foo.bar@x.comx' is not taken as
# a prefix of itself).
EMAIL_RE: Final = re.compile(
    rf"(?<![a-z0-9._%+'-])({EMAIL_LOCAL})@({EMAIL_DOMAIN})(?![a-z0-9-]|\.[a-z0-9])",
    re.IGNORECASE,
)
# Whole-string validation of a candidate produced by another method (mailto, JSON-LD,
# cfemail, script concatenation).
EMAIL_FULL_RE: Final = re.compile(rf"({EMAIL_LOCAL})@({EMAIL_DOMAIN})", re.IGNORECASE)

# Obfuscations people type to dodge harvesters. Bracketed markers are unambiguous in any
# case; a bare word 'at' is everyday English, so it is only accepted in the shapes below.
# (The words in other languages: French 'arobase', Spanish and Portuguese 'arroba',
# Italian 'chiocciola', German 'Klammeraffe'; 'punto', 'ponto', 'punt' for the dot.)
_AT_WORDS: Final = r"at|@|ät|at\s*sign|arobase|arroba|chiocciola|klammeraffe"
_DOT_WORDS: Final = r"dot|punkt|point|punto|ponto|punt|\."
_AT_BRACKETED: Final = rf"\s*[\[\(\{{<]\s*(?:{_AT_WORDS})\s*[\]\)\}}>]\s*"
_DOT_BRACKETED: Final = rf"\s*[\[\(\{{<]\s*(?:{_DOT_WORDS})\s*[\]\)\}}>]\s*"
_LABEL: Final = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_TLD: Final = r"[a-z]{2,24}"
# (Possessive: what follows a local part is never one of its characters, so giving
# some back cannot make a match; without it every word of a page was tried 64 times.)
_OBF_LOCAL: Final = r"(?<![a-z0-9._%+-])([a-z0-9][a-z0-9._%+-]{0,63}+)"
# 'name [at] domain [dot] com', 'name(at)domain.de', 'name {at} domain {dot} com',
# and also 'name@domain [dot] com'.
OBFUSCATED_BRACKET_RE: Final = re.compile(
    rf"{_OBF_LOCAL}(?:{_AT_BRACKETED}|\s*@\s*(?=(?:{_LABEL}{_DOT_BRACKETED})))"
    rf"((?:{_LABEL}(?:{_DOT_BRACKETED}|\.))+{_TLD})(?![a-z0-9-])",
    re.IGNORECASE,
)
# Cheap pre-checks: each obfuscation regex only runs on text holding its marker, because
# their leading character classes make a full scan of a long page slow.
# (No leading '\s*' here: on whitespace-heavy text that turns a scan quadratic.)
OBFUSCATED_BRACKET_HINT_RE: Final = re.compile(
    rf"[\[\(\{{<]\s*(?:{_AT_WORDS}|{_DOT_WORDS})\s*[\]\)\}}>]", re.IGNORECASE
)
# 'name @ domain.com': a spaced '@' is a deliberate (if weak) disguise.
OBFUSCATED_SPACED_AT_RE: Final = re.compile(
    rf"{_OBF_LOCAL}\s+@\s+((?:{_LABEL}\.)+{_TLD})(?![a-z0-9-]|\.[a-z0-9])", re.IGNORECASE
)
# 'name AT domain DOT com' / 'name AT domain.com': upper case only, because ' at ' and
# ' dot ' in lower case are ordinary words in many sentences.
OBFUSCATED_UPPER_RE: Final = re.compile(
    rf"{_OBF_LOCAL}\s+AT\s+((?:{_LABEL}(?:\s+DOT\s+|\.))+{_TLD})(?![a-z0-9-])"
)
# 'name at domain dot com' in lower case: only the tight shape local-at-label-dot-tld
# with single spaces and at least one ' dot ', which prose practically never produces.
OBFUSCATED_LOWER_RE: Final = re.compile(
    rf"{_OBF_LOCAL} at ((?:{_LABEL}(?: dot |\.))*{_LABEL} dot {_TLD})(?![a-z0-9-])"
)
# Spelled-out separators inside an obfuscated domain, to turn it back into dots.
OBFUSCATED_DOT_RE: Final = re.compile(
    rf"{_DOT_BRACKETED}|\s+DOT\s+| dot ", re.IGNORECASE
)

# Addresses written with character references ('info&#64;x.de', or every character
# encoded). The parser decodes them in text, so the raw markup is scanned for the encoded
# form to report the method honestly. Scanning starts at an encoded '@' (or a plain one
# touching a reference) and grows outwards over address characters and references:
# leftwards over at most 200 of `&#x?[0-9a-f]{1,6};|[a-z0-9._%+-]` ending at the '@'
# (within 400 characters), rightwards over 3 to 300 of ENTITY_RIGHT_RE's tokens.
ENTITY_AT_RE: Final = re.compile(r"&#0*64;|&#x0*40;|&commat;|;@|@&", re.IGNORECASE)
# The leftward growth is matched on the reversed text, each token spelled backwards
# ('&#64;' reads ';46#&'): a forward `(...){1,200}$` search retries from every start
# position of its window and backtracks over long runs, the reversed `match` reads
# each character once and stops at the first one that cannot extend the run.
ENTITY_LEFT_REVERSED_RE: Final = re.compile(r"(?:;[0-9a-f]{1,6}x?#&|[a-z0-9._%+-]){1,200}",
                                            re.IGNORECASE)
ENTITY_RIGHT_RE: Final = re.compile(r"(?:&#x?[0-9a-f]{1,6};|[a-z0-9.-]){3,300}",
                                    re.IGNORECASE)

# Cloudflare's email obfuscation: the address is XOR-encoded in hex, either in a
# data-cfemail attribute or in the fragment of the protection URL.
CF_PROTECTION_RE: Final = re.compile(r"/cdn-cgi/l/email-protection#([0-9a-f]+)", re.IGNORECASE)

# File extensions that end image, font, style and script names: 'logo@2x.png',
# 'icon@3x.webp' and 'font@1.woff2' look like addresses to a regex.
ASSET_EXTENSIONS: Final = frozenset(
    {
        "png", "jpg", "jpeg", "gif", "webp", "svg", "ico", "bmp", "tif", "tiff", "avif",
        "heic", "woff", "woff2", "ttf", "otf", "eot", "css", "scss", "less", "js", "mjs",
        "ts", "jsx", "tsx", "map", "json", "xml", "mp4", "webm", "mp3", "pdf", "zip",
        "gz", "php", "html", "htm", "asp", "aspx",
    }
)

# Local parts that are placeholders in forms and documentation, never a real owner:
# 'you@...', 'name@...', 'user@...', 'yourname@...', German 'max.mustermann@...'.
PLACEHOLDER_LOCALS: Final = frozenset(
    {
        "you", "your", "yourname", "your.name", "your-name", "your_name", "youremail",
        "your.email", "your-email", "your_email", "yourmail", "youraddress", "name",
        "user", "username", "someone", "somebody", "firstname", "lastname",
        "firstname.lastname", "first.last", "first.lastname", "vorname.nachname",
        "vorname", "nachname", "max.mustermann", "mustermann", "john.doe", "jane.doe",
        "johndoe", "janedoe", "john", "xxx", "xxxx", "xyz", "abc", "foo", "foobar",
        "test", "testing", "deineemail", "deine.email", "ihre.email", "ihrname",
        "ihre-email", "votre.email", "tuemail", "email.address", "emailaddress",
    }
)

# Domains that only ever appear in placeholders and documentation (RFC 2606 plus the
# usual 'domain.com' family), or belong to error-tracking services whose DSNs look like
# addresses ('key@o123.ingest.sentry.io').
PLACEHOLDER_DOMAINS: Final = frozenset(
    {
        "example.com", "example.net", "example.org", "example.de", "domain.com",
        "domain.tld", "domain.de", "email.com", "yourdomain.com", "yoursite.com",
        "yourcompany.com", "yourwebsite.com", "mydomain.com", "mysite.com",
        "website.com", "company.com", "beispiel.de", "beispiel.com", "mustermann.de",
        "musterfirma.de", "musterfirma.com", "sentry.io", "sentry-next.wixpress.com",
        "sentry.wixpress.com", "wixpress.com", "address.com", "adresse.de",
    }
)

# Top-level names reserved for documentation or special use, whose addresses reach
# nobody: RFC 2606 ('.example', '.invalid', '.localhost'), RFC 6762 ('.local', mDNS),
# RFC 7686 ('.onion', Tor), RFC 9476 ('.alt'), '.arpa' (infrastructure, RFC 3172) and
# '.internal' (ICANN, 2024, private use). '.test' (RFC 2606 / 6761) is reserved too but
# is where the bundled sample web lives: it is judged by the page (see TEST_TLD).
PLACEHOLDER_TLDS: Final = frozenset({"example", "invalid", "localhost", "local", "onion",
                                     "arpa", "alt", "internal"})
# Addresses under '.test' are kept only on a page whose own host is under '.test' (a
# crawl of the sample web); on the public web they never route.
TEST_TLD: Final = "test"

# Mailboxes that nobody reads: useless as an outreach contact, and commonly pulled from
# transactional footers.
UNREAD_LOCALS: Final = frozenset(
    {
        "noreply", "no-reply", "no_reply", "donotreply", "do-not-reply", "do_not_reply",
        "mailer-daemon", "postmaster", "bounce", "bounces", "git",
    }
)

# A local part made only of hex digits this long is an id or a hash (Sentry keys,
# Wix/Squarespace tokens), not a mailbox someone chose.
HEX_LOCAL_RE: Final = re.compile(r"[0-9a-f]{16,}")

# Local parts that name a function rather than a person. Outreach treats a role inbox
# differently from a personal one (it is less likely to be ignored as a cold contact).
ROLE_LOCALS: Final = frozenset(
    {
        "info", "contact", "contactus", "contact-us", "webmaster", "admin",
        "administrator", "support", "help", "helpdesk", "editor", "editors", "editorial",
        "redaktion", "hello", "hallo", "hi", "office", "sales", "press", "presse", "media",
        "pr", "ads", "advertising", "advertise", "werbung", "anzeigen", "marketing",
        "partners", "partner", "partnerships", "team", "mail", "email", "kontakt",
        "service", "customerservice", "customer.service", "customer_service", "enquiries",
        "enquiry", "inquiries", "inquiry", "feedback", "tips", "news", "newsletter",
        "billing", "orders", "order", "booking", "bookings", "reservations",
        "jobs", "careers", "hr", "privacy", "legal", "abuse", "security", "community",
        "forum", "moderator", "moderators", "mods", "blog", "general", "mailbox",
        "sponsor", "sponsorship", "sponsors", "affiliates", "affiliate", "business",
        "collab", "collabs", "membership", "members", "events", "verwaltung",
        "buero", "büro", "zentrale", "post", "posteingang", "kundenservice",
    }
)
# A role word followed by a separator still names a role ('info-services@',
# 'sales.uk@', 'press_office@').
ROLE_PREFIX_RE: Final = re.compile(
    r"(?:info|contact|webmaster|admin|support|editor|press|presse|sales|ads|advertising|"
    r"marketing|partners?|team|office|service|help|media|redaktion|kontakt)[._-]"
)

# Attributes whose values are shown to people or hold a site's own contact (og:email and
# author <meta>, hidden form-recipient inputs, <option value> recipient pickers, image
# alt/title text). 'placeholder' is absent on purpose: it holds sample input.
EMAIL_ATTRIBUTES: Final = frozenset({
    ("meta", "content"), ("option", "value"), ("input", "value"), ("img", "alt"),
    ("*", "title"), ("*", "data-email"), ("*", "data-mail"),
})


def email_attribute(tag: str, name: str, input_type: str = "") -> bool:
    """True when attribute `name` of a `tag` element may hold a published address."""
    tag = tag.lower()
    if tag == "input" and name == "value" and input_type.lower() == "email":
        return False  # a pre-filled sample in an address field
    if name == "title" and tag == "script":
        return False
    return (tag, name) in EMAIL_ATTRIBUTES or ("*", name) in EMAIL_ATTRIBUTES


# Lower-cased markup without which an address reader has nothing to find: Cloudflare's
# obfuscation, microdata email fields, ROT13 classes and attributes.
ADDRESS_MARKUP_HINTS: Final = (
    b"data-cfemail", b"email-protection", b"itemprop", b"email", b"r13", b"rot13",
)
# What every match of ENTITY_AT_RE holds once lower-cased: '&#64;', or '064;' when the
# number is zero-padded ('&#0064;'); 'x40;' ('&#x40;', '&#X40;'), or '040;' when padded;
# '&commat;' in any case; a plain '@' next to a reference (';@', '@&'). Each is rare on a
# page, unlike '&#' or '40;' (CSS), so the entity reader's three scans of the markup
# run on a page in fifteen (tests/test_extract_emails.py checks the claim).
ENTITY_AT_HINTS: Final = (b"&#64;", b"064;", b"x40;", b"040;", b"&commat;", b";@", b"@&")
# An attribute named for ROT13 holding the encoded address ('data-rot13', the erot13
# script's 'data-erot13'): its value, rotated, is the address a script shows.
ROT13_ATTRIBUTE_RE: Final = re.compile(
    r"""\sdata-[\w-]*rot13[\w-]*\s*=\s*(["'])([^"'<>]{3,300})\1""", re.IGNORECASE)
# Class tokens of elements whose text a page script shows ROT13-decoded: the Email
# Address Encoder plugin's '__eae_r13' and hand-made 'rot13'/'email-rot13' spans.
ROT13_CLASS_RE: Final = re.compile(r"(?:^|[\s_-])(?:r13|rot13)(?:$|[\s_-])")


# ------------------------------------------------------------------ disguises

# Pre-checks of the disguise readers (scripts.py, structured.py, the bidi and ROT13
# readers): lower-cased literals without which a reader has nothing to find. They join
# the one automaton pass over the page (needles.PAGE_NEEDLES), so a page without the
# disguise pays one set lookup for each.
ROT13_MAILTO: Final = b"znvygb:"  # 'mailto:' in ROT13: an encoded link or string
# Marks of the email-scramble library (README: "Encode/decode email addresses and phone
# numbers with ROT-18"), whose links' digits are rotated by 5 too.
ROT18_MARKS: Final = (b"data-email-scramble", b"emailscramble", b"email-scramble")
ROT13_SCRIPT_HINT: Final = b"fromcharcode"  # how page scripts rotate letters back
BIDI_HINT: Final = b"bidi-override"  # CSS that shows text right to left, reversed
JOOMLA4_HINT: Final = b"joomla-hidden-mail"  # Joomla 4/5's e-mail cloaking element
DISCOURSE_HINT: Final = b"contact_email"  # Discourse's preloaded site settings
MEDIUM_HINT: Final = b"publicemail"  # Medium's profile and publication state
REPLY_TO_HINT: Final = b"reply-to"  # <meta name="reply-to">
ITEMSCOPE_HINT: Final = b"itemscope"  # microdata items
REVERSE_HINT: Final = b".reverse()"  # a script that reverses a string
ATOB_HINT: Final = b"atob("  # a script that decodes base64
SPLIT_HINT: Final = b"data-domain"  # an address split over data attributes
# An '@' escaped in a script string ('\x40', '\u0040', '\100'): lower-cased markup.
ESCAPED_AT_HINTS: Final = (b"\\x40", b"\\u0040", b"\\100")
DISGUISE_HINTS: Final = (ROT13_MAILTO, ROT13_SCRIPT_HINT, BIDI_HINT, JOOMLA4_HINT,
                         DISCOURSE_HINT, MEDIUM_HINT, REPLY_TO_HINT, ITEMSCOPE_HINT,
                         REVERSE_HINT, ATOB_HINT, SPLIT_HINT, *ESCAPED_AT_HINTS)
# An address split over an element's data attributes, which CSS ('content:
# attr(data-name) "@" attr(data-domain) "." attr(data-tld)') or a click handler joins:
# the widely copied 'cryptedmail' snippet and its kin. (name attributes, TLD ones.)
SPLIT_NAME_ATTRIBUTES: Final = ("data-name", "data-user", "data-local", "data-mailbox")
SPLIT_TLD_ATTRIBUTES: Final = ("data-tld", "data-ext")

# 'String.fromCharCode(105, 110, 102, 111, 64, ...)': an address spelled as character
# codes (the 'e-mail protector' generators); and 'atob("bWFpbHRvOi...")': one in base64.
CHAR_CODES_RE: Final = re.compile(r"fromCharCode\(\s*((?:\d{1,5}\s*,\s*){4,300}\d{1,5})\s*\)")
ATOB_RE: Final = re.compile(r"""atob\(\s*(["'])([A-Za-z0-9+/=]{8,600})\1\s*\)""")

# A JavaScript string literal, escapes included ('it\'s', "say \"hi\""), capped so a
# runaway quote cannot make a match span a whole bundle.
JS_STRING: Final = r""""(?:[^"\\\n]|\\.){0,400}"|'(?:[^'\\\n]|\\.){0,400}'"""
JS_STRING_RE: Final = re.compile(JS_STRING)
_JS_IDENT: Final = r"[A-Za-z_$][\w$]{0,80}"
_JS_TERM: Final = rf"(?:{JS_STRING}|{_JS_IDENT})"
# One step of a script that assembles a string: 'name = piece + piece ...', 'name +=
# piece', or a bare '+' chain (a document.write argument); pieces are literals and
# variables. Joomla 3's e-mail cloaking spreads an address over two statements:
# "addy = 'joe' + '@';" then "addy = addy + 'nowhere' + '.' + 'com';".
# (A lone literal or variable builds nothing and is no match: groups 1-3 are an
# assignment's name, operator and value, group 4 a bare chain.)
JS_STEP_RE: Final = re.compile(
    rf"(?<![\w$.])(?:({_JS_IDENT})\s*(\+?=)(?![=>])\s*"
    rf"({_JS_TERM}(?:\s*\+\s*{_JS_TERM}){{0,24}})|"
    rf"({_JS_TERM}(?:\s*\+\s*{_JS_TERM}){{1,24}}))"
)
JS_TERM_RE: Final = re.compile(_JS_TERM)
# Escapes inside a JavaScript string literal.
# (Legacy octal escapes too: obfuscators write '@' as '\\100' and '.' as '\\056'.)
JS_ESCAPE_RE: Final = re.compile(r"\\(?:x([0-9a-fA-F]{2})|u\{([0-9a-fA-F]{1,6})\}|"
                                 r"u([0-9a-fA-F]{4})|([0-7]{1,3})|(.))", re.DOTALL)
JS_SIMPLE_ESCAPES: Final = {"n": "\n", "t": "\t", "r": "\r", "b": "", "f": "", "v": "",
                            "0": ""}
# How a script reverses a string to show it: "...".split('').reverse().join('').
JS_REVERSE_MARKS: Final = ("reverse()", "split(", "join(")
# What a script that applies ROT13 calls: the letter arithmetic of every hand-rolled
# decoder ('String.fromCharCode((c<="Z"?90:122)>=(c=c.charCodeAt(0)+13)?c:c-26)') or a
# library's name for it.
JS_ROT13_MARKS: Final = (("fromCharCode", "charCodeAt", "13", "26"), ("rot13",))

# CSS that shows an element's text reversed: 'unicode-bidi: bidi-override' with
# 'direction: rtl' turns 'moc.elpmaxe@ofni' into 'info@example.com' on screen.
BIDI_STYLE_RE: Final = re.compile(
    r"""<([a-z][a-z0-9]*)\b[^>]*?\bstyle\s*=\s*(["'])([^"'>]*bidi-override[^"'>]*)\2[^>]*>"""
    r"""([^<]{3,300})<""", re.IGNORECASE)
# A class in the selector of a stylesheet rule ('.em { unicode-bidi: bidi-override;
# direction: rtl }').
CSS_CLASS_RE: Final = re.compile(r"\.([a-z_][\w-]{0,60})", re.IGNORECASE)
RTL_RE: Final = re.compile(r"direction\s*:\s*rtl", re.IGNORECASE)

# schema.org types whose 'email' is how to reach the site's owner (an organisation of
# any kind, a person, a contact point); any type named '...Organization' or
# '...Business' too (schema.org has dozens: SportsOrganization, LocalBusiness...).
CONTACT_TYPES: Final = frozenset({
    "Organization", "Person", "ContactPoint", "Corporation", "NGO", "LocalBusiness",
    "Store", "ProfessionalService", "Library", "Consortium", "Project",
    "ResearchProject", "FundingScheme", "PerformingGroup", "MusicGroup", "SportsTeam",
    "Airline", "NewsMediaOrganization", "Restaurant", "WebSite", "Brand",
})


def is_contact_type(value: object) -> bool:
    """True when a schema.org @type / itemtype value names a CONTACT_TYPES type."""
    names = value if isinstance(value, list) else [value]
    for name in names:
        if not isinstance(name, str):
            continue
        name = name.rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1]
        if name in CONTACT_TYPES or name.endswith(("Organization", "Business")):
            return True
    return False


# Where a site builder stores the site's declared contact address in a page's
# preloaded state (the value may be escaped once or twice as JSON, then as HTML):
# Discourse's site settings (`contact_email`, config/site_settings.yml, 'required'
# group) and Medium's profile/publication state (`publicEmail`). Each key counts only
# on a page of its builder (a form plugin's settings may hold a 'contact_email' too):
# (key, its pre-check, lower-cased marks of the builder's pages).
STATE_EMAIL_KEYS: Final = (
    ("contact_email", DISCOURSE_HINT, (b"data-preloaded", b"discourse")),
    ("publicEmail", MEDIUM_HINT, (b"medium.com",)),
)
STATE_VALUE_RE: Final = re.compile(r'^"?\s*:\s*"([^"]{3,254})"')

# A word that announces an address ('E-mail: lam at cs.stanford.edu'). Just before a
# name, a plain ' at ' between it and a host is the '@' spelled out; elsewhere
# 'available at amazon.com' is a sentence.
MAIL_LABEL_RE: Final = re.compile(
    r"(?:e-?mail|mail|contact|courriel|correo|reach\s+me|write\s+(?:to\s+)?(?:me|us))"
    r"(?:\s+(?:me|us|address|adresse))?\s*(?:[:\-\u2013]\s*|\s)$",
    re.IGNORECASE)
# A word each MAIL_LABEL_RE match holds (lower-cased): without one near an ' at ', the
# label is not there.
MAIL_WORDS: Final = ("mail", "contact", "courriel", "correo", "reach", "write")
# A name, ' at ', then host words: 'lam at cs.stanford.edu', 'pal at cs stanford edu'.
SPELLED_AT_RE: Final = re.compile(
    r"(?<![a-z0-9._%+-])([a-z0-9][a-z0-9._%+-]{0,63}+) at "
    r"([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:(?:\.| )[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)"
    r"{1,4}+)", re.IGNORECASE)
# The top-level names a host spelled with spaces for dots may end in ('pal at cs
# stanford edu'): the common ones only, since with hundreds of new generic names
# ('.office', '.home') any 'at the office' would end in one.
SPELLED_TLDS: Final = frozenset({
    "com", "org", "net", "edu", "gov", "info", "io", "eu", "de", "uk", "fr", "nl", "it",
    "es", "ch", "at", "ca", "au", "be", "se", "dk", "no", "fi", "pl", "cz", "jp", "us",
})
# Words people put into an address for a harvester to choke on and a reader to remove
# ('ann@NOSPAM.beeshop.com', 'ann.removethis@beeshop.com', 'ann@beeshop.com.nospam'),
# with the '.', '-' or '_' that joins them: the address without one is the mailbox.
ANTI_SPAM_RE: Final = re.compile(
    r"[._-]?(?:no[._-]?spam|remove[._-]?(?:this|me)|spam[._-]?free|anti[._-]?spam|"
    r"no[._-]?junk|spam[._-]?block)(?:[._-](?=[a-z0-9@]))?(?=[a-z0-9._-]*(?:@|$))|"
    r"(?<=@)(?:no[._-]?spam|remove[._-]?(?:this|me)|spam[._-]?free|anti[._-]?spam)[._-]?",
    re.IGNORECASE)
ANTI_SPAM_KEYS: Final = ("spam", "remove", "junk")
# Free mailbox providers: 'ann.b at gmail.com' names a mailbox even without a label.
WEBMAIL_DOMAINS: Final = frozenset({
    "gmail.com", "googlemail.com", "yahoo.com", "hotmail.com", "outlook.com", "live.com",
    "msn.com", "aol.com", "icloud.com", "me.com", "mac.com", "gmx.de", "gmx.net",
    "gmx.com", "web.de", "t-online.de", "protonmail.com", "proton.me", "pm.me",
    "yandex.ru", "mail.ru", "orange.fr", "free.fr", "laposte.net", "libero.it",
    "zoho.com", "fastmail.com", "hey.com", "tutanota.com", "posteo.de", "mailbox.org",
})
# Words that end a sentence's verb phrase before ' at ' ('log in at outlook.com'):
# never a mailbox name in front of a webmail host.
AT_PROSE_WORDS: Final = frozenset({
    "in", "on", "up", "me", "us", "him", "her", "them", "it", "out", "back", "online",
    "now", "here", "there", "mail", "email", "e-mail", "account", "free", "available",
    "login", "signup", "sign", "join", "find", "see", "visit", "found", "is", "are",
})

# Vendors whose addresses a platform, host or theme prints on the sites built with it
# (GitHub Pages' themes and 404 page print support@github.com, hosted blogs their
# legal and abuse boxes, theme shops their support box in credits): they reach the
# vendor, not the site's owner. Each vendor's address is boilerplate on a page that
# shows it is built with the vendor: its host or its lower-cased markup holds one of
# the marks (a theme shop's on any page: a site names it only by using its theme).
# Elsewhere ('write to help@cloudflare.com' in an article) it is what a visitor reads,
# and a page of the vendor's own site keeps it.
VENDOR_MARKS: Final[dict[str, tuple[bytes, ...]]] = {
    # (A GitHub Pages site on a domain of its own still says so: 'pages.github.com'
    # links, 'GitHub Pages' credits.)
    "github.com": (b"github.io", b"pages.github.com", b"github pages"),
    "gitlab.com": (b"gitlab.io",),
    "netlify.com": (b"netlify",), "vercel.com": (b"vercel",),
    "wordpress.com": (b"wp-content", b"wordpress"), "wordpress.org": (b"wp-content",),
    "automattic.com": (b"wp-content", b"wordpress"), "wix.com": (b"wix",),
    "squarespace.com": (b"squarespace",), "weebly.com": (b"weebly",),
    "shopify.com": (b"shopify",), "blogger.com": (b"blogger", b"blogspot"),
    "medium.com": (b"medium.com",), "substack.com": (b"substack",),
    "ghost.org": (b"ghost",), "tumblr.com": (b"tumblr",), "jimdo.com": (b"jimdo",),
    "godaddy.com": (b"godaddy", b"secureserver"), "readthedocs.org": (b"readthedocs",),
    **{theme_shop: () for theme_shop in (
        "envato.com", "themeforest.net", "elegantthemes.com", "themeisle.com",
        "studiopress.com", "mythemeshop.com", "colorlib.com", "templatemo.com",
        "html5up.net", "bootstrapmade.com", "themefisher.com", "w3layouts.com",
        "startbootstrap.com", "themewagon.com", "tooplate.com", "templated.co",
        "freehtml5.co")},
}
# <meta> names and <link> rels naming who made the page: on a company's or a news
# site that is its web developer ('<meta name="author" content="... dev@gmail.com">',
# '<link rel="made" href="mailto:...">'). An address only these give, on another
# domain than the site's, is the maker's, not the site's contact.
MAKER_META_NAMES: Final = frozenset({"author", "designer", "web_author", "creator"})
# (Not rel="author": in a page's head it usually points at the desk to write to, e.g.
# '<link rel="author" title="Kontakt" href="mailto:redaktion@...">' on a news site.)
MAKER_RELS: Final = frozenset({"made"})
# Text just before an address in a theme's credit line ('Theme by Ann (ann@x.com)',
# 'Template designed by ...', 'Web design by ...'): the author of the template, whose
# address ships in every copy of it.
CREDIT_CONTEXT_RE: Final = re.compile(
    r"\b(?:theme|template|skin|(?:web\s*)?design(?:ed)?\s+by)\b[^.!?|\n]{0,60}$",
    re.IGNORECASE)
