"""Thin CLI: flags → Config → library calls. Every user error is one line on stderr
and a distinct exit code (see `prospector --help`); tracebacks are bugs."""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import sys
from collections.abc import Sequence
from typing import Any

import duckdb

from prospector.cli_parser import build_parser
from prospector.config import Config
from prospector.crawl.lookups import quick_dns_retries
from prospector.errors import ExitCode, InputError, ProspectorError
from prospector.report.terminal import clean, table_lines


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
        "workers": args.workers, "extract_deadline": args.extract_deadline,
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


def cmd_digest(args: argparse.Namespace) -> int:
    from prospector.report.digest_render import write_digest
    from prospector.store.db import Store

    with Store.open(args.db, read_only=True) as store:
        result = write_digest(store, args.out, args.text, days=args.days, limit=args.limit,
                              per_site=args.per_site, template=args.template)
    print(result.line)
    return ExitCode.OK


def cmd_export(args: argparse.Namespace) -> int:
    from prospector.report.export import write_export
    from prospector.store.db import Store

    with Store.open(args.db, read_only=True) as store:
        count = write_export(store, args.out, args.format, args.which, bom=args.bom)
    print(f"{count} rows to {args.out}")
    return ExitCode.OK





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
        writer.writerows([[clean(v) if isinstance(v, str) else v for v in r] for r in rows])
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
    from prospector.report.digest_render import write_digest
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
    from prospector.verify.command import demo_verify

    print(demo_verify(args.db, web.seed))  # the local dnsmasq, when installed
    with Store.open(args.db, read_only=True) as store:
        out = write_report(store, args.out)
        # Issue 21: this week's e-zine issue beside the report (out/digest.html, .txt).
        digest = write_digest(store, args.out.with_name("digest.html"),
                              args.out.with_name("digest.txt"))
        top = store.top_prospect()
        hubs = store.hub_rows()  # issue 24: communities on platforms
    best = (f"top prospect {top['domain']} ({top['score']:.0f}, "
            f"{top['contact'] or 'no contact'})") if top else "no prospects"
    print(digest.line)  # before the report's path, which the summary line follows
    if hubs:
        print(f"{len(hubs)} communities on platforms, most linked {hubs[0]['id']}"
              f" ({hubs[0]['niche_sites']} niche sites)")
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

    prefix = run_worker(args.redis, args.job, args.log_level, args.workers)
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


def cmd_verify(args: argparse.Namespace) -> int:
    from prospector.verify.command import verify_command

    return verify_command(args)


def cmd_drafts(args: argparse.Namespace) -> int:
    from prospector.outreach.commands import drafts_command

    return drafts_command(args)


def cmd_outreach(args: argparse.Namespace) -> int:
    from prospector.outreach.commands import outreach_command

    return outreach_command(args)


def cmd_explain(args: argparse.Namespace) -> int:
    from prospector.score.explain import explain
    from prospector.store.db import Store

    with Store.open(args.db, read_only=True) as store:
        text = explain(store, args.domain)
    print(_clean_lines(text))
    return ExitCode.OK


def _clean_lines(text: str) -> str:
    return "\n".join(clean(line) for line in text.splitlines())


def cmd_extract(args: argparse.Namespace) -> int:
    from prospector.extract.dump import extract_json

    print(extract_json(args.file, args.url))
    return ExitCode.OK


COMMANDS = {
    "extract": cmd_extract, "explain": cmd_explain,
    "crawl": cmd_crawl, "discover": cmd_discover, "report": cmd_report, "sql": cmd_sql, "demo": cmd_demo,
    "sampleweb": cmd_sampleweb, "export": cmd_export, "runs": cmd_runs,
    "suppress": cmd_suppress, "mark-contacted": cmd_mark_contacted, "worker": cmd_worker,
    "verify": cmd_verify, "digest": cmd_digest, "drafts": cmd_drafts, "outreach": cmd_outreach,
}


def main(argv: Sequence[str] | None = None) -> int:
    quick_dns_retries(os.environ)  # before this process's first DNS lookup (crawl.lookups)
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
