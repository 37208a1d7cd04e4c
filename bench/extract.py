"""`python bench/extract.py`: µs/page of extract_page vs a plain lxml parse + link walk.

The work is in bench/bench_extract.py; this is the entry point the issue names.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_extract import main

if __name__ == "__main__":
    raise SystemExit(main())
