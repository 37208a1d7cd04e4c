"""`python bench/bounds.py`: CPU seconds of `extract_page` on the parser bombs (issue 23),
with the bounded parser input (extract/bounds.py) and without it, in the same run; and
what its gate costs a real page (over the corpus bench/extract.py reads).

The pages are the hostile sample web's (sampleweb/hostile.py: deep.test, attributes.test,
misnested.test) plus 30,000 nested <div>s. "unbounded" is extract_page with the
pre-pass switched off, as it was before; it takes minutes on the biggest pages, so
`--bounded-only` leaves it out.

    .venv/bin/python bench/bounds.py [--bounded-only] [--paired ROUNDS]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import prospector.extract as extract
from prospector.extract import bounds
from prospector.models import PageFacts
from prospector.sampleweb import hostile


def pages() -> dict[str, tuple[bytes, str]]:
    """name → (body, the contact it gives before its bomb)."""
    nested = ("<!DOCTYPE html><html><head><title>Bees</title></head><body><p>Write to "
              '<a href="mailto:keeper@nested.test">keeper@nested.test</a></p>'
              + "<div>" * 30_000 + "honey" + "</div>" * 30_000 + "</body></html>").encode()
    found = {f"{host} ({hostile.parser_bomb(host).count(b'<'):,} tags)":
             (hostile.parser_bomb(host), email) for host, email in hostile.PARSER_CONTACTS.items()}
    return {**found, "30,000 nested <div>s": (nested, "keeper@nested.test")}


def timed(body: bytes) -> tuple[float, PageFacts]:
    started = time.process_time()
    facts = extract.extract_page("http://bees.test/", body, "text/html; charset=utf-8")
    return time.process_time() - started, facts


def gate_cost(rounds: int = 5) -> str:
    """What the pre-pass costs a real page: `bounds.suspect` over the corpus (bench/
    extract.py's pages), best of `rounds` rounds, CPU clock."""
    from bench_extract import default_corpus, load_pages

    bodies = [body.lower() for _, body in load_pages(default_corpus())]
    best = float("inf")
    for _ in range(rounds):
        started = time.process_time()
        suspects = sum(bounds.suspect(body) for body in bodies)
        best = min(best, time.process_time() - started)
    capped = sum(bool(bounds.bound_markup(body, None)[1]) for body in bodies)
    return (f"corpus ({len(bodies)} pages, {sum(map(len, bodies)) / len(bodies) / 1024:.1f} KB"
            f" average): pre-pass gate {best / len(bodies) * 1e6:.1f} µs/page CPU (best of"
            f" {rounds}), {suspects} pages suspect, {capped} capped")


def paired_cost(rounds: int) -> str:
    """extract_page over the corpus with the pre-pass and without it, each page timed
    both ways back to back (the order alternating by round), best of `rounds`, CPU."""
    from bench_extract import default_corpus, load_pages

    pages = load_pages(default_corpus())
    best = {"with": [float("inf")] * len(pages), "without": [float("inf")] * len(pages)}
    ways = [("with", bounds.bound_markup), ("without", lambda *_a, **_k: (None, ()))]
    for round_ in range(rounds):
        for i, (url, body) in enumerate(pages):
            for way, gate in ways if round_ % 2 == 0 else ways[::-1]:
                with mock.patch.object(extract, "bound_markup", gate):
                    started = time.process_time()
                    extract.extract_page(url, body, "text/html")
                    best[way][i] = min(best[way][i], time.process_time() - started)
    with_, without = (sum(best[w]) / len(pages) * 1e6 for w in ("with", "without"))
    return (f"corpus extract_page, paired, best of {rounds}: with the pre-pass {with_:,.0f}"
            f" µs/page, without {without:,.0f} µs/page ({with_ - without:+.0f} µs,"
            f" x{with_ / without:.3f})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bounded-only", action="store_true",
                        help="leave out the unbounded parse (minutes on the biggest pages)")
    parser.add_argument("--paired", type=int, default=0, metavar="ROUNDS",
                        help="also time extract_page over the corpus with and without the "
                             "pre-pass, paired, best of ROUNDS")
    args = parser.parse_args(argv)
    for name, (body, email) in pages().items():
        seconds, facts = timed(body)
        kept = email in {c.value for c in facts.contacts}
        line = (f"{name}: {len(body):,} bytes; bounded {seconds:.3f} s CPU, capped "
                f"{','.join(facts.capped) or '-'}, contact {'kept' if kept else 'LOST'}")
        if not args.bounded_only:
            with mock.patch.object(extract, "bound_markup", lambda *_a, **_k: (None, ())):
                unbounded, _ = timed(body)
            line += f"; unbounded {unbounded:.2f} s CPU"
        print(line, flush=True)
    print(gate_cost(), flush=True)
    if args.paired:
        print(paired_cost(args.paired), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
