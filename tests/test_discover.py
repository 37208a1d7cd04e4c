from __future__ import annotations

from pathlib import Path

import pytest

from prospector.discover.backends.searxng import SearxngBackend
from prospector.discover.explain import server_says
from prospector.discover.footprints import DEFAULT_FOOTPRINTS, expand, for_dialect
from prospector.discover.http import RetryPolicy
from prospector.discover.seeds import parse_seed_line, read_seeds
from prospector.errors import BackendError, InputError


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("", None),
        ("   # a comment", None),
        ("bee-forum.test", "http://bee-forum.test/"),
        ("https://www.Honey.test/blog  # trailing comment", "https://www.honey.test/blog"),
        ("http://bee-forum.test/viewtopic.php?t=3", "http://bee-forum.test/viewtopic.php?t=3"),
    ],
)
def test_seed_lines(line: str, expected: str | None) -> None:
    assert parse_seed_line(line) == expected


@pytest.mark.parametrize("line", ["two words.test here", "ftp://files.test/", "localhost", "http://"])
def test_bad_seed_lines(line: str) -> None:
    with pytest.raises(ValueError):
        parse_seed_line(line)


def test_seed_file(tmp_path: Path) -> None:
    path = tmp_path / "seeds.txt"
    path.write_text("# niche seeds\n\nbee-forum.test\nhttp://www.bee-forum.test/x\nhoney.test\n")
    seeds = read_seeds(path)
    assert [s.domain for s in seeds] == ["bee-forum.test", "bee-forum.test", "honey.test"]
    assert all(s.source == "seed" for s in seeds)


def test_malformed_seed_file_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "seeds.txt"
    path.write_text("bee-forum.test\nnot a domain\n")
    with pytest.raises(InputError, match="line 2"):
        read_seeds(path)


def test_binary_seed_file(tmp_path: Path) -> None:
    path = tmp_path / "seeds.txt"
    path.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(InputError, match="not UTF-8"):
        read_seeds(path)


def test_footprints_expand_each_keyword() -> None:
    queries = expand(("beekeeping", "honey bees"))
    assert "beekeeping" in queries
    assert '"honey bees" "powered by phpBB"' in queries
    assert len(queries) == len(set(queries)) == 2 * len(DEFAULT_FOOTPRINTS)


def test_unreachable_backend_is_one_line() -> None:
    import socket

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now
    with pytest.raises(BackendError, match="unreachable") as info:
        SearxngBackend(f"http://127.0.0.1:{port}", timeout=2,
                       retry=RetryPolicy(max_retries=0)).search("bees", 1)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(("query", "dialect", "sent"), [
    ("bees inurl:forum", "searxng", "bees inurl:forum"),  # its engines know inurl:
    ("bees inurl:forum", "marginalia", "bees forum"),  # Marginalia does not
    ("bees inurl:forum", "brave", "bees forum"),  # nor Brave
    ("bees site:example.org", "marginalia", "bees site:example.org"),
    ("bees intitle:club", "brave", "bees intitle:club"),
    ("bees intitle:club", "marginalia", "bees club"),
    ('bees "powered by phpBB"', "marginalia", 'bees "powered by phpBB"'),
    ("bees -inurl:shop", "marginalia", "bees"),  # an exclusion is never turned into a word
    ("bees -site:shop.example", "marginalia", "bees -site:shop.example"),
    ("bees inurl:forum", "unknown", "bees inurl:forum"),
])
def test_footprints_in_each_dialect(query: str, dialect: str, sent: str) -> None:
    assert for_dialect(query, dialect) == sent


def test_expand_per_dialect_drops_what_becomes_a_duplicate() -> None:
    marginalia = expand(("bees",), dialect="marginalia")
    assert "bees forum" in marginalia and not any("inurl:" in q for q in marginalia)
    assert len(marginalia) == len(set(marginalia)) == len(DEFAULT_FOOTPRINTS) - 1


@pytest.mark.parametrize(("body", "content_type", "said"), [
    (b'{"error": "No query"}', "application/json", "No query"),  # SearXNG index_error()
    (b'{"type": "ErrorResponse", "error": {"status": 422, "code": "VALIDATION", '
     b'"detail": "Unable to validate request parameter(s)", "meta": {}}}', "application/json",
     "VALIDATION: Unable to validate request parameter(s)"),  # Brave
    (b'{"message": "slow down"}', "application/json", "slow down"),
    (b"Daily Limit Exceeded", "text/plain", "Daily Limit Exceeded"),  # Marginalia
    (b"<!doctype html><title>403 Forbidden</title><h1>Forbidden</h1>", "text/html", "403 Forbidden"),
    (b"<html><body><p>Too\n many</p></body></html>", "text/html", "Too many"),
    (b"", "text/plain", ""),
    (b"x" * 500, "text/plain", "x" * 199 + "…"),  # one short line, whatever it sent
])
def test_server_says(body: bytes, content_type: str, said: str) -> None:
    assert server_says(body, content_type) == said
