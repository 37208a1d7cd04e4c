"""Issue 25's table, replayed: each mutation under which a test once still passed is
applied to a temporary copy of the repository, the test that must catch it is run
there, and the row is printed killed (the test failed) or SURVIVED (it passed).

    .venv/bin/python scripts/mutations.py            # every row
    .venv/bin/python scripts/mutations.py xxe junk   # rows by name
    .venv/bin/python scripts/mutations.py --list

The copy is `git archive HEAD` (committed code only: no one's edit in flight is
mutated), in a temporary folder removed at the end; the source tree is never touched.
First the unmutated copy runs the same tests once: a row counts only where its tests
pass there. A mutation whose text is no longer in the source is reported `stale`
(the code moved on: update the row). Exit 0 when every row is killed.
Corpus rows need the shared corpus ($PROSPECTOR_CORPUS or ../shared/corpus).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Mutation:
    name: str
    row: str  # the table row (the test it names, what was broken)
    file: str
    edits: tuple[tuple[str, str], ...]  # (text in the source, its replacement)
    tests: tuple[str, ...]


# An HTTP cache that stores every response but never hands one back.
_WRITE_ONLY_CACHE = '''

from scrapy.extensions.httpcache import FilesystemCacheStorage  # noqa: E402


class WriteOnlyCache(FilesystemCacheStorage):  # issue 25 mutation
    def retrieve_response(self, spider, request):
        return None
'''

MUTATIONS: tuple[Mutation, ...] = (
    Mutation("xxe", "test_extract_facts::test_parse_feed: resolve_entities and load_dtd on",
             "prospector/extract/feeds.py",
             (("resolve_entities=False", "resolve_entities=True"), ("load_dtd=False", "load_dtd=True")),
             ("tests/test_extract_facts.py::test_parse_feed",)),
    Mutation("raw-emails", "test_extract_facts::test_gold_labelled_emails: every e-mail-shaped "
             "string of the raw HTML taken too", "prospector/extract/emails.py",
             (("        found.extend(text_addresses(text))\n",
               "        found.extend(text_addresses(text))\n        found.extend(text_addresses(raw))\n"),),
             ("tests/test_extract_facts.py::test_gold_labelled_emails",)),
    Mutation("junk", "test_extract_corpus (no junk) and test_extract_expectations: junk filter off",
             "prospector/extract/addresses.py",
             (("    asset names, placeholders, reserved domains, hashes, unread system boxes.\"\"\"\n",
               "    asset names, placeholders, reserved domains, hashes, unread system boxes.\"\"\"\n"
               "    return False\n"),),
             ("tests/test_extract_corpus.py::test_no_junk_emails",
              "tests/test_extract_expectations.py::test_hand_checked_expectations")),
    Mutation("robots-fix", "test_robots_race::test_a_burst_of_requests_obeys_robots: the fix disabled",
             "prospector/crawl/middlewares/robots.py",
             (("        if parser is None:\n", "        if False:\n"),),
             ("tests/test_robots_race.py::test_a_burst_of_requests_obeys_robots",)),
    Mutation("robots-stock", "test_robots_race::test_a_burst_of_requests_obeys_robots: stock Scrapy "
             "middleware restored", "prospector/crawl/settings.py",
             (('    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,\n'
               '    "prospector.crawl.middlewares.robots.RobotsTxtMiddleware": 100,\n',
               '    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": 100,\n'),),
             ("tests/test_robots_race.py::test_a_burst_of_requests_obeys_robots",)),
    Mutation("footprints", "test_config_file (footprints): user footprints replace the defaults",
             "prospector/discover/run.py",
             (("templates = options.footprints if options.replace_default_footprints else (",
               "templates = options.footprints if True else ("),),
             ("tests/test_config_file.py::test_user_footprints_are_added_to_the_defaults",)),
    Mutation("min-interval", "test_backends::test_backend_calls_are_spaced_by_its_rate_limit: "
             "default min_interval 0 in all three backends", "prospector/discover/backends/searxng.py",
             (("min_interval: float = 1.5,", "min_interval: float = 0.0,"),),
             ("tests/test_backends.py::test_backend_calls_are_spaced_by_its_rate_limit",)),
    Mutation("min-interval-marginalia", "(the same, Marginalia)",
             "prospector/discover/backends/marginalia.py",
             (("min_interval: float = 1.0,", "min_interval: float = 0.0,"),),
             ("tests/test_backends.py::test_backend_calls_are_spaced_by_its_rate_limit",)),
    Mutation("min-interval-brave", "(the same, Brave)", "prospector/discover/backends/brave.py",
             (("min_interval: float = 1.0,", "min_interval: float = 0.0,"),),
             ("tests/test_backends.py::test_backend_calls_are_spaced_by_its_rate_limit",)),
    Mutation("lock-sleep", "test_operations::test_overlapping_crawl_exits_at_once: 3 s sleep before "
             "the lock error", "prospector/crawl/lock.py",
             (("        except BlockingIOError:\n",
               "        except BlockingIOError:\n            __import__('time').sleep(3)\n"),),
             ("tests/test_operations.py::test_overlapping_crawl_exits_at_once",)),
    Mutation("cooldown", "test_operations::test_suppress_and_mark_contacted: UPDATE prefs skipped",
             "prospector/store/outreach.py",
             (('        """How long a contacted site stays marked in cooldown (the `outreach` view)."""\n',
               '        """How long a contacted site stays marked in cooldown (the `outreach` view)."""\n'
               "        return\n"),),
             ("tests/test_operations.py::test_suppress_and_mark_contacted",)),
    Mutation("http-cache", "test_operations::test_http_cache_for_development: responses stored, "
             "never replayed", "prospector/config/scrapy.py",
             (('        settings["HTTPCACHE_DIR"] = str(config.http_cache_dir.resolve())\n',
               '        settings["HTTPCACHE_DIR"] = str(config.http_cache_dir.resolve())\n'
               '        settings["HTTPCACHE_STORAGE"] = "prospector.config.scrapy.WriteOnlyCache"\n'),
              ("", _WRITE_ONLY_CACHE)),
             ("tests/test_operations.py::test_http_cache_for_development",)),
    Mutation("export-in-place", "test_export::test_export_replaces_atomically: a plain write_text",
             "prospector/report/export.py",
             (('    write_atomic(out, serialise(rows, fmt, bom=bom), newline="")',
               '    out.write_text(serialise(rows, fmt, bom=bom), "utf-8", newline="")'),),
             ("tests/test_export.py::test_export_replaces_atomically",)),
    Mutation("skip-set", "test_distributed::test_weekly_rerun_skips_recent_sites_across_workers: "
             "the worker ignores the skip set", "prospector/distributed/coordinator.py",
             (("                 skip=published.skip, validators=published.validators)",
               "                 skip=set(), validators=published.validators)"),),
             ("tests/test_distributed.py::test_weekly_rerun_skips_recent_sites_across_workers",)),
    Mutation("no-facts", "test_report::test_missing_facts_show_a_dash: report._fact always None",
             "prospector/report/render.py",
             (("def _fact(row: Mapping[str, Any], columns: tuple[str, ...]) -> Any:\n",
               "def _fact(row: Mapping[str, Any], columns: tuple[str, ...]) -> Any:\n    return None\n"),),
             ("tests/test_report.py::test_missing_facts_show_a_dash",)),
    Mutation("record-score", "test_report::test_tables_follow_the_views: every list shows the site "
             "record's score, not its own (the real bug)", "prospector/report/render.py",
             (("[[index[domain], round(score, 1), _points(breakdown, factors)]",
               "[[index[domain], records[index[domain]][SITE_FIELDS.index('score')],"
               " _points(breakdown, factors)]"),),
             ("tests/test_report.py::test_tables_follow_the_views",)),
)


def _mutate(text: str, edits: tuple[tuple[str, str], ...]) -> str | None:
    """`text` with every edit applied (to each place its text is in); None when an
    edit's text is not there (an empty text appends)."""
    for old, new in edits:
        if not old:
            text += new
        elif old not in text:
            return None
        else:
            text = text.replace(old, new)
    return text


