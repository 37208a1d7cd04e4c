"""SearXNG JSON API client (the bundled sample web answers in the same shape).

GET {base}/search?q=…&format=json&pageno=N → {"query", "number_of_results", "results":
[{"url", "title", "content", "engine"}]}.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlencode

from prospector.errors import BackendError


@dataclass(frozen=True, slots=True)
class SearchResult:
    url: str
    title: str
    content: str
    engine: str


def search(base_url: str, query: str, page: int = 1, timeout: float = 15.0) -> list[SearchResult]:
    """One page of results; raises BackendError with one line when the backend fails."""
    url = f"{base_url.rstrip('/')}/search?{urlencode({'q': query, 'format': 'json', 'pageno': page})}"
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
    except urllib.error.HTTPError as exc:
        raise BackendError(f"search backend {base_url} answered HTTP {exc.code}") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise BackendError(f"search backend {base_url} unreachable: {reason}") from None
    try:
        data = json.loads(body)
        results = data["results"]
        return [
            SearchResult(str(r["url"]), str(r.get("title", "")), str(r.get("content", "")),
                         str(r.get("engine", "")))
            for r in results
        ]
    except (ValueError, KeyError, TypeError):
        raise BackendError(f"search backend {base_url} did not answer SearXNG JSON") from None
