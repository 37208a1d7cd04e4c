"""Report speed and size at 10,000 sites: seconds and bytes of `write_report`.

Builds a seeded random DB with the real Store (sites, pages, 0-4 contacts a site, ~8
links a site, scores), then times `write_report` best of 3. For scale, the same run
measures a baseline: `json.dumps` of the `prospects` rows plus a string join, i.e. the
floor any report of these rows pays. Goal: ≤ 2 s and ≤ 5 MB.

    .venv/bin/python bench/bench_report.py [--sites N]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from prospector.models import Candidate, Contact, FetchedPage, Link, PageFacts
from prospector.report.render import write_report
from prospector.score import rescore
from prospector.store.db import Store

KINDS = ["forum", "blog", "newsletter", "shop", "other"]
PLATFORMS = ["phpbb", "wordpress", "xenforo", "discourse", "ghost", "substack", ""]


def build(path: Path, n: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    domains = [f"site{i:05d}.test" for i in range(n)]
    with Store.open(path) as store:
        run = store.start_run("beekeeping", "{}")
        store.add_candidates(run, [Candidate(f"https://{d}/", d, f"search: beekeeping forum {i % 50}")
                                   for i, d in enumerate(domains)])
        for start in range(0, n, 2000):
            pages = []
            for d in domains[start:start + 2000]:
                contacts = tuple(
                    Contact(kind, value, f"https://{d}/contact", "text", rng.random(), role)
                    for kind, value, role in rng.sample([
                        ("email", f"editor@{d}", "role"),
                        ("email", f"jane.doe{rng.randrange(99)}@{d}", "personal"),
                        ("form", f"https://{d}/contact/", ""),
                        ("social", f"https://twitter.com/{d.split('.')[0]}", "twitter"),
                    ], rng.randrange(5)))
                # Authority is skewed as on the web: a few hubs get most links.
                targets = {domains[min(n - 1, int(rng.paretovariate(1.2)) - 1 + rng.randrange(3))]
                           if rng.random() < 0.5 else rng.choice(domains) for _ in range(8)}
                links = tuple(Link(f"https://{d}/", f"https://{t}/", t, "a friend", "blogroll")
                              for t in targets if t != d)
                facts = PageFacts(url=f"https://{d}/", domain=d,
                                  title=f"{d.split('.')[0].title()} – notes on beekeeping",
                                  text="beekeeping " * rng.randrange(40), contacts=contacts,
                                  links=links, kind=rng.choice(KINDS), platform=rng.choice(PLATFORMS))
                pages.append(FetchedPage(d, f"https://{d}/", 200, "text/html", 1000, facts))
            store.add_pages(run, pages)
        store.finish_run(run, "done")
        rescore(store)


def baseline(store: Store, out: Path) -> float:
    """Only serialise the rows: the cost of reading and writing the data, no report."""
    t0 = time.perf_counter()
    rows = store.rows("SELECT * FROM prospects")
    out.write_text("".join(json.dumps(r, default=str) + "\n" for r in rows), "utf-8")
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-report-") as tmp:
        db, out = Path(tmp) / "b.duckdb", Path(tmp) / "report.html"
        t0 = time.perf_counter()
        build(db, args.sites)
        print(f"built {args.sites} sites in {time.perf_counter() - t0:.1f} s")
        with Store.open(db, read_only=True) as store:
            counts = store.rows("SELECT (SELECT count(*) FROM contacts) AS contacts,"
                                " (SELECT count(*) FROM links) AS links")[0]
            times = []
            for _ in range(3):
                t0 = time.perf_counter()
                write_report(store, out)
                times.append(time.perf_counter() - t0)
            base = min(baseline(store, Path(tmp) / "base.jsonl") for _ in range(3))
        size = out.stat().st_size
        best = min(times)
        print(f"sites={args.sites} contacts={counts['contacts']} links={counts['links']}")
        print(f"write_report: best of 3 {best:.3f} s, {size:,} bytes ({size / 1e6:.2f} MB)")
        print(f"baseline (json.dumps + join of prospects): {base:.3f} s; report/baseline = "
              f"{best / base:.1f}x")
        print(f"goal <= 2 s and <= 5 MB: {'met' if best <= 2 and size <= 5e6 else 'MISSED'}")


if __name__ == "__main__":
    main()
