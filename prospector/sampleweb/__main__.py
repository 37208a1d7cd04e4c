"""`python -m prospector.sampleweb [--host H] [--port N] [--seed N] [--today YYYY-MM-DD] [--hostile]
[--bulk-sites N [--bulk-pages N]]`

Prints exactly one line `PORT=<n>` once listening, then serves until SIGINT/SIGTERM.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date

from .bulk import BulkWeb
from .server import serve


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m prospector.sampleweb",
                                 description="Serve the beekeeping sample web on loopback.")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0, help="0 picks a free port")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--today", type=date.fromisoformat, default=None,
                    help="date the web is built for (default: current UTC date)")
    ap.add_argument("--access-log", action="store_true", help="log every request to stderr")
    ap.add_argument("--hostile", action="store_true",
                    help="also serve the hostile hosts (traps, bombs, poisoned pages; see hostile.py)")
    ap.add_argument("--bulk-sites", type=int, default=0, metavar="N",
                    help="also serve N bulk niche sites, rendered on request (see bulk.py); "
                    "their home pages are listed at /bulk-seeds.txt")
    ap.add_argument("--bulk-pages", type=int, default=10, metavar="N",
                    help="pages per bulk site, home included (10)")
    args = ap.parse_args(argv)
    bulk = None
    if args.bulk_sites:
        try:
            bulk = BulkWeb(args.seed, args.bulk_sites, args.bulk_pages)
        except ValueError as exc:
            ap.error(str(exc))

    def ready(port: int) -> None:
        print(f"PORT={port}", flush=True)

    serve(args.host, args.port, args.seed, args.today, ready, args.access_log, args.hostile,
          bulk)
    return 0


if __name__ == "__main__":
    sys.exit(main())
