"""A small deterministic internet for the niche "beekeeping", served on loopback.

`build()` renders every site of the web from a seed; `truth()` says what a perfect
crawler would find; `serve()`/`start()` answer HTTP for every host, plus a
SearXNG-compatible search endpoint on the control host.
"""

from __future__ import annotations

from .generator import build
from .model import SampleWeb, Site
from .server import serve, start
from .truth import truth, truth_json

__all__ = ["SampleWeb", "Site", "build", "serve", "start", "truth", "truth_json"]
