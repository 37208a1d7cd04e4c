"""The worker process's side of the extraction pool (prospector.crawl.workers).

Kept apart so that a worker imports only this, the extractor and the standard library:
no Twisted, no Scrapy. Frames both ways are a 4-byte big-endian length, then a pickle:
the format of Twisted's Int32StringReceiver, which reads them in the crawl. An empty
frame from the crawl says goodbye: answer your peak RSS and end.
"""

from __future__ import annotations

import pickle
import signal
import socket
import struct
import time
from dataclasses import replace
from typing import Any

from prospector.extract.page_job import PageJob, run_job
from prospector.hosts import REFUSED

_HEADER = struct.Struct("!I")
GOODBYE = b""


def worker_main(link: socket.socket, deadline: float) -> None:
    """Read pages until the socket closes or says goodbye; each under a CPU deadline."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGPROF, signal.SIG_DFL)  # past the deadline: end the process
    while True:
        try:
            frame = read_frame(link)
        except OSError:
            return  # the crawl is gone
        if frame is None:
            return
        if frame == GOODBYE:
            reply: tuple[str, Any] = ("bye", peak_rss_mb())
        else:
            reply = _extract(pickle.loads(frame), deadline)
        try:
            write_frame(link, pickle.dumps(reply, pickle.HIGHEST_PROTOCOL))
        except OSError:  # BrokenPipeError: the crawl is gone
            return
        if frame == GOODBYE:
            return


def _extract(job: PageJob, deadline: float) -> tuple[str, Any]:
    signal.setitimer(signal.ITIMER_PROF, deadline)
    began = time.process_time()
    try:
        result = run_job(job)
        return ("ok", replace(result, cpu_seconds=time.process_time() - began,
                              refused=tuple(REFUSED.drain())))
    except Exception as exc:  # a bug met on one page must not end the crawl
        return ("error", f"{type(exc).__name__}: {exc}"[:300])
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)


def warm_up() -> None:
    """Read one small page with contacts, links and a title (see worker_warm)."""
    page = (b"<html><head><title>Hive notes</title></head><body><h1>Beekeeping</h1>"
            b"<p>Write to webmaster@hive-notes.test (at) or call +1 555 0100.</p>"
            b"<a href='https://other-bees.test/'>friends</a></body></html>")
    run_job(PageJob("https://hive-notes.test/contact", page, "text/html", "hive-notes.test"))
    REFUSED.drain()


def read_frame(link: socket.socket) -> bytes | None:
    """One length-prefixed frame (as Twisted's Int32StringReceiver writes it); None at
    the end of the stream."""
    header = _read_exactly(link, _HEADER.size)
    if header is None:
        return None
    (size,) = _HEADER.unpack(header)
    return _read_exactly(link, size) if size else b""


def write_frame(link: socket.socket, data: bytes) -> None:
    link.sendall(_HEADER.pack(len(data)))
    link.sendall(data)


def _read_exactly(link: socket.socket, size: int) -> bytes | None:
    buffer = bytearray(size)
    view, got = memoryview(buffer), 0
    while got < size:
        n = link.recv_into(view[got:])
        if n == 0:
            return None
        got += n
    return bytes(buffer)


def peak_rss_mb() -> float:
    """This process's own peak RSS (VmHWM: reset at exec, unlike getrusage's ru_maxrss,
    which a forked child inherits from its parent's peak)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0
