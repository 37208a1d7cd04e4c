"""What kind of site a page belongs to: the evidence each kind needs.

The kinds serve outreach: a forum is a community to join, a blog or a newsletter an
owner who publishes, a shop a seller, news a newsroom, a directory a list of sites, an
association a club or non-profit, a business a company or service site, other the rest
(government, universities, wikis, pages that say nothing). Every table here is
evidence a page shows about its site; kind.py weighs it. Words are lower case; markup
literals are lower-cased bytes (found by the one pass of needles.py).
"""

from __future__ import annotations

import re
from typing import Final

from prospector.extract.vocab.platforms import PLUGIN_MARKERS

KINDS: Final = ("forum", "blog", "newsletter", "shop", "news", "directory", "association",
                "business", "other")

# ------------------------------------------------------------------ schema.org types

# A thread with posts, or a question with answers from members.
FORUM_TYPES: Final = frozenset({"discussionforumposting", "qapage"})
QA_TYPES: Final = frozenset({"question", "answer"})
BLOG_TYPES: Final = frozenset({"blogposting", "blog", "socialmediaposting"})
# News reporting and the newsrooms that publish it.
NEWS_TYPES: Final = frozenset({
    "newsarticle", "reportagenewsarticle", "analysisnewsarticle", "backgroundnewsarticle",
    "opinionnewsarticle", "reviewnewsarticle", "newsmediaorganization",
})
NEWSROOM_TYPES: Final = frozenset({"newsmediaorganization"})
# Something for sale on the page: a product with an offer.
PRODUCT_TYPES: Final = frozenset({"product", "productgroup", "individualproduct"})
OFFER_TYPES: Final = frozenset({"offer", "aggregateoffer"})
# Companies and the LocalBusiness family people meet (hotels, restaurants, firms).
BUSINESS_TYPES: Final = frozenset({
    "localbusiness", "corporation", "professionalservice", "legalservice", "attorney",
    "hotel", "lodgingbusiness", "restaurant", "foodestablishment", "dentist",
    "medicalbusiness", "medicalclinic", "homeandconstructionbusiness", "autodealer",
    "financialservice", "realestateagent", "travelagency", "store", "accountingservice",
    "employmentagency", "entertainmentbusiness", "sportsactivitylocation", "bedandbreakfast",
    "resort", "plumber", "electrician", "generalcontractor", "insuranceagency",
})
ASSOCIATION_TYPES: Final = frozenset({
    "ngo", "sportsclub", "sportsorganization", "sportsteam", "politicalparty", "church",
    "placeofworship", "workersunion", "fundingscheme",
})
PUBLIC_TYPES: Final = frozenset({
    "governmentorganization", "governmentoffice", "governmentbuilding", "cityhall",
    "collegeoruniversity", "educationalorganization", "school", "library", "museum",
})

# Microdata item types ('itemtype="https://schema.org/Product"'), read from markup.
ITEMTYPE_RE: Final = re.compile(rb'itemtype="https?://(?:www\.)?schema\.org/([a-z]+)')
ITEMTYPE_ATTR: Final = b'itemtype="'

# --------------------------------------------------------------------- markup

