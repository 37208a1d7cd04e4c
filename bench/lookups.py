"""DNS benchmark: how the machine's resolver answers, and the address guard's lookups
through its DNS stub (prospector.crawl.dns_stub) against getaddrinfo (glibc's, what
the guard used before, with the RES_OPTIONS the CLI sets), on the same names in the
same run.

    .venv/bin/python bench/lookups.py [--names 300] [--at-once 1,4,16] [--rates 25,50,100]

1. The resolver's rate: questions paced at each RATE a second for 3 s, one UDP socket,
   each for a name of its own under `.test` (which no resolver knows: the answers are
   NXDOMAIN, from the resolver itself, never from the internet); the share answered
   and how late. A resolver that limits each client's rate answers everything below
   the limit and loses the rest.
2. Lookups: NAMES new names each, AT-ONCE at a time, by the stub (A question first,
   AAAA only after a name that exists) and by getaddrinfo in threads (A and AAAA
   together); wall time, names a second, lookups without an answer within the guard's
   2 s, and the slowest.

Names are new in every round (a random label), so no cache answers them. It asserts
nothing: the figure to read is stub / getaddrinfo names a second at each AT-ONCE.
Needs a resolver in /etc/resolv.conf and `hosts: files dns` in /etc/nsswitch.conf;
says so and stops otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import select
import socket
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import dns.message

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from prospector.crawl.dns_stub import StubResolver, system_stub
from prospector.crawl.lookups import QUICK_RETRIES, Answer, in_thread
from prospector.crawl.middlewares.guard import RESOLVE_TIMEOUT_S, resolve


def new_name(tag: str) -> str:
    return f"bench-{tag}-{random.randrange(10**12)}.dns.test"


def paced(server: tuple[str, int], rate: int, seconds: float = 3.0) -> str:
    """Questions at `rate` a second for `seconds`: the share answered, and how late."""
    sock = socket.socket(socket.AF_INET6 if ":" in server[0] else socket.AF_INET,
                         socket.SOCK_DGRAM)
    sock.setblocking(False)
    sent_at: dict[int, float] = {}
    late: list[float] = []
    total = int(rate * seconds)
    start = time.perf_counter()
    sent = 0
    while sent < total or (sent_at and time.perf_counter() < start + seconds + 2):
        now = time.perf_counter()
        if sent < total and now >= start + sent / rate:
            query = dns.message.make_query(new_name("rate"), "A")
            sent_at[query.id] = now
            sock.sendto(query.to_wire(), server)
            sent += 1
            continue
        wait = start + sent / rate - now if sent < total else 0.05
        readable, _, _ = select.select([sock], [], [], max(0.0, wait))
        while readable:
            try:
                data, _ = sock.recvfrom(4096)
            except BlockingIOError:
                break
            began = sent_at.pop(dns.message.from_wire(data).id, None)
            if began is not None:
                late.append(time.perf_counter() - began)
    sock.close()
    late.sort()
    slowest = f", slowest {1000 * late[-1]:.0f} ms" if late else ""
    return (f"{rate:4d} questions/s for {seconds:g} s: {len(late)} of {total} answered "
            f"({100 * len(late) / total:.0f} %){slowest}")


async def lookups(look_up: Callable[[str], Awaitable[Answer]], names: int, at_once: int
                  ) -> tuple[float, int, float]:
    """(wall seconds, lookups without an answer, slowest lookup) for `names` new names."""
    gate = asyncio.Semaphore(at_once)
    took: list[float] = []
    unanswered = 0

    async def one() -> None:
        nonlocal unanswered
        async with gate:
            began = time.perf_counter()
            if await look_up(new_name("look")) is None:
                unanswered += 1
            took.append(time.perf_counter() - began)

    start = time.perf_counter()
    await asyncio.gather(*(one() for _ in range(names)))
    return time.perf_counter() - start, unanswered, max(took)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--names", type=int, default=300, help="names per lookup run (300)")
    parser.add_argument("--at-once", default="1,4,16", help="lookups at a time (1,4,16)")
    parser.add_argument("--rates", default="25,50,100,200", help="questions a second")
    args = parser.parse_args()
    os.environ.setdefault("RES_OPTIONS", QUICK_RETRIES)  # as `prospector crawl` sets it
    stub = system_stub()
    if stub is None:
        raise SystemExit("bench/lookups.py: the DNS stub does not stand in for getaddrinfo here "
                         "(no nameserver, or an nsswitch.conf hosts line other than files dns)")
    server = stub.servers[0]
    print(f"resolver {server[0]}:{server[1]}; RES_OPTIONS={os.environ['RES_OPTIONS']!r}; "
          f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    for rate in (int(r) for r in args.rates.split(",")):
        print(paced(server, rate), flush=True)
        time.sleep(2)  # let a rate limiter's bucket fill again

    async def by_stub(host: str) -> Answer:
        return await StubResolver(stub.servers, stub.hosts).look_up(host, RESOLVE_TIMEOUT_S)

    async def by_getaddrinfo(host: str) -> Answer:
        return await in_thread(resolve, host)

    for at_once in (int(n) for n in args.at_once.split(",")):
        rates = {}
        for label, look_up in (("stub", by_stub), ("getaddrinfo", by_getaddrinfo)):
            wall, unanswered, slowest = asyncio.run(lookups(look_up, args.names, at_once))
            rates[label] = args.names / wall
            print(f"{at_once:3d} at a time, {label:11}: {args.names} names in {wall:6.2f} s = "
                  f"{rates[label]:6.1f} names/s; {unanswered} without an answer in "
                  f"{RESOLVE_TIMEOUT_S:g} s; slowest {slowest:.2f} s", flush=True)
            time.sleep(2)
        print(f"{at_once:3d} at a time: stub / getaddrinfo = "
              f"{rates['stub'] / rates['getaddrinfo']:.2f}", flush=True)


if __name__ == "__main__":
    main()
