"""Thin CLI: flags → Config → library calls. Every user error is one line on stderr
and a distinct exit code (see `prospector --help`); tracebacks are bugs."""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

import duckdb

from prospector.config import Config
from prospector.errors import ExitCode, InputError, ProspectorError
from prospector.report.terminal import clean, table_lines

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
                        choices=["jv", "communities", "newsletters", "contacts"],
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


# -- commands --------------------------------------------------------------------------
def _config(args: argparse.Namespace) -> Config:
    """The crawl's Config: these flags over the config file over the environment."""
    import os

    flags = {
        **_search_flags(args), "proxy": args.proxy,
        "max_sites": args.max_sites, "max_pages_per_site": args.max_pages,
        "max_distance": args.max_distance,
        "max_age_days": args.max_age, "job_dir": args.job_dir,
        "http_cache_dir": args.http_cache, "redis_url": args.redis,
        "exclude": args.exclude,
        "db_path": args.db, "log_level": args.log_level,
        "refresh": args.refresh or None, "allow_private": args.allow_private or None,
        "progress": False if args.no_progress else None, "fast": args.fast,
    }
    return Config.from_sources(flags, args.config, os.environ)


def _search_flags(args: argparse.Namespace) -> dict[str, Any]:
    return {"keyword": args.keyword, "search_url": args.search, "search_backend": args.backend,
            "marginalia_index": args.marginalia_index, "marginalia_filter": args.marginalia_filter,
            "search_max_age_days": args.search_max_age, "seeds_path": args.seeds,
            "variants": args.variant}


def cmd_discover(args: argparse.Namespace) -> int:
    import os

    from prospector.discover import discover_only
    from prospector.discover.listing import write_candidates

    flags = {**_search_flags(args), "max_sites": args.max_sites, "db_path": args.db}
    run_id, found = discover_only(Config.from_sources(flags, args.config, os.environ))
    width = shutil.get_terminal_size(fallback=(120, 24)).columns
    write_candidates(found.candidates, args.format, sys.stdout, width)
    if found.warning():
        print(found.warning(), file=sys.stderr)
    print(f"run {run_id} discovered: {len(found.candidates)} candidates in {args.db}",
          file=sys.stderr)
    return ExitCode.PARTIAL if found.mostly_failed else ExitCode.OK


def cmd_crawl(args: argparse.Namespace) -> int:
    from prospector.crawl.run import run_crawl
    from prospector.distributed.coordinator import run_distributed

    config = _config(args)
    result = run_distributed(config) if config.redis_url else run_crawl(config)
    if result.workers:
        print(f"distributed: {result.fetched} URLs fetched ({result.distinct} distinct) "
              f"by {result.workers} workers")
    how = "resumed, " if result.resumed else ""
    print(f"run {result.run_id} {result.status}: {how}{result.sites} sites "
          f"({result.skipped} recent, not fetched), {result.pages} pages, "
          f"{result.contacts} contacts in {args.db}")
    if result.warning:
        print(result.warning, file=sys.stderr)
    return ExitCode.OK if result.status == "done" else ExitCode.PARTIAL


def cmd_report(args: argparse.Namespace) -> int:
    from prospector.report.render import write_report
    from prospector.store.db import Store

    with Store.open(args.db, read_only=True) as store:
        out = write_report(store, args.out)
    print(out)
    return ExitCode.OK


def cmd_export(args: argparse.Namespace) -> int:
    from prospector.report.export import write_export
    from prospector.store.db import Store

    with Store.open(args.db, read_only=True) as store:
        count = write_export(store, args.out, args.format, args.which, bom=args.bom)
    print(f"{count} rows to {args.out}")
    return ExitCode.OK


_clean = clean


def cmd_sql(args: argparse.Namespace) -> int:
    from prospector.store.db import Store

    with Store.open(args.db, read_only=True) as store:
        try:
            columns, rows = (store.runs_table() if args.query is None else store.user_query(
                args.query, allow_files=bool(getattr(args, "allow_files", False))))
        except ValueError as exc:
            raise InputError(str(exc)) from None
        except duckdb.Error as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else "error"
            raise InputError(f"query failed: {first}") from None
    out = sys.stdout
    if args.format == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        # Scraped text may carry control characters; a CSV read in a terminal must not
        # run them.
        writer.writerows([[_clean(v) if isinstance(v, str) else v for v in r] for r in rows])
    elif args.format == "json":
        json.dump([dict(zip(columns, r, strict=True)) for r in rows], out, default=str,
                  ensure_ascii=False)
        out.write("\n")
    else:
        width = args.max_width if getattr(args, "max_width", None) is not None else \
            shutil.get_terminal_size(fallback=(120, 24)).columns
        for line in table_lines(columns, rows, width):
            out.write(line + "\n")
    return ExitCode.OK


