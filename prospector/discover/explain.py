"""The server's own explanation of a refusal, as one short line.

Each service words its refusals its own way, and that wording is what tells the user
what to do: SearXNG answers `{"error": "No query"}` (searx/webapp.py index_error()),
Brave `{"type": "ErrorResponse", "error": {"code": "VALIDATION", "detail": …}}`,
Marginalia plain text (`Daily Limit Exceeded`, `API key only valid for V2 API …`),
and proxies or Werkzeug an HTML page whose <title>/<h1> says it.
"""

from __future__ import annotations

import json
import re
from typing import Any

MAX_SAID = 200
_TITLE = re.compile(r"<(title|h1)[^>]*>(.*?)</\1>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]{0,200}>")


def _one_line(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_SAID else text[: MAX_SAID - 1] + "…"


def _from_json(data: Any) -> str:
    if not isinstance(data, dict):
        return ""
    error = data.get("error")
    if isinstance(error, str):
        return error
    if isinstance(error, dict):  # Brave's ErrorResponse: "CODE: detail"
        return ": ".join(str(error.get(k)) for k in ("code", "detail") if error.get(k))
    message = data.get("message") or data.get("detail")
    return message if isinstance(message, str) else ""


def server_says(body: bytes, content_type: str = "") -> str:
    """What the body says, '' when it says nothing readable."""
    try:
        text = body[:65536].decode("utf-8", errors="replace").strip()
    except (AttributeError, TypeError):
        return ""
    if not text:
        return ""
    if "json" in content_type or text[:1] in "{[":
        try:
            said = _from_json(json.loads(text))
        except ValueError:
            said = ""
        if said:
            return _one_line(said)
    if "html" in content_type or text.lstrip().startswith("<"):
        found = _TITLE.search(text)
        return _one_line(_TAG.sub("", found.group(2))) if found else _one_line(_TAG.sub(" ", text))
    return _one_line(text.splitlines()[0])
