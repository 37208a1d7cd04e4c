"""Start and stop the bundled sample web in a subprocess (demo and tests).

A subprocess keeps its aiohttp loop apart from Scrapy's reactor in the caller."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from types import TracebackType

from prospector.errors import ProspectorError


@dataclass
class SampleWebProcess:
    seed: int = 7
    host: str = "127.0.0.1"
    port: int = 0
    hostile: bool = False  # also serve the hostile hosts (prospector/sampleweb/hostile.py)
    process: subprocess.Popen[str] | None = None
    # Also serve this many bulk sites of bulk_pages pages (prospector/sampleweb/bulk.py).
    bulk_sites: int = 0
    bulk_pages: int = 10

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self, timeout: float = 30.0) -> SampleWebProcess:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "prospector.sampleweb", "--host", self.host,
             "--port", str(self.port), "--seed", str(self.seed),
             *(["--hostile"] if self.hostile else []),
             *(["--bulk-sites", str(self.bulk_sites), "--bulk-pages", str(self.bulk_pages)]
               if self.bulk_sites else [])],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline().strip()
        if not line.startswith("PORT="):
            self.stop()
            raise ProspectorError(f"the sample web did not start: {line or 'no output'}")
        self.port = int(line.removeprefix("PORT="))
        return self

    def stop(self) -> int | None:
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        code = self.process.returncode
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()
        self.process = None
        return code

    def __enter__(self) -> SampleWebProcess:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()
