"""Store benchmark: rows/s of the pipeline's DuckDB writes (Store.add_pages, batches of
200 pages with their contacts and links) against DuckDB's own `read_json` of the same
rows, measured in the same run.

    .venv/bin/python bench/store.py [--pages N]

Prints figures and the ratio; asserts nothing (these machines are shared and noisy).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from prospector.models import Contact, FetchedPage, Link, PageFacts  # noqa: E402
from prospector.store.db import Store  # noqa: E402


def make_pages(n: int) -> list[FetchedPage]:
    pages = []
    for i in range(n):
        site = f"site{i // 6}.test"
        url = f"http://{site}/page{i % 6}"
        facts = PageFacts(
            url=url, domain=site, title=f"Page {i}", text="beekeeping " * 200,
            contacts=(Contact("email", f"owner{i}@{site}", url, "mailto", 0.9, "personal"),),
            links=tuple(Link(url, f"http://other{(i + k) % 997}.test/", f"other{(i + k) % 997}.test",
                             "a link", "content") for k in range(5)),
            platform="wordpress", kind="blog")
        pages.append(FetchedPage(site, url, 200, "text/html", 19_000, facts))
    return pages


def rows_of(pages: list[FetchedPage]) -> int:
    return sum(1 + len(p.facts.contacts) + len(p.facts.links) for p in pages)


def bench_store(pages: list[FetchedPage], folder: Path) -> float:
    with Store.open(folder / "store.duckdb") as store:
        run = store.start_run("beekeeping", "{}")
        started = time.perf_counter()
        for i in range(0, len(pages), 200):
            store.add_pages(run, pages[i:i + 200])
        return time.perf_counter() - started


def bench_read_json(pages: list[FetchedPage], folder: Path) -> float:
    """DuckDB's own bulk path for the same rows: JSONL files read by read_json."""
    files = {"pages": folder / "pages.jsonl", "contacts": folder / "contacts.jsonl",
             "links": folder / "links.jsonl"}
    with files["pages"].open("w") as fp, files["contacts"].open("w") as fc, \
            files["links"].open("w") as fl:
        for p in pages:
            fp.write(json.dumps({"url": p.url, "domain": p.site, "status": p.status,
                                 "title": p.facts.title, "text": p.facts.text}) + "\n")
            for c in p.facts.contacts:
                fc.write(json.dumps({"domain": p.site, "kind": c.kind, "value": c.value,
                                     "source_url": c.source_url}) + "\n")
            for link in p.facts.links:
                fl.write(json.dumps({"source_url": link.source_url,
                                     "target_url": link.target_url}) + "\n")
    with Store.open(folder / "json.duckdb") as store:
        started = time.perf_counter()
        for table, path in files.items():
            store.con.execute(f"CREATE TABLE bench_{table} AS SELECT * FROM read_json(?)",
                              [str(path)])
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    pages = make_pages(args.pages)
    rows = rows_of(pages)
    store_best = json_best = float("inf")
    for _ in range(args.rounds):
        with tempfile.TemporaryDirectory() as tmp:
            store_best = min(store_best, bench_store(pages, Path(tmp)))
        with tempfile.TemporaryDirectory() as tmp:
            json_best = min(json_best, bench_read_json(pages, Path(tmp)))
    print(f"{args.pages} pages = {rows} rows (pages + contacts + links)")
    print(f"Store.add_pages (batches of 200): {store_best:.2f} s = {rows / store_best:,.0f} rows/s")
    print(f"DuckDB read_json of the same rows: {json_best:.2f} s = {rows / json_best:,.0f} rows/s")
    print(f"ratio store / read_json = {json_best / store_best:.2f} (goal >= 0.5)")


if __name__ == "__main__":
    main()