def cmd_demo(args: argparse.Namespace) -> int:
    from prospector.config import Config
    from prospector.crawl.run import run_crawl
    from prospector.report.render import write_report
    from prospector.sampleweb.proc import SampleWebProcess
    from prospector.store.db import Store

    for path in (args.db, args.out):
        path.parent.mkdir(parents=True, exist_ok=True)
    with SampleWebProcess() as web:
        config = Config(
            keyword=args.keyword, db_path=args.db, search_url=web.url, proxy=web.url,
            search_backend="sampleweb",
            max_sites=args.max_sites,
        ).fast()
        result = run_crawl(config)
    with Store.open(args.db, read_only=True) as store:
        out = write_report(store, args.out)
        top = store.top_prospect()
    best = (f"top prospect {top['domain']} ({top['score']:.0f}, "
            f"{top['contact'] or 'no contact'})") if top else "no prospects"
    print(out)
    print(f"{result.sites} sites, {result.contacts} contacts, {best}")
    return ExitCode.OK


def cmd_sampleweb(args: argparse.Namespace) -> int:
    if args.web_command == "truth":
        from prospector.sampleweb.truth import truth_json

        print(truth_json(seed=args.seed))
        return ExitCode.OK
    from prospector.sampleweb.server import serve

    serve(host=args.host, port=args.port, seed=args.seed, hostile_web=args.hostile,
          ready=lambda port: print(f"sample web on http://{args.host}:{port}", flush=True))
    return ExitCode.OK


def cmd_worker(args: argparse.Namespace) -> int:
    from prospector.distributed.coordinator import run_worker

    prefix = run_worker(args.redis, args.job, args.log_level)
    print(f"worker done: {prefix}")
    return ExitCode.OK


def cmd_runs(args: argparse.Namespace) -> int:
    args.query = None  # cmd_sql lists the runs (Store.runs_table)
    return cmd_sql(args)


def _suppression(entry: str) -> tuple[str, str]:
    from prospector.urls import registered_domain

    text = entry.strip().lower()
    if text.startswith("@") and "." in text[1:]:
        return text[1:], "email_domain"
    if "@" in text:
        local, _, domain = text.rpartition("@")
        if local and "." in domain:
            return text, "email"
    domain = registered_domain(text.split("/")[2] if "://" in text else text)
    if domain:
        return domain, "domain"
    raise InputError(f"not an email address, domain or @domain: {entry!r}")


def cmd_suppress(args: argparse.Namespace) -> int:
    from prospector.store.db import Store

    lines = list(args.entries)
    if args.file is not None:
        try:
            lines += args.file.read_text("utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read {args.file}: {exc}") from None
    entries = [_suppression(x) for x in (ln.split("#", 1)[0].strip() for ln in lines) if x]
    if not entries:
        raise InputError("nothing to suppress: give EMAIL, DOMAIN or @DOMAIN, or --file")
    with Store.open(args.db) as store:
        removed = store.suppress(entries, args.note)
    print(f"{len(entries)} suppressed, {removed} stored contacts removed")
    return ExitCode.OK


def cmd_mark_contacted(args: argparse.Namespace) -> int:
    from prospector.store.db import Store
    from prospector.urls import registered_domain

    target = args.target.strip().lower()
    if "@" in target:
        kind, domain = "email", ""
    else:
        kind, domain = "domain", registered_domain(target)
        target = domain
    if not target or (kind == "email" and "." not in target.rpartition("@")[2]):
        raise InputError(f"not a domain or email address: {args.target!r}")
    with Store.open(args.db) as store:
        if kind == "email":
            domain = store.email_site(target) or registered_domain(target.rpartition("@")[2])
        store.mark_contacted(target, kind, domain, args.note)
        if args.cooldown_days:
            store.set_contact_cooldown(args.cooldown_days)
    print(f"{target} marked contacted")
    return ExitCode.OK


def cmd_explain(args: argparse.Namespace) -> int:
    from prospector.score.explain import explain
    from prospector.store.db import Store

    with Store.open(args.db, read_only=True) as store:
        text = explain(store, args.domain)
    print(_clean_lines(text))
    return ExitCode.OK


def _clean_lines(text: str) -> str:
    return "\n".join(_clean(line) for line in text.splitlines())


def cmd_extract(args: argparse.Namespace) -> int:
    from prospector.extract.dump import extract_json

    print(extract_json(args.file, args.url))
    return ExitCode.OK


COMMANDS = {
    "extract": cmd_extract, "explain": cmd_explain,
    "crawl": cmd_crawl, "discover": cmd_discover, "report": cmd_report, "sql": cmd_sql, "demo": cmd_demo,
    "sampleweb": cmd_sampleweb, "export": cmd_export, "runs": cmd_runs,
    "suppress": cmd_suppress, "mark-contacted": cmd_mark_contacted, "worker": cmd_worker,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(COMMANDS[args.command](args))
    except ProspectorError as exc:
        print(f"prospector: error: {exc}", file=sys.stderr)
        return int(exc.code)
    except KeyboardInterrupt:
        print("prospector: interrupted", file=sys.stderr)
        return int(ExitCode.INTERRUPTED)
    except BrokenPipeError:
        return int(ExitCode.OK)
    except (duckdb.Error, OSError) as exc:
        # A write that failed under the command: full disk, read-only file, lock.
        from prospector.store.db import explain_storage_error

        error = explain_storage_error(exc, getattr(args, "db", "") or "")
        if error is None:
            raise
        print(f"prospector: error: {error}", file=sys.stderr)
        return int(error.code)


if __name__ == "__main__":
    sys.exit(main())
