"""Imported by the extraction pool's forkserver only (prospector.crawl.workers `_PRELOAD`):
one small page read at import, so every worker forked from it starts warm.

The first extraction in a process builds what the extractor makes lazily (compiled
patterns, the public-suffix list, parser state): ≈ 35 ms of CPU here, against 0.4 ms
for the same page after. Paid in the forkserver, once, it is inherited by each worker;
paid in each worker, it came out of the first page's CPU deadline and again after every
recycling.
"""

from __future__ import annotations

from prospector.crawl.worker_process import warm_up

warm_up()
