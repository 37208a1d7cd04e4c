"""Query results as a plain-text table that fits a terminal, as DuckDB's own CLI prints
them: long cells (the JSON score breakdowns run to thousands of characters) are cut
with `…` so every row stays one line. CSV and JSON output stay whole."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

ELLIPSIS = "…"
GAP = "  "  # between columns
MIN_CELL = 3  # a cut cell keeps at least two characters and the ellipsis


def clean(value: Any) -> str:
    """Terminal-safe text: scraped data may carry control characters."""
    text = "" if value is None else str(value)
    return "".join(ch if ch.isprintable() else " " for ch in text)


def cut(text: str, width: int) -> str:
    """`text` in at most `width` characters, the cut marked with an ellipsis."""
    if len(text) <= width:
        return text
    return text[: max(0, width - 1)] + ELLIPSIS if width > 0 else ""


def column_widths(natural: Sequence[int], max_width: int) -> list[int]:
    """Each column's width so the row fits `max_width` (0: no limit): narrow columns
    keep their natural width, the widest share what is left equally ("water filling")."""
    if max_width <= 0 or not natural:
        return list(natural)
    room = max_width - len(GAP) * (len(natural) - 1)
    if sum(natural) <= room:
        return list(natural)
    low, high = MIN_CELL, max(natural)
    while low < high:  # the largest cap whose columns still fit
        cap = (low + high + 1) // 2
        if sum(min(n, cap) for n in natural) <= room:
            low = cap
        else:
            high = cap - 1
    return [min(n, low) for n in natural]


def table_lines(columns: Sequence[str], rows: Sequence[Sequence[Any]],
                max_width: int = 0) -> list[str]:
    """Header, rule and rows, aligned; each line at most `max_width` characters when
    the columns fit at their minimum width (a very wide result is cut at the edge)."""
    cells = [[clean(c) for c in columns]] + [[clean(v) for v in row] for row in rows]
    natural = [max(len(row[i]) for row in cells) for i in range(len(columns))]
    widths = column_widths(natural, max_width)
    lines: list[str] = []
    for n, row in enumerate(cells):
        line = GAP.join(cut(v, w).ljust(w) for v, w in zip(row, widths, strict=True)).rstrip()
        lines.append(cut(line, max_width) if max_width > 0 else line)
        if n == 0:
            rule = GAP.join("-" * w for w in widths)
            lines.append(cut(rule, max_width) if max_width > 0 else rule)
    return lines
