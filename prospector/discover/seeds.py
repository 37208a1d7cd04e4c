"""Seed files: one URL or domain a line, `#` comments and blank lines allowed."""

from __future__ import annotations

from pathlib import Path

from prospector.errors import InputError
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
    seeds: list[Candidate] = []
    for number, line in enumerate(text.splitlines(), start=1):
        try:
            url = parse_seed_line(line)
        except ValueError as exc:
            raise InputError(f"seed file {path}, line {number}: {exc}") from None
        if url:
            seeds.append(Candidate(url=url, domain=registered_domain(url),
                                   why=f"seed file {path.name}", source="seed",
                                   rank=len(seeds)))
    return seeds
