"""Mutation testing (mutmut) of the modules where a silent error costs most, each against
its own fast unit tests: `make mutate`, or

    .venv/bin/python scripts/mutate.py [MODULE ...] [--jobs N] [--keep]

MODULE is a name of TARGETS (default: all). Each runs in its own copy of the committed
code (`git archive HEAD` into a temporary folder; the working tree is never touched),
with a mutmut config written there. Prints, per module, killed / survived / total and
the kill rate; survivors listed in EQUIVALENT (mutants no test can kill, each with its
reason) are left out of the rate and counted apart; a mutant whose tests time out
counts as killed. Not part of `make test` or CI: it
takes minutes (about 1-2 mutants a second per job). Exit 1 when a module is under 85 %.
Needs the `mutate` extra: `.venv/bin/pip install -e '.[mutate]'`.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
GOAL = 0.85


@dataclass(frozen=True)
class Target:
    name: str
    module: str  # the file mutated
    tests: tuple[str, ...]  # its fast unit tests (files or node ids)
    select: str = ""  # a pytest -k expression, when a file holds slow tests too


TARGETS: tuple[Target, ...] = (
    # E-mail extraction: the readers' core, every way an address is written on a page.
    Target("emails", "prospector/extract/emails.py",
           ("tests/test_extract_emails.py", "tests/test_kill_emails.py")),
    # The junk filter and the address forms every reader shares (is_junk_email,
    # normalize_email, roles, spelled-out and entity forms).
    Target("addresses", "prospector/extract/addresses.py",
           ("tests/test_extract_emails.py", "tests/test_kill_addresses.py")),
    # The export's cell guard (formula neutralising, web-only URLs, the CSV/JSON shape).
    # In-process tests only: test_export.py's CLI tests run the export in a subprocess,
    # which mutmut cannot map to a mutant (they would only slow every run down).
    Target("export", "prospector/report/export.py",
           ("tests/test_export.py::test_neutralise", "tests/test_kill_export.py",
            "tests/test_doors.py::test_export_urls_are_web_addresses_only")),
    # The address guard against requests to private, loopback and link-local hosts.
    Target("guard", "prospector/crawl/middlewares/guard.py",
           ("tests/test_hostile.py", "tests/test_doors.py", "tests/test_kill_guard.py"),
           select="refus or public or resolv or guard or literal or address_kind or private_name"),
    # Score factors: each factor's curve and bounds.
    Target("factors", "prospector/score/factors.py", ("tests/test_score.py", "tests/test_kill_factors.py"),
           select="not 10000"),
)

# Survivors no test can kill, by mutmut's name, with why (the behaviour is unchanged).
# mutmut numbers a function's mutants in order: an edit of the function renumbers them,
# so check `mutmut show NAME` in a --keep copy before adding or trusting a name here.
EQUIVALENT: dict[str, str] = {
    "prospector.score.factors.x_clamp__mutmut_4": "x <= 0 → 0.0: at x == 0 the original returns x, also 0",
    "prospector.score.factors.x_clamp__mutmut_9": "x >= 1 → 1.0: at x == 1 the original returns x, also 1",
    "prospector.score.factors.x_reachability__mutmut_13":
        "role None read as 'XXroleXX': not in the table, so the 0.8 default, the role value",
    "prospector.score.factors.x_reachability__mutmut_14": "the same with 'ROLE'",
    "prospector.score.factors.x_deal_list__mutmut_4": "'XXXX' for no signals is no deal either: []",
    "prospector.score.factors.x_activity__mutmut_2": "days < FRESH: at FRESH the curve gives 0.5**0 = 1.0",
    "prospector.score.factors.x__log_scale__mutmut_3": "x < floor: at the floor log(1) = 0 either way",
    "prospector.score.factors.x_relevance__mutmut_2": "bm25 < 0: at 0 the share is 0/ref = 0 either way",
    "prospector.report.export.x__record__mutmut_37": "no url read as 'XXXX': no web address, '' either way",
    **{f"prospector.report.export.x_write_export__mutmut_{n}":
       "newline None (or left out) writes '\\n' as os.linesep, '\\n' on POSIX: the same bytes"
       for n in (31, 34)},
    **{f"prospector.report.export.x_serialise__mutmut_{n}": "ensure_ascii=None is falsy, as False is"
       for n in (19, 35)},
    "prospector.report.export.x_serialise__mutmut_47": "csv's default lineterminator is '\\r\\n' already",
    **{f"prospector.crawl.middlewares.guard.x_{name}": "a maxsplit change where only part [0] is read"
       for name in ("scheme_refusal__mutmut_8", "scheme_refusal__mutmut_11", "url_refusal__mutmut_8",
                    "url_refusal__mutmut_11", "url_refusal__mutmut_18", "url_refusal__mutmut_23",
                    "url_refusal__mutmut_28", "url_refusal__mutmut_40", "url_refusal__mutmut_43",
                    "url_refusal__mutmut_46")},
    "prospector.crawl.middlewares.guard.x__raw_host__mutmut_6":
        "rstrip('XX.XX'): urlsplit's hostname is lower-case, so there is no 'X' to strip",
    "prospector.crawl.middlewares.guard.xǁAddressGuardǁprocess_request__mutmut_16":
        "rstrip('XX.XX'): ascii_host's result is lower-case, so there is no 'X' to strip",
    **{f"prospector.crawl.middlewares.guard.xǁAddressGuardǁ{name}": "self.proxy is read nowhere"
       for name in ("__init____mutmut_1", "__init____mutmut_3", "from_crawler__mutmut_4",
                    "from_crawler__mutmut_6")},
    **{f"prospector.crawl.middlewares.guard.x_resolve__mutmut_{n}": "the lookup thread's name is a label only"
       for n in (15, 18, 20)},
    **{f"prospector.extract.addresses.x_{name}": "'UTF-8' and 'utf-8' name the same codec"
       for name in ("cf_decode__mutmut_14", "cf_encode__mutmut_6")},
    **{f"prospector.extract.addresses.x_{name}": "a maxsplit change where only part [0] or [-1] is read"
       for name in ("parse_mailto__mutmut_12", "parse_mailto__mutmut_16", "_hosts__mutmut_4",
                    "_hosts__mutmut_7", "_hosts__mutmut_10", "email_role__mutmut_11",
                    "email_role__mutmut_14", "email_role__mutmut_17", "is_junk_email__mutmut_15",
                    "is_junk_email__mutmut_18", "is_junk_email__mutmut_41", "is_junk_email__mutmut_44")},
    **{f"prospector.extract.emails.x_{name}": why for names, why in (
        (("_makers__mutmut_8", "_makers__mutmut_16", "_makers__mutmut_25", "_makers__mutmut_32",
          "find_emails__mutmut_25"),
         "an absent attribute read as 'XXXX' instead of '': no maker name, rel, address or mailto either"),
        (("_entities__mutmut_5", "_entities__mutmut_6", "_entities__mutmut_36"),
         "the reference cache or the seen-chunk set off: the same addresses, computed again"),
        (("_entities__mutmut_31",),
         "a chunk without '&' holds only plainly written addresses, which the loop skips"),
        (("_credit_line__mutmut_6", "_credit_line__mutmut_23", "find_emails__mutmut_7"),
         "'UTF-8' and 'utf-8' name the same codec"),
        (("_credit_line__mutmut_7", "_credit_line__mutmut_8"),
         "an address at offset 0 has no text before it: no credit line either way"),
        (("_mailto__mutmut_1",), "parse_mailto itself returns nothing for a href that is no mailto:"),
        (("_cfemail__mutmut_11", "_link_tags__mutmut_5"),
         "an absent attribute read as 'XXXX': no Cloudflare payload, no mailto: either"),
        (("site_contacts__mutmut_15",), "partition and rpartition agree on a normalised address's one '@'"),
    ) for name in names},
    **{f"prospector.extract.addresses.x_{name}": why for names, why in (
        (("email_role__mutmut_5", "on_test_domain__mutmut_5", "on_test_domain__mutmut_11"),
         "a maxsplit change where only part [0] or [-1] is read"),
        (("email_role__mutmut_12",), "split and rsplit agree on a normalised address's one '@'"),
        (("normalize_email__mutmut_17", "normalize_email__mutmut_22", "normalize_email__mutmut_28"),
         "the candidate is already trimmed of dots and spaces at both ends, and lower-cased"),
        (("declared__mutmut_3", "declared__mutmut_4", "declared__mutmut_5"),
         "a 'mailto:' left on: normalize_email strips it, the spelled-out reader starts after ':'"),
        (("_hosts__mutmut_2", "_hosts__mutmut_3"), "a host's trailing dot: normalize_email trims it"),
        (("_hosts__mutmut_29",), "hosts of 0 or 1 words: '' or a bare suffix, never an address"),
    ) for name in names},
    # Not equivalent, but observable only at interpreter exit (a non-daemon lookup thread
    # still waiting on a hung resolver holds the process): outside what a fast test sees.
    **{f"prospector.crawl.middlewares.guard.x_resolve__mutmut_{n}": "daemon flag: seen only at exit"
       for n in (16, 19, 21)},
}


def _copy() -> Path:
    copy = Path(tempfile.mkdtemp(prefix="prospector-mutate-"))
    archive = subprocess.run(["git", "-C", str(REPO), "archive", "HEAD"], capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(copy)], input=archive.stdout, check=True)
    return copy


def _config(target: Target, copy: Path) -> str:
    tests = [t for t in target.tests if (copy / t.split("::")[0]).exists()]
    args = ["-p", "no:cacheprovider", "-q", "-m", "not crawl"]
    if target.select:
        args += ["-k", target.select]
    lines = ["[mutmut]", "source_paths=prospector", f"only_mutate={target.module}",
             "pytest_add_cli_args_test_selection=" + "\n    ".join(tests),
             "pytest_add_cli_args=" + "\n    ".join(args),
             # mutmut's default waits 15× the tests' time on a mutant that loops forever
             # (text_addresses' scan loops: ≈ 10 min each on a loaded machine); 3× is
             # still far above any honest run's noise.
             "timeout_multiplier=3"]
    return "\n".join(lines) + "\n"


def count(copy: Path, env: dict[str, str]) -> tuple[int, int, int, list[str]]:
    """(killed, survived, equivalent, surviving names) of the mutmut run in `copy`."""
    mutmut = str(Path(sys.executable).with_name("mutmut"))
    subprocess.run([mutmut, "export-cicd-stats"], cwd=copy, env=env, capture_output=True, check=False)
    stats = json.loads((copy / "mutants" / "mutmut-cicd-stats.json").read_text())
    listing = subprocess.run([mutmut, "results"], cwd=copy, env=env, capture_output=True,
                             text=True, check=False).stdout
    # A mutant that makes its tests run past mutmut's time limit counts as killed (the
    # tests told it apart), as in mutmut's and cosmic-ray's own reports.
    survivors = [line.split(":")[0].strip() for line in listing.splitlines()
                 if line.strip().endswith(("survived", "no tests", "suspicious"))]
    equivalent = [s for s in survivors if s in EQUIVALENT]
    killed = int(stats["killed"]) + int(stats["timeout"])
    return killed, len(survivors) - len(equivalent), len(equivalent), [
        s for s in survivors if s not in EQUIVALENT]


def run_target(target: Target, jobs: int, keep: bool) -> tuple[int, int, int, list[str]]:
    """(killed, survived, equivalent, surviving names) of one module."""
    copy = _copy()
    try:
        # The copy's own pyproject must not carry a [tool.mutmut] (it would win).
        (copy / "setup.cfg").write_text(_config(target, copy), encoding="utf-8")
        env = dict(os.environ)
        env.setdefault("PROSPECTOR_CORPUS", str(REPO.parent / "shared" / "corpus"))
        env.pop("PYTHONWARNINGS", None)
        # mutmut 3 goes on when the unmutated tests fail (every mutant then "killed"):
        # they must pass first.
        tests = [t for t in target.tests if (copy / t.split("::")[0]).exists()]
        select = ["-k", target.select] if target.select else []
        clean = subprocess.run([sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider",
                                "-m", "not crawl", *select, *tests], cwd=copy,
                               env=dict(env, PYTHONPATH=str(copy)), capture_output=True, text=True,
                               check=False)
        if clean.returncode != 0:
            raise SystemExit(f"{target.name}: its tests fail unmutated:\n{clean.stdout[-3000:]}")
        mutmut = str(Path(sys.executable).with_name("mutmut"))
        with (copy / "mutmut.log").open("w") as log:
            subprocess.run([mutmut, "run", "--max-children", str(jobs)], cwd=copy, env=env,
                           stdout=log, stderr=subprocess.STDOUT, check=False)
        return count(copy, env)
    finally:
        if keep:
            print(f"  kept {copy}")
        else:
            shutil.rmtree(copy, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", help=f"of {', '.join(t.name for t in TARGETS)}")
    parser.add_argument("--jobs", type=int, default=1, help="mutants run at once (default 1)")
    parser.add_argument("--keep", action="store_true", help="keep each copy (mutmut browse there)")
    parser.add_argument("--recount", metavar="COPY", type=Path,
                        help="count a kept copy's finished run again (after EQUIVALENT changed)")
    args = parser.parse_args(argv)
    if args.recount:
        killed, survived, equivalent, names = count(args.recount, dict(os.environ))
        print(f"killed {killed} survived {survived} equivalent {equivalent} "
              f"rate {killed / max(1, killed + survived):.1%}")
        print("\n".join(f"    survived: {name}" for name in names))
        return 0
    unknown = set(args.modules) - {t.name for t in TARGETS}
    if unknown:
        print(f"unknown module(s): {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    low = 0
    for target in (t for t in TARGETS if not args.modules or t.name in args.modules):
        started = time.monotonic()
        killed, survived, equivalent, names = run_target(target, args.jobs, args.keep)
        judged = killed + survived
        rate = killed / judged if judged else 0.0
        low += rate < GOAL
        print(f"{target.name:10} {target.module:40} killed {killed:4} survived {survived:3} "
              f"equivalent {equivalent:2} rate {rate:6.1%} ({time.monotonic() - started:.0f} s)",
              flush=True)
        for name in names:
            print(f"    survived: {name}")
    return 1 if low else 0


if __name__ == "__main__":
    sys.exit(main())
