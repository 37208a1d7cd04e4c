"""`python bench/bounds.py`: CPU seconds of `extract_page` on the parser bombs (issue 23),
with the bounded parser input (extract/bounds.py) and without it, in the same run; and
what its gate costs a real page (over the corpus bench/extract.py reads).

The pages are the hostile sample web's (sampleweb/hostile.py: deep.test, attributes.test,
misnested.test) plus 30,000 nested <div>s. "unbounded" is extract_page with the
pre-pass switched off, as it was before; it takes minutes on the biggest pages, so
`--bounded-only` leaves it out.

    .venv/bin/python bench/bounds.py [--bounded-only]
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
from prospector.sampleweb import hostile


def pages() -> dict[str, tuple[bytes, str]]:
    """name → (body, the contact it gives before its bomb)."""
    nested = ("<!DOCTYPE html><html><head><title>Bees</title></head><body><p>Write to "
              '<a href="mailto:keeper@nested.test">keeper@nested.test</a></p>'
              + "<div>" * 30_000 + "honey" + "</div>" * 30_000 + "</body></html>").encode()
    found = {f"{host} ({hostile.parser_bomb(host).count(b'<'):,} tags)":
             (hostile.parser_bomb(host), email) for host, email in hostile.PARSER_CONTACTS.items()}
    return {**found, "30,000 nested <div>s": (nested, "keeper@nested.test")}


def timed(body: bytes) -> tuple[float, extract.PageFacts]:
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bounded-only", action="store_true",
                        help="leave out the unbounded parse (minutes on the biggest pages)")
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
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
