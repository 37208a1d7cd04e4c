"""The tree shows the flow (issue 19): no import cycle, even through imports inside
functions; small modules and functions; one package installed.

The import graph is read with `ast`, not by importing: every `import` and `from … import`
anywhere in a module (functions included) is an edge. A package's implicit import of its
parent `__init__` is not an edge: Python needs it for every submodule, and a cycle
through it is not one a reader has to untangle."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "prospector"
# Vocabularies and the sample web's page templates are long by nature: lists of words
# and of markup, not logic (the exception).
LONG_MODULES_ALLOWED = ("prospector/extract/vocab/",
                        "prospector/sampleweb/")
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 60


def modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(REPO).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def _imported(module: str, path: Path, known: dict[str, Path]) -> Iterator[str]:
    """The project modules `module` imports, anywhere in its body."""
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".")
                anchor = anchor if is_package else anchor[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            # `from pkg import name`: name may be a submodule or an attribute.
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                       for alias in node.names]
        else:
            continue
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != module:
                yield target


def import_graph() -> dict[str, set[str]]:
    known = modules()
    return {name: set(_imported(name, path, known)) for name, path in known.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of `graph` as a path [a, b, …, a], or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: finished
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt):], nxt]
            if nxt not in state:
                cycle = visit(nxt)
                if cycle:
                    return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            cycle = visit(node)
            if cycle:
                return cycle
    return None


def test_the_cycle_finder_finds_a_planted_cycle() -> None:
    graph = import_graph()
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    # A real edge turned back on itself: crawl.run imports config.scrapy.
    assert "prospector.config.scrapy" in graph["prospector.crawl.run"]
    graph["prospector.config.scrapy"].add("prospector.crawl.run")
    assert find_cycle(graph) is not None


def test_no_import_cycle() -> None:
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " → ".join(cycle or [])


def test_only_crawl_and_distributed_know_scrapy() -> None:
    """Extraction, scoring and the store stay pure of Scrapy (the design's data flow)."""
    for name, path in modules().items():
        if name.startswith(("prospector.extract", "prospector.score", "prospector.store",
                            "prospector.discover", "prospector.report")):
            tree = ast.parse(path.read_text("utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom | ast.Import):
                    names = [node.module or ""] if isinstance(node, ast.ImportFrom) else [
                        a.name for a in node.names]
                    assert not any(n.split(".")[0] in ("scrapy", "twisted") for n in names), \
                        f"{path.relative_to(REPO)}:{node.lineno} imports Scrapy"


def _allowed_long(path: Path) -> bool:
    rel = path.relative_to(REPO).as_posix()
    return rel.startswith(LONG_MODULES_ALLOWED)


def test_modules_and_functions_are_small() -> None:
    too_long: list[str] = []
    for path in modules().values():
        text = path.read_text("utf-8")
        lines = text.count("\n")
        if lines > MAX_MODULE_LINES and not _allowed_long(path):
            too_long.append(f"{path.relative_to(REPO)}: {lines} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                assert node.end_lineno is not None
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES and not _allowed_long(path):
                    too_long.append(f"{path.relative_to(REPO)}:{node.lineno} {node.name}() "
                                    f"{length} lines")
    assert not too_long, "\n".join(too_long)


@pytest.mark.skipif(os.environ.get("PROSPECTOR_SKIP_WHEEL") == "1",
                    reason="PROSPECTOR_SKIP_WHEEL=1")
def test_the_wheel_installs_only_prospector(tmp_path: Path) -> None:
    """`pip install .` puts one top-level package into site-packages: `prospector`
    (not `spiders` or `reports`, names generic enough to clash with anything)."""
    # Built from a copy of what `git` tracks, with the top-level folders a checkout has,
    # so the build writes nothing into the checkout and sees no stray build output.
    source = tmp_path / "src"
    tracked = subprocess.run(["git", "ls-files"], cwd=REPO, check=True, capture_output=True,
                             text=True).stdout.split()
    for name in tracked:
        if (REPO / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, source / name)
    out = tmp_path / "wheel"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out),
                    str(source)], check=True, capture_output=True, timeout=300)
    wheel = next(out.glob("prospector-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    tops = {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")}
    assert tops == {"prospector"}, tops
    # The data the package reads at run time travels with it.
    for needed in ("prospector/report/templates/report.html.j2",
                   "prospector/store/views.sql", "prospector/store/migrations/001_init.sql"):
        assert needed in names, needed
