"""The command line's grammar: every command, flag and help text, and the exit codes
it documents. `prospector.cli` parses with it and runs the commands."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, NoReturn

from prospector.errors import ExitCode

EXIT_CODES_HELP = """exit codes:
  0    done
  2    bad input: flags, keyword, seed file, config
  3    database unusable: a directory, unreadable, read-only, newer schema
  4    database locked by another process
  5    search backend unavailable: nothing at all was found
  6    partial run: the crawl stopped before the end, or more than half the
       search queries failed
  7    no space left on the device during a write (nothing stored is lost)
  130  interrupted
"""


class _Parser(argparse.ArgumentParser):
    """argparse that reports errors in one line (no usage dump)."""

    def error(self, message: str) -> NoReturn:
        self.exit(ExitCode.USAGE, f"{self.prog}: error: {message}\n")


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {text}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="prospector",
        description="Find a niche's forums, blogs and sites, their webmasters' contacts, "
        "and rank them as partners and communities.",
        epilog=EXIT_CODES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    _add_crawl(sub)
    _add_discover(sub)
    _add_outputs(sub)
    _add_operations(sub)
    _add_outreach(sub)
    _add_tools(sub)
    return parser


_Sub = Any  # argparse's _SubParsersAction, private in typeshed


def _add_crawl(sub: _Sub) -> None:
    crawl = sub.add_parser("crawl", help="discover and crawl sites for a keyword into a DB",
                           epilog=EXIT_CODES_HELP,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
    crawl.add_argument("keyword", nargs="?", help="the niche, e.g. beekeeping "
                       "(or `keyword` in the config file)")
    crawl.add_argument("--db", type=Path, required=True, help="DuckDB file to write")
    crawl.add_argument("--config", type=Path, help="TOML config file (see README)")
    _add_search_flags(crawl)
    crawl.add_argument("--max-sites", type=_positive, help="sites to crawl (100)")
    crawl.add_argument("--max-pages", type=_positive, help="pages per site (6)")
    crawl.add_argument("--max-distance", type=int,
                       help="link hops from a search result or seed (2)")
    crawl.add_argument("--exclude", action="append", default=[], metavar="DOMAIN",
                       help="never crawl this registered domain (repeatable)")
    crawl.add_argument("--max-age", type=float, metavar="DAYS",
                       help="sites crawled to the end within DAYS are not fetched again (7)")
    crawl.add_argument("--refresh", action="store_true",
                       help="fetch every site again, however recent")
    crawl.add_argument("--job-dir", type=Path, metavar="DIR",
                       help="job directory: run again with the same one to resume a killed crawl")
    crawl.add_argument("--http-cache", type=Path, metavar="DIR",
                       help="development: cache HTTP responses in DIR and replay them")
    crawl.add_argument("--no-progress", action="store_true",
                       help="no progress display or periodic progress lines")
    crawl.add_argument("--redis", metavar="URL",
                       help="distributed: share the frontier with `prospector worker`s "
                       "through scrapy-redis on this Redis server")
    crawl.add_argument("--proxy", metavar="URL", help="send every request through this proxy")
    crawl.add_argument("--allow-private", action="store_true",
                       help="let requests reach loopback, private, link-local and multicast "
                       "addresses (refused by default)")
    crawl.add_argument("--workers", type=_extraction_workers, metavar="N",
                       help="extraction processes (default: one a core; 0: inline, "
                       "for debugging)")
    crawl.add_argument("--extract-deadline", type=float, metavar="SECONDS",
                       help="CPU seconds a page's extraction may take before it is "
                       "recorded as extraction_timeout (2)")
    crawl.add_argument("--fast", action="store_true",
                       help="no politeness delays: only for servers you own (the sample web)")
    crawl.add_argument("--log-level", default="WARNING",
                       choices=["DEBUG", "INFO", "WARNING", "ERROR"])


def _add_search_flags(parser: argparse.ArgumentParser) -> None:
    """The discovery flags `crawl` and `discover` share (README: search backends)."""
    parser.add_argument("--seeds", type=Path, help="file of URLs or domains, one a line")
    parser.add_argument("--search", metavar="URL", help="SearXNG base URL (PROSPECTOR_SEARXNG_URL)")
    parser.add_argument("--backend", metavar="NAME[,NAME]",
                        help="searxng, marginalia, brave, sampleweb, several comma-separated, or "
                        "none (default: searxng with --search, else Marginalia's public key)")
    parser.add_argument("--marginalia-filter", metavar="NAME",
                        help="Marginalia filter, e.g. smallweb, popular, blogosphere, forum")
    parser.add_argument("--marginalia-index", metavar="INDEX",
                        help="legacy Marginalia index (0-2, blogs, big_sites), mapped to a filter")
    parser.add_argument("--search-max-age", type=float, metavar="DAYS",
                        help="re-ask cached search pages older than this (3)")
    parser.add_argument("--variant", action="append", default=[],
                        help="another word for the niche (repeatable)")


def _add_discover(sub: _Sub) -> None:
    discover = sub.add_parser(
        "discover", help="find candidate sites for a keyword without crawling them",
        description="Run discovery only (seeds, include list, search backends): store the "
        "candidates and queries in the DB as a crawl would, and print each with its source "
        "and why.", epilog=EXIT_CODES_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    discover.add_argument("keyword", nargs="?", help="the niche, e.g. beekeeping")
    discover.add_argument("--db", type=Path, required=True, help="DuckDB file to write")
    discover.add_argument("--config", type=Path, help="TOML config file (see README)")
    _add_search_flags(discover)
    discover.add_argument("--max-sites", type=_positive,
                          help="sites a crawl would take (100); discovery stops at twice that")
    discover.add_argument("--format", choices=["table", "csv", "json"], default="table",
                          help="how to print the candidates (table)")


def _add_outputs(sub: _Sub) -> None:
    report = sub.add_parser("report", help="write the HTML report of a DB")
    report.add_argument("--db", type=Path, required=True)
    report.add_argument("--out", type=Path, default=Path("out/report.html"),
                        help="HTML file to write (out/report.html)")

    export = sub.add_parser("export", help="write a ranked list for an outreach tool")
    export.add_argument("--format", choices=["csv", "json", "jsonl"], required=True)
    export.add_argument("--list", dest="which", default="jv",
                        choices=["jv", "communities", "newsletters", "contacts", "hubs"],
                        help="which list (jv)")
    export.add_argument("--db", type=Path, required=True)
    export.add_argument("--out", type=Path, required=True, help="file to write")
    export.add_argument("--bom", action="store_true",
                        help="start a csv with a UTF-8 BOM, for spreadsheet programs")

    sql = sub.add_parser("sql", help="run a read-only SQL query against a DB")
    sql.add_argument("query")
    sql.add_argument("--db", type=Path, required=True)
    sql.add_argument("--format", choices=["table", "csv", "json"], default="table")
    sql.add_argument("--allow-files", action="store_true",
                     help="let the query read files (read_csv, read_parquet…); it never writes")
    sql.add_argument("--max-width", type=int, metavar="N",
                     help="table lines at most N characters, long cells cut with … "
                     "(default: the terminal's width; 0: no limit; csv and json stay whole)")

    digest = sub.add_parser("digest", help="draft an e-zine issue from the niche's posts "
                            "of the period (e-mail HTML, plain text)")
    digest.add_argument("--db", type=Path, required=True)
    digest.add_argument("--days", type=_positive, default=7, help="the period (7 days)")
    digest.add_argument("--limit", type=_positive, default=12, help="items at most (12)")
    digest.add_argument("--per-site", type=_positive, default=2,
                        help="items of one site at most (2)")
    digest.add_argument("--template", type=Path, metavar="FILE",
                        help="a Jinja2 template of your own for the HTML")
    digest.add_argument("--out", type=Path, required=True, help="HTML file to write")
    digest.add_argument("--text", type=Path, metavar="FILE", help="also write plain text here")

    explain = sub.add_parser("explain", help="why a site ranks where it does: each factor, "
                             "its raw value, its weight")
    explain.add_argument("domain", metavar="DOMAIN")
    explain.add_argument("--db", type=Path, required=True)


def _add_operations(sub: _Sub) -> None:
    demo = sub.add_parser("demo", help="crawl the bundled sample web and write a report")
    demo.add_argument("--keyword", default="beekeeping")
    demo.add_argument("--db", type=Path, default=Path("out/demo.duckdb"))
    demo.add_argument("--out", type=Path, default=Path("out/report.html"))
    demo.add_argument("--max-sites", type=_positive, default=100)

    worker = sub.add_parser("worker", help="join the distributed crawl running on a Redis "
                            "server (started by `prospector crawl --redis`)")
    worker.add_argument("--redis", metavar="URL", required=True)
    worker.add_argument("--job", help="the job's Redis key prefix (default: the current job)")
    worker.add_argument("--workers", type=_extraction_workers, metavar="N",
                        help="extraction processes on this machine (default: the job's, "
                        "else one a core of this machine; 0: inline)")
    worker.add_argument("--log-level", default="WARNING",
                        choices=["DEBUG", "INFO", "WARNING", "ERROR"])

    runs = sub.add_parser("runs", help="list the crawls recorded in a DB")
    runs.add_argument("--db", type=Path, required=True)
    runs.add_argument("--format", choices=["table", "csv", "json"], default="table")

    suppress = sub.add_parser(
        "suppress", help="never store, show or export these contacts: EMAIL, DOMAIN or @DOMAIN")
    suppress.add_argument("entries", nargs="*", metavar="ENTRY")
    suppress.add_argument("--file", type=Path, help="one entry a line, # comments")
    suppress.add_argument("--db", type=Path, required=True)
    suppress.add_argument("--note", default="")

    contacted = sub.add_parser("mark-contacted",
                               help="keep a site out of the to-contact lists for a cooldown")
    contacted.add_argument("target", metavar="DOMAIN|EMAIL")
    contacted.add_argument("--db", type=Path, required=True)
    contacted.add_argument("--note", default="")
    contacted.add_argument("--cooldown-days", type=_positive, metavar="N",
                           help="days a contacted site stays out of the to-contact lists "
                           "(stored in the DB; 90 until set)")


def _extraction_workers(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if not 0 <= value <= 256:
        raise argparse.ArgumentTypeError(f"must be between 0 and 256: {text}")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0 < value <= 60:
        raise argparse.ArgumentTypeError(f"must be above 0 and at most 60: {text}")
    return value


def _add_outreach(sub: _Sub) -> None:
    """Issue 22: verify addresses, draft first messages, move prospects along."""
    verify = sub.add_parser("verify", help="check every stored address: syntax, disposable, "
                            "role, and whether its domain receives mail (DNS; never SMTP)")
    verify.add_argument("--db", type=Path, required=True)
    verify.add_argument("--list", dest="which", default="all",
                        choices=["jv", "newsletters", "communities", "all"])
    verify.add_argument("--resolver", metavar="IP[:PORT]",
                        help="DNS resolver to ask (default: [verify] resolver, else the system's)")
    verify.add_argument("--timeout", type=_positive_float, metavar="SECONDS",
                        help="per DNS query (3)")
    verify.add_argument("--config", type=Path, help="TOML config file ([verify] section)")

    drafts = sub.add_parser("drafts", help="write a personalised first message per prospect "
                            "(.eml files or a mail-merge CSV); never sends mail")
    drafts.add_argument("--db", type=Path, required=True)
    drafts.add_argument("--list", dest="which", default="jv",
                        choices=["jv", "newsletters", "communities"])
    drafts.add_argument("--limit", type=_positive, metavar="N", help="at most N drafts")
    drafts.add_argument("--template", type=Path, metavar="FILE",
                        help="Jinja2 template: a 'Subject: ...' line, a blank line, the body")
    drafts.add_argument("--out", type=Path, required=True, metavar="DIR")
    drafts.add_argument("--format", choices=["eml", "csv"], default="eml")
    drafts.add_argument("--config", type=Path, help="TOML config file with a [sender] section")

    outreach = sub.add_parser("outreach", help="set a prospect's pipeline status (history kept)")
    outreach.add_argument("target", metavar="DOMAIN|EMAIL")
    outreach.add_argument("--status", required=True,
                          choices=["drafted", "contacted", "replied", "declined", "partner"])
    outreach.add_argument("--note", default="")
    outreach.add_argument("--db", type=Path, required=True)


def _add_tools(sub: _Sub) -> None:
    extract = sub.add_parser("extract", help="print the facts of one saved page as JSON")
    extract.add_argument("file", metavar="FILE", help="saved HTML page, or - for stdin")
    extract.add_argument("--url", required=True, help="the address the page was fetched from")

    web = sub.add_parser("sampleweb", help="the bundled sample web")
    web_sub = web.add_subparsers(dest="web_command", metavar="ACTION", required=True)
    serve = web_sub.add_parser("serve", help="serve it on loopback until interrupted")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8800)
    serve.add_argument("--seed", type=int, default=7)
    serve.add_argument("--hostile", action="store_true",
                       help="also serve the hostile part (traps, bombs, payloads)")
    truth = web_sub.add_parser("truth", help="print its ground truth as JSON")
    truth.add_argument("--seed", type=int, default=7)
