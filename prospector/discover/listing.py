"""`prospector discover`'s output: the candidates with their source and why, as a table,
CSV or JSON (an array of objects with domain, url, source, why and rank)."""

from __future__ import annotations

import csv
import json
from typing import TextIO

from prospector.models import Candidate
from prospector.report.terminal import clean, table_lines

COLUMNS = ("domain", "source", "why", "url")


def write_candidates(candidates: list[Candidate], fmt: str, out: TextIO, width: int = 0) -> None:
    """`fmt`: table (cut to `width` columns, 0 no limit) | csv | json."""
    rows = [[c.domain, c.source, c.why, c.url] for c in candidates]
    if fmt == "json":
        json.dump([{**dict(zip(COLUMNS, r, strict=True)), "rank": c.rank}
                   for r, c in zip(rows, candidates, strict=True)], out, ensure_ascii=False)
        out.write("\n")
    elif fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        # Search titles and seed lines are outside text: no control characters in a terminal.
        writer.writerows([list(COLUMNS), *([clean(v) for v in r] for r in rows)])
    else:
        for line in table_lines(list(COLUMNS), rows, width):
            out.write(line + "\n")
