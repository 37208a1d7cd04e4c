"""Run one bench script on an earlier commit and on the working tree, side by side in
one run, alternating, so both meet the same load on this shared machine.

    .venv/bin/python bench/compare.py --base deff92d --rounds 2 -- bench/crawl.py --sites 200

The earlier commit is checked out in a temporary git worktree (removed after) and run
with the same interpreter; each side imports its own `prospector` (its folder comes
first on the module path). Only the lines holding a ratio or a rate are repeated at the
end, each side's in turn. Asserts nothing: read the figures.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# The lines worth comparing: every bench script prints its figures on such lines.
_FIGURE = re.compile(r"ratio|pages/s|µs/page|rows/s| / |MB", re.IGNORECASE)


def run(tree: Path, script: list[str]) -> str:
    env = dict(os.environ, PYTHONPATH=str(tree))
    result = subprocess.run([sys.executable, *script], cwd=tree, env=env, text=True,
                            capture_output=True, timeout=3600)
    if result.returncode != 0:
        return f"(exit {result.returncode}) {result.stderr.strip()[-500:]}"
    return result.stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", required=True, help="the earlier commit")
    parser.add_argument("--rounds", type=int, default=1, help="alternations (1)")
    parser.add_argument("script", nargs=argparse.REMAINDER, help="-- SCRIPT [ARGS]")
    args = parser.parse_args()
    script = [a for a in args.script if a != "--"]
    if not script:
        parser.error("give the bench script after --")
    base = subprocess.run(["git", "rev-parse", "--short", args.base], cwd=REPO, text=True,
                          capture_output=True, check=True).stdout.strip()
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, text=True,
                          capture_output=True, check=True).stdout.strip()
    with tempfile.TemporaryDirectory(prefix="prospector-base-") as folder:
        worktree = Path(folder) / "base"
        subprocess.run(["git", "worktree", "add", "--detach", str(worktree), base], cwd=REPO,
                       check=True, capture_output=True)
        try:
            outputs: dict[str, list[str]] = {base: [], f"{head}+": []}
            for n in range(args.rounds):
                # Alternate which side goes first, so neither always meets a cold cache.
                order = [(base, worktree), (f"{head}+", REPO)]
                for name, tree in order if n % 2 == 0 else order[::-1]:
                    out = run(tree, script)
                    outputs[name].append(out)
                    print(f"== round {n + 1}, {name} ({tree}):\n{out}", flush=True)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(worktree)], cwd=REPO,
                           capture_output=True)
    print(f"== side by side: {' '.join(script)} ({base} = base, {head}+ = working tree)")
    for name, runs in outputs.items():
        for n, out in enumerate(runs):
            for line in out.splitlines():
                if _FIGURE.search(line):
                    print(f"{name} round {n + 1}: {line.strip()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