# Lower-cased markup of a cart or product control: add-to-cart buttons and forms
# (WooCommerce, Shopify, Magento, Shopware, osCommerce themes), price microdata, a mini
# cart in the header. They count inside a tag only (see kind.in_tag): site builders
# carry 'add-to-cart' in their script settings and CSS on every page, and
# 'fa-shopping-cart' is an icon any site may show.
CART_MARKERS: Final = (
    b"add-to-cart", b"add_to_cart", b"addtocart", b"add-to-basket", b"addtobasket",
    b"add_to_basket", b'itemprop="price"', b"minicart", b"mini-cart",
)
# Tags whose attributes say nothing about the page's controls.
NON_CONTROL_TAGS: Final = (b"<script", b"<style", b"<link", b"<meta", b"<!--")
# Markup of a post in a list or on its own: microformats, WordPress's permalink
# rel, <time> elements, the entry classes of blog themes.
POST_MARKERS: Final = (
    b"h-entry", b'rel="bookmark"', b"<time", b"entry-title", b"post-title", b"posted-on",
    b"post-date", b"entry-date", b"post-meta", b"entry-meta",
)
ARTICLE_MARKER: Final = b"<article"
ITEMTYPE_MARKER: Final = b"itemtype"
# Markup of a blog post and its comments: microformats and theme classes,
# WordPress's comment form and author archives.
COMMENT_MARKERS: Final = (
    b"hentry", b'id="comments"', b"class=\"comments", b"comment-respond", b'rel="author"',
    b"/author/",
)
# Every literal the kind reader and the plugin reader ask the page pass for.
KIND_PAGE_LITERALS: Final = (
    *CART_MARKERS, *POST_MARKERS, *COMMENT_MARKERS, ARTICLE_MARKER, ITEMTYPE_MARKER,
    *(marker.encode() for _, _, markers in PLUGIN_MARKERS for marker in markers),
)

# ------------------------------------------------------------------------ URLs

# A post's date in its URL ('/2019/06/19/...', '/2020/10/...').
DATED_URL_RE: Final = re.compile(r"/(?:19|20)\d\d/(?:0?[1-9]|1[0-2])/")
# Post permalinks of blog engines and static generators.
POST_URL_RE: Final = re.compile(
    r"/(?:blog|blogs|posts?|articles?|journal|weblog|notes|entries|tagebuch)/|"
    r"[?&]p=\d+|/archives/\d+"
)
# Forum signals in a URL of engines we do not fingerprint.
FORUM_URL_RE: Final = re.compile(
    r"viewtopic|viewthread|showthread|forumdisplay|/forums?/|/threads?/|/topic/|/board/|"
    r"index\.php\?topic=|/discuss/|/discussions?/|/talk/|[-_]forums?/",
)
# A community section of a site ('/community/', 'community.example.com'): mostly a
# board, but companies call other things that too; with members' profile links, a forum.
COMMUNITY_URL_RE: Final = re.compile(r"/community/|://community\.")
# What the page's links go to, as literals of their lower-cased hrefs (one automaton
# pass over all of them): a blog's archive, tag and category pages; posts (permalinks
# and dated paths); a cart; members' profiles (a board links every poster's).
ARCHIVE_HREF_PARTS: Final = (
    "/tag/", "/tags/", "/category/", "/categories/", "/kategorie/", "/archive/",
    "/archives/", "/archiv/", "/label/", "/labels/", "/topics/", "?cat=", "&cat=", "?tag=",
    "?m=", "/archive.html", "/archives.html", "/tags.html", "/categories.html",
)
POST_HREF_PARTS: Final = (
    "/blog/", "/blogs/", "/post/", "/posts/", "/article/", "/articles/", "/journal/",
    "/notes/", "/entries/", "?p=", "/archives/",
    *(f"/{year}/" for year in range(1995, 2036)),
)
CART_HREF_PARTS: Final = (
    *(f"/{word}{end}" for word in ("cart", "basket", "warenkorb", "panier", "carrito",
                                   "carrello", "checkout", "kasse", "shoppingcart",
                                   "shopping-cart", "shopping_cart", "viewcart", "view_cart",
                                   "showcart")
      for end in ("/", "?", ".", "#", "\n")),
    # Zen Cart's and Yahoo! Stores' cart pages.
    "main_page=shopping_cart", "/cgi-bin/wg-order",
)
# Hosts of hosted blog services: a site there is someone's blog (wordpress.com sites
# run WordPress as any site does; their host says they are hosted blogs).
BLOG_HOST_SUFFIXES: Final = (
    ".wordpress.com", ".blogspot.com", ".tumblr.com", ".typepad.com", ".livejournal.com",
    ".over-blog.com", ".hatenablog.com", ".blog.de",
)
MEMBER_HREF_PARTS: Final = (
    "/user/", "/users/", "/member/", "/members/", "/profile/", "/profiles/", "/u/",
    "/personal_pages/", "/benutzer/", "/mitglied/", "/membres/", "/usuario/", "/usuarios/",
    "-dashboard/", "user_profile=", "showuser=", "userid=", "?u=", "&u=", "mode=viewprofile",
    "profile.php?", "profile.aspx?",
)
# Sections of a company's site its pages link to: what it sells and how ('/pricing',
# '/features', '/solutions', '/leistungen'). A personal blog has none of them; a company
# blog's posts keep the site's menu, so its links say whose blog it is. Only links to the
# page's own site count (a post links to other companies' product pages). Jobs and
# careers pages are left out: newsrooms, clubs and forums have them too.
BUSINESS_SECTIONS: Final = (
    "pricing", "prices", "preise", "products", "solutions", "features", "platform",
    "request-a-demo", "book-a-demo", "demo", "free-trial", "leistungen", "produkte",
    "dienstleistungen", "loesungen", "case-studies", "industries", "testimonials",
    "referenzen", "customers", "kunden",
)
BUSINESS_HREF_PARTS: Final = tuple(
    f"/{word}{end}" for word in BUSINESS_SECTIONS for end in ("/", "?", ".", "#", "\n")
)
MIN_ARCHIVE_LINKS: Final = 2
MIN_POST_LINKS: Final = 4
MIN_MEMBER_LINKS: Final = 3
# Hosts of public bodies and universities.
PUBLIC_HOST_RE: Final = re.compile(
    r"\.(?:gov|edu|mil)(?:\.[a-z]{2})?$|\.(?:bund\.de|gv\.at|admin\.ch|gouv\.fr|gov\.uk|"
    r"ac\.uk|ac\.at|edu\.au)$|(?:^|\.)(?:uni|tu|fh|hs)-[a-z-]+\.de$|wikipedia\.org$"
)

