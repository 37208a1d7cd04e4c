"""Seed files: one URL or domain a line, `#` comments and blank lines allowed."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlsplit

from prospector.errors import InputError
from prospector.hosts import ascii_host
from prospector.models import Candidate
from prospector.urls import canonicalize, is_http_url, registered_domain


def parse_seed_line(line: str) -> str | None:
    """The URL a seed line names, None for a blank or comment line; raises ValueError."""
    text = line.split("#", 1)[0].strip()
    if not text:
        return None
    if any(ch.isspace() for ch in text):
        raise ValueError("one URL or domain per line")
    url = text if "://" in text else f"http://{text}/"
    ascii_host(urlsplit(url).hostname or "")  # HostError (a ValueError): control, bidi…
    if not is_http_url(url):
        raise ValueError(f"not an http(s) URL or domain: {text!r}")
    if not registered_domain(url):
        raise ValueError(f"no registered domain in {text!r}")
    return canonicalize(url)


def read_seeds(path: Path) -> list[Candidate]:
    try:
        raw = path.read_bytes()
    except IsADirectoryError:
        raise InputError(f"seed file {path} is a directory") from None
    except OSError as exc:
        raise InputError(f"cannot read seed file {path}: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"seed file {path} is not UTF-8 text") from None
    return seeds_from_lines(text.splitlines(), f"seed file {path.name}", str(path))


def seeds_from_lines(lines: Iterable[str], why: str, where: str = "") -> list[Candidate]:
    """Candidates from seed lines; InputError naming the line of `where` when one is bad."""
    seeds: list[Candidate] = []
    for number, line in enumerate(lines, start=1):
        try:
            url = parse_seed_line(line)
        except ValueError as exc:
            place = f"seed file {where}, line {number}" if where else f"{why}, entry {number}"
            raise InputError(f"{place}: {exc}") from None
        if url:
            seeds.append(Candidate(url=url, domain=registered_domain(url), why=why,
                                   source="seed", rank=len(seeds)))
    return seeds