def _pytest(copy: Path, tests: tuple[str, ...], log: Path) -> int:
    env = dict(os.environ, PYTHONPATH=str(copy))  # the copy's package before the editable install
    env.setdefault("PROSPECTOR_CORPUS", str(REPO.parent / "shared" / "corpus"))
    env.pop("PYTHONWARNINGS", None)
    with log.open("a") as out:
        return subprocess.run([sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider",
                               *tests], cwd=copy, env=env, stdout=out, stderr=subprocess.STDOUT,
                              check=False).returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="rows to run (default: all)")
    parser.add_argument("--list", action="store_true", help="list the rows and exit")
    parser.add_argument("--keep", action="store_true", help="keep the copy and its logs")
    args = parser.parse_args(argv)
    rows = [m for m in MUTATIONS if not args.names or m.name in args.names]
    if args.list or not rows:
        for m in MUTATIONS:
            print(f"{m.name:24} {m.row}")
        return 0 if rows else 2
    copy = Path(tempfile.mkdtemp(prefix="prospector-mutations-"))
    archive = subprocess.run(["git", "-C", str(REPO), "archive", "HEAD"], capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(copy)], input=archive.stdout, check=True)
    log = copy / "mutations.log"
    tests = tuple(dict.fromkeys(t for m in rows for t in m.tests))
    print(f"copy {copy} (HEAD); baseline: {len(tests)} tests unmutated ...", flush=True)
    if _pytest(copy, tests, log) != 0:
        print(f"baseline FAILED: the tests do not pass unmutated; see {log}")
        return 1
    survived = 0
    for m in rows:
        source = copy / m.file
        original = source.read_text(encoding="utf-8")
        mutated = _mutate(original, m.edits)
        if mutated is None:
            print(f"{'stale':9} {m.name:24} {m.row} (the mutated text is no longer in {m.file})")
            survived += 1
            continue
        started = time.monotonic()
        source.write_text(mutated, encoding="utf-8")
        try:
            code = _pytest(copy, m.tests, log)
        finally:
            source.write_text(original, encoding="utf-8")
        verdict = {0: "SURVIVED", 1: "killed"}.get(code, f"error {code}")
        survived += verdict != "killed"
        print(f"{verdict:9} {m.name:24} {m.row}  [{', '.join(m.tests)}; "
              f"{time.monotonic() - started:.0f} s]", flush=True)
    print(f"{len(rows) - survived} of {len(rows)} mutations killed")
    if args.keep:
        print(f"kept {copy}")
    else:
        subprocess.run(["rm", "-rf", str(copy)], check=False)
    return 0 if survived == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