# ---------------------------------------------------------------- menu labels

# Section navigation of a newsroom ('Politics', 'Sport', 'Wirtschaft', 'Opinión'):
# several of these as menu entries are the shape of a news site.
NEWS_SECTIONS: Final = frozenset({
    "politics", "politik", "política", "politica", "politique", "economy", "economics",
    "wirtschaft", "economía", "economia", "économie", "world", "welt", "mundo", "monde",
    "international", "internacional", "sport", "sports", "deportes", "esportes", "spor",
    "culture", "kultur", "cultura", "opinion", "opinions", "opinión", "opinião", "meinung",
    "local", "lokales", "nacionales", "nacional", "national", "entertainment", "health",
    "gesundheit", "salud", "saúde", "science", "wissenschaft", "ciencia", "weather",
    "wetter", "clima", "panorama", "regional", "sociedad", "société", "society",
    "tech", "technology", "technik", "lifestyle", "business", "finance", "finanzen",
    "crime", "sucesos", "judicial", "provincias", "editorial", "columnistas", "columnists",
    "e-paper", "epaper", "breaking news", "latest news", "top stories", "news",
    "nachrichten", "noticias", "actualité", "actualidad", "aktuelles", "vermischtes",
    "reise", "travel", "auto", "motor", "leben", "vida", "show", "education", "us", "uk",
    "europe", "europa", "schweiz", "österreich", "deutschland", "feuilleton", "region",
    "video", "videos", "photos", "fotos", "multimedia", "medizin", "medicine", "style",
    "ειδησεις", "πολιτικη", "οικονομια", "αθλητικα", "πολιτισμος", "διεθνη", "υγεια",
    "новини", "новости", "спорт", "политика", "экономика", "культура", "мир", "світ",
})
# Menu entries that ask a visitor to buy, try or book: a company's calls to action
# ('Request a demo today!', 'Get free trial', 'Talk to an expert', 'Angebot anfordern').
# Matched as whole words of a menu label ('demo' inside 'democracy' is not one).
SALES_LABEL_WORDS: Final = (
    "free trial", "request a demo", "book a demo", "schedule a demo", "get a quote",
    "get a free quote", "request a quote", "request a free quote", "quote request",
    "talk to an expert", "talk to sales", "contact sales", "kostenlos testen",
    "angebot anfordern", "jetzt buchen", "online buchen", "book now",
)
# Words of a newsroom's or a magazine's menu entries: subscriptions, issues, print
# editions, its media kit, its editors ('Abos', 'Aktuelle Ausgabe', 'Heftarchiv',
# 'Mediadaten', 'Zum Digital-Abo-Login', 'Editions', 'Our staff'), and a newspaper's
# services (classifieds, obituaries, TV schedule, crosswords). A company shows none of
# them; two or more labels holding them are a publisher's menu. Matched as whole words
# ('abo' inside 'about' is not one).
NEWSROOM_LABEL_WORDS: Final = (
    "abo", "abos", "abonnement", "abonnements", "abonnieren", "abonnez-vous", "s'abonner",
    "ausgabe", "ausgaben", "heft", "hefte", "heftarchiv", "einzelhefte", "sonderhefte",
    "e-paper", "epaper", "mediadaten", "media kit", "mediakit", "zeitschrift",
    "magazine subscription", "leserbriefe", "redaktion", "editions", "our staff", "newsroom",
    "suscríbete", "suscribete", "suscripciones", "assine", "print edition",
    "digital edition", "letters to the editor", "columnists", "kolumnen",
    # A newspaper's services: its notices, classifieds, puzzles, listings.
    "classifieds", "obituaries", "death notices", "traueranzeigen", "todesanzeigen",
    "kleinanzeigen", "tv schedule", "tv-programm", "photo of the day", "foto des tages",
    "horoscope", "horoscopes", "horoskop", "horoskope", "crossword", "crosswords",
    "kreuzworträtsel", "sudoku", "liveticker", "ticker",
    # An open-publishing newswire's menu (Indymedia, the French Mutu sites).
    "infos locales", "infos globales", "fil d'infos", "publiez", "comment publier",
    "newswire",
)
MIN_NEWSROOM_LABELS: Final = 2
MANY_NEWSROOM_LABELS: Final = 3
# Menu entries of a company or service site.
BUSINESS_LABELS: Final = frozenset({
    "services", "our services", "service", "solutions", "products", "our products",
    "pricing", "prices", "plans", "careers", "case studies", "clients", "our clients",
    "customers", "request a quote", "get a quote", "free quote", "request quote",
    "portfolio", "our work", "industries", "testimonials", "leistungen",
    "unsere leistungen", "referenzen", "karriere", "produkte", "dienstleistungen",
    "angebote", "preise", "unternehmen", "kunden", "jobs", "rooms", "accommodations",
    "book now", "reservations", "reserve", "menu", "locations", "our team", "team",
    "features", "support", "partners", "why choose us", "what we do", "who we are",
    "request a demo", "contact sales", "apply now", "get started", "free consultation",
    "nos services", "servicios", "productos", "empresa", "über uns", "about us",
})
# Words of a company's menu entries ('Plumbing services', 'IT Solutions', 'Produkte').
BUSINESS_LABEL_WORDS: Final = (
    "service", "solution", "product", "pricing", "platform", "consulting", "leistungen",
    "lösungen", "produkte", "dienstleistungen", "beratung", "servicios", "soluciones",
    "prestations", "industries", "expertise", "branchen",
)
MIN_BUSINESS_LABEL_WORDS: Final = 2
# Only these of BUSINESS_LABELS say 'company' on their own (blogs have an about page
# and a contact page too).
STRONG_BUSINESS_LABELS: Final = BUSINESS_LABELS - frozenset({
    "about us", "über uns", "our team", "team", "support", "partners", "features",
    "menu", "service", "jobs",
})
# Menu entries of a club, society or non-profit: its bodies, statutes and membership.
ASSOCIATION_LABELS: Final = frozenset({
    "mitglied werden", "become a member", "membership", "mitgliedschaft", "vorstand",
    "satzung", "statuten", "verein", "der verein", "über den verein", "unser verein",
    "verband", "der verband", "vereine", "mitgliederbereich", "mitgliederservice",
    "präsidium", "geschäftsstelle", "landesverbände", "adhérer", "chapters",
    "adhérer ou faire un don", "pfarrgemeinden", "ehrenamt", "join iab", "members area",
    "our members", "unsere mitglieder", "bylaws", "mitgliederversammlung",
    "vereinsleben", "termine & veranstaltungen",
})
# Entries a club shows, but so do forums (members, join) and newsrooms (donate,
# support us): two of them are a weak sign.
WEAK_ASSOCIATION_LABELS: Final = frozenset({
    "join", "join us", "members", "mitglieder", "spenden", "donate", "donate now",
    "support us", "unterstützen", "volunteer", "mitmachen", "jetzt mitmachen!",
    "get involved", "our mission", "faire un don", "je fais un don", "events", "termine",
    "veranstaltungen", "gemeinden", "ausbildung", "training",
})
# Menu entries of a forum board.
FORUM_LABELS: Final = frozenset({
    "forum", "forums", "foren", "new posts", "neue beiträge", "members", "mitglieder",
    "unanswered", "active topics", "recent discussions", "search forums", "board index",
    "forenübersicht", "new topic", "neues thema", "message boards", "latest activity",
    "what's new", "community",
})
# Menu entries of a cart: something is for sale on the site ('Cart', 'My Bag: 0
# item(s)', 'Zum Warenkorb'): labels that start with one of these words.
CART_LABEL_WORDS: Final = tuple(
    f"{lead}{word}" for lead in ("", "view ", "my ", "your ", "shopping ", "zum ", "mon ")
    for word in ("cart", "warenkorb", "basket", "bag", "checkout", "kasse", "panier",
                 "carrito", "carrello")
)
# Other menu entries of a shop (sites with customer accounts show some of them too).
SHOP_LABELS: Final = frozenset({
    "my account", "mein konto", "wishlist", "wunschliste", "order status", "track order",
    "shop by category", "merkzettel", "returns", "shipping", "versand",
})

# --------------------------------------------------------------- visible text

# Phrases of a thread page (lower-cased visible text): poster statistics, quote and
# reply controls, board links. A blog's comment list has 'Reply' links, so those
# say nothing; three different phrases of these do.
FORUM_TEXT: Final = (
    "posts:", "beiträge:", "messages:", "joined:", "registriert:", "registered:",
    "mitglied seit", "member since", "reply with quote", "zitieren", "last post",
    "letzter beitrag", "report post", "beitrag melden", "new topic", "neues thema",
    "thread starter", "topic starter", "original poster", "post reply", "new posts",
    "board index", "forum index", "forenübersicht", "unanswered", "ungelesene",
)
# Reply titles and reply counts: a thread ('Re: ...' under every post) or a board's
# topic list ('12 replies' on every row) repeats them.
REPLY_TEXT: Final = ("re: ", "replies", "antworten:")
MIN_REPLY_MENTIONS: Final = 8
# Cart buttons in the visible text: something is for sale on the page.
CART_TEXT: Final = (
    "add to cart", "add to basket", "add to bag", "in den warenkorb", "ajouter au panier",
    "añadir al carrito", "aggiungi al carrello", "buy now", "jetzt kaufen",
    "your cart is empty", "your shopping cart is empty", "ihr warenkorb ist leer",
    "items in cart", "items in your cart", "artikel im warenkorb",
)
# A post's dateline or byline in the visible text.
POST_TEXT: Final = (
    "posted on", "published on", "posted by", "written by", "veröffentlicht am",
    "geschrieben von", "publié le", "publicado el", "read more", "weiterlesen",
    "continue reading", "older posts", "newer posts", "ältere beiträge", "previous post",
    "next post",
)
# Shop notices that also appear on sites selling a subscription or a magazine.
SHOP_NOTICE_TEXT: Final = (
    "shopping cart", "free shipping", "versandkostenfrei", "zzgl. versand", "inkl. mwst",
)
# A company's legal form in its name ('Acme GmbH', 'Acme, Inc.').
COMPANY_RE: Final = re.compile(
    r"\b(?:gmbh|inc\.|llc|ltd\.?|limited|corp\.|corporation|co\. kg|ag|s\.a\.|s\.l\.|"
    r"b\.v\.|pty|plc|s\.r\.l\.|oy|ab|kg|ohg|ug)(?![\w.])"
)
# (The name and URL patterns here are matched against lower-cased text: without
# IGNORECASE they run twice as fast.)
# Literals one of which every COMPANY_RE match holds (lower-cased), and how much of
# the end of a page's text (its footer) is read for one.
COMPANY_WORDS: Final = ("gmbh", "inc.", "llc", "ltd", "limited", "corp.", "corporation",
                        "co. kg", " ag", "s.a.", "s.l.", "b.v.", "pty", "plc", "s.r.l.",
                        " oy", " ab", " kg", "ohg", " ug")
COMPANY_TAIL: Final = 3000
# Title parts that name a page's role, not its site ('City of X - Contact Us').
PAGE_ROLE_TITLES: Final = frozenset({
    "contact", "contact us", "contacts", "about", "about us", "home", "homepage", "impressum",
    "imprint", "kontakt", "über uns", "legal notice", "privacy policy", "terms of use",
    "our team", "team", "welcome", "startseite", "accueil", "inicio", "news", "blog",
})
# Names of clubs, societies, churches, parties and non-profits (title, site name).
ASSOCIATION_NAME_RE: Final = re.compile(
    # (German compounds: Sportverein, Hundeverein, Chorknaben, Chorgemeinschaft.)
    r"\b(?:\w*verein|e\.\s?v\.|association|associação|asociación|society|club|verband|"
    r"federation|föderation|stiftung|foundation|fondation|charity|church|kirche|"
    r"diakonie|caritas|partei|party|union|chor\w*|choir|orchester|orchestra|gemeinde|"
    r"pfarrei|parish|ngo|non-?profit|jagdverband|bund|attac|sportverein|tsv|sv)\b",
)
# Names newspapers and magazines give themselves (site name): 'Daily Legal News',
# 'Kaieteur News', 'Lausitzer Rundschau', 'The Herald'.
NEWS_NAME_RE: Final = re.compile(
    r"\b(?:news|zeitung|nachrichten|tribune|times|gazette|herald|courier|kurier|anzeiger|"
    r"tagblatt|rundschau|chronicle|observer|magazin|magazine|noticias|notizie|actualités)\b",
)
# Names of public bodies and universities (title, site name).
PUBLIC_NAME_RE: Final = re.compile(
    r"\b(?:university|universität|universidad|université|hochschule|college|"
    r"school|schule|academy|akademie|city of|town of|county|stadt|ministry|ministerium|bundesamt|"
    r"landesamt|municipality|gemeinde\s+\w+|city hall|public library|bibliothek|"
    r"national cemetery|government|regierung|bundesanstalt|behörde)\b",
)
# Pages where a directory takes entries (menu labels and visible text).
SUBMIT_SITE_TEXT: Final = (
    "submit a site", "submit your site", "add your site", "suggest a site", "add a listing",
    "add your listing", "submit a link", "add url", "seite eintragen", "eintrag hinzufügen",
    "proposer un site",
)
# A page linking this many other sites is a list of them (a blogroll has a few dozen
# at most in a sidebar; the blog's own posts outweigh it).
MIN_LINKED_SITES: Final = 25
# A list of sites or listings.
DIRECTORY_NAME_RE: Final = re.compile(
    r"\b(?:directory|verzeichnis|listings?|jobs? board|job ?board|ferienh[äa]user|"
    r"holiday homes|vacation rentals|who'?s who|links|index)\b"
)
