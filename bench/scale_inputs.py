"""Per-component figures for bench/SCALE.md: what one page costs each part of a
distributed crawl (scrapy-redis), measured on the real parts in one run.

    .venv/bin/python bench/scale_inputs.py [--sites 300] [--max-sites 200] [--pages 10]
                                           [--extract-rounds 3] [--no-bare] [--workers N]

Starts a redis-server (Debian package; no persistence) and the sample web with SITES
bulk sites (prospector/sampleweb/bulk.py: ≈19 KB pages, 31 links each) on free loopback
ports, all given as seeds; the distributed crawls take MAX_SITES of them (the rest wait
in the Redis frontier, so it is measured too). Then:

1. live: `prospector crawl --redis` (the coordinator, which crawls too and loads items
   into DuckDB while the crawl runs) plus one `prospector worker`, MAX_SITES x PAGES
   pages. A monitor polls Redis every 0.25 s from outside (INFO memory, the items
   list's length, the workers' fetch counts; every 2 s TYPE, length, MEMORY USAGE and
   encoding of every job key, pipelined) and reads each process tree's CPU time from
   /proc. Printed: the worker's CPU per page between its first and last counted fetch
   (start-up left out) = pages/s per worker core; the items backlog the live loader
   left; Redis figures as in 2.
2. deferred: the coordinator alone over the same pages, run by this script with
   prospector's ItemLoader replaced (in that child only) by one that does not load
   while the crawl runs: every item stays in Redis until the coordinator's final load,
   which is timed. Just before it, the job's keys are measured once (TYPE, length,
   MEMORY USAGE, encoding). Printed: Redis bytes per item (the whole list), the loader's
   items/s and rows/s (pages + contacts + links + sites, counted from the decoded
   items), the DuckDB file's bytes per stored page beyond an empty store's and where
   they are; Redis commands per stored page (INFO commandstats, reset before, this
   script's own commands taken out; Redis counts the commands a Lua script calls too),
   Redis server CPU per page (INFO cpu, the snapshot's own cost taken out), Redis bytes
   per entry of each job key family.
3. bare fetch: bench/crawl.py's bare Scrapy spider over the whole bulk web (it follows
   every link), CPU per page beyond its own start-up (an empty seed list).
4. extraction: `extract_page` CPU µs/page (best of N rounds per page) over 100 bulk pages
   and the shared real-page corpus (bench/bench_extract.py's loader), and the visible
   text it keeps per page (the bulk of a stored page).

Asserts nothing: the machine is shared and the figures are inputs for extrapolation.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import zlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import redis

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from bench.redis_server import RedisMissing, redis_server  # noqa: E402
from prospector.sampleweb.bulk import BulkWeb  # noqa: E402
from prospector.sampleweb.proc import SampleWebProcess  # noqa: E402
from prospector.store.db import Store  # noqa: E402

CURRENT = "prospector:current"  # prospector.distributed.client.CURRENT_JOB_KEY
TICKS = os.sysconf("SC_CLK_TCK")


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


# -- process trees' CPU, from /proc --------------------------------------------------------


def tree_cpu(root: int) -> tuple[float, int]:
    """User + system seconds of `root` and its live descendants, plus what its reaped
    children used (an extraction pool's workers, if any); and how many processes."""
    stats: dict[int, tuple[int, list[str]]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                raw = handle.read()
        except OSError:
            continue
        fields = raw[raw.rfind(")") + 2:].split()
        stats[int(entry)] = (int(fields[1]), fields)
    total, todo, count = 0.0, [root], 0
    while todo:
        pid = todo.pop()
        if pid not in stats:
            continue
        count += 1
        fields = stats[pid][1]
        # utime, stime, cutime, cstime are fields 14-17 of stat (11-14 after the name).
        total += sum(int(x) for x in fields[11:15]) / TICKS
        todo += [child for child, (ppid, _) in stats.items() if ppid == pid]
    return total, count


# -- the monitor: Redis and the processes' CPU, polled from outside -------------------------


def family(key: str, prefix: str) -> str:
    name = key[len(prefix) + 1:]
    head, sep, _ = name.partition(":")
    return f"{head}:*" if sep else name


@dataclass
class Family:
    keys: int = 0
    entries: int = 0
    bytes: int = 0
    encodings: set[str] = field(default_factory=set)


_LENGTH = {"set": "scard", "zset": "zcard", "hash": "hlen", "list": "llen"}


@dataclass
class Monitor:
    url: str
    interval: float = 0.25
    full_every: int = 8
    mine: Counter[str] = field(default_factory=Counter)  # our commands, by commandstats name
    peak_used: int = 0
    peak_items: tuple[int, int] = (0, 0)  # (LLEN, MEMORY USAGE) at the largest list
    families: dict[str, Family] = field(default_factory=dict)  # each at its largest
    # pid -> (cpu at first count, count then, cpu at last change, count then)
    cpu: dict[int, list[float]] = field(default_factory=dict)
    fetched: dict[str, int] = field(default_factory=dict)
    pids: dict[str, int] = field(default_factory=dict)  # worker name -> pid
    errors: list[str] = field(default_factory=list)
    procs: dict[int, int] = field(default_factory=dict)  # pid -> most processes in its tree

    def __post_init__(self) -> None:
        self.r = redis.Redis.from_url(self.url)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def call(self, name: str, *args: Any) -> Any:
        self.mine[name] += 1
        execute: Any = self.r.execute_command  # untyped in redis-py
        return execute(*args)

    def batch(self, calls: list[tuple[str, tuple[Any, ...]]]) -> list[Any]:
        """Commands in one round trip (a pipeline, no transaction), counted as ours."""
        pipe = self.r.pipeline(transaction=False)
        execute: Any = pipe.execute_command  # untyped in redis-py
        for name, args in calls:
            self.mine[name] += 1
            execute(*args)
        return list(pipe.execute(raise_on_error=False))

    def run(self) -> None:
        n = 0
        while not self.stop.wait(self.interval):
            try:
                self.poll(full=n % self.full_every == 0)
            except redis.RedisError as exc:  # a job ending under the poll: the next one
                self.errors.append(repr(exc))
            n += 1

    def poll(self, full: bool) -> None:
        used = int(self.call("info", "INFO", "memory")["used_memory"])
        self.peak_used = max(self.peak_used, used)
        raw = self.call("get", "GET", CURRENT)
        if not raw:
            return
        prefix = raw.decode()
        items = f"{prefix}:items"
        length = int(self.call("llen", "LLEN", items))
        if length > self.peak_items[0]:
            size = int(self.call("memory|usage", "MEMORY", "USAGE", items, "SAMPLES", "0") or 0)
            self.peak_items = (length, size)
        counts = self.call("hgetall", "HGETALL", f"{prefix}:fetched_by")
        self.fetched.update({k.decode(): int(v) for k, v in counts.items()})
        self.track_cpu()
        if full:
            self.snapshot(prefix)

    def track_cpu(self) -> None:
        for name, pid in self.pids.items():
            count = self.fetched.get(name, 0)
            if not count:
                continue
            now, procs = tree_cpu(pid)
            self.procs[pid] = max(self.procs.get(pid, 0), procs)
            mark = self.cpu.setdefault(pid, [now, count, now, count])
            if count > mark[3]:
                mark[2:] = [now, count]

    def snapshot(self, prefix: str) -> None:
        keys: list[str] = []
        cursor = 0
        while True:
            cursor, found = self.call("scan", "SCAN", cursor, "MATCH", f"{prefix}:*",
                                      "COUNT", 1000)
            keys += [raw.decode() for raw in found]
            if int(cursor) == 0:
                break
        kinds = [k.decode() for k in self.batch([("type", ("TYPE", key)) for key in keys])]
        calls: list[tuple[str, tuple[Any, ...]]] = []
        for key, kind in zip(keys, kinds, strict=True):
            length = _LENGTH.get(kind, "strlen")
            calls += [(length, (length.upper(), key)),
                      ("memory|usage", ("MEMORY", "USAGE", key, "SAMPLES", "0")),
                      ("object|encoding", ("OBJECT", "ENCODING", key))]
        answers = self.batch(calls)
        now: dict[str, Family] = {}
        for n, (key, kind) in enumerate(zip(keys, kinds, strict=True)):
            size, used, encoding = answers[3 * n:3 * n + 3]
            if kind == "none" or any(a is None or isinstance(a, Exception)
                                     for a in (size, used, encoding)):
                continue  # gone since the scan (the loader trims, the workers delete)
            fam = now.setdefault(family(key, prefix), Family())
            fam.keys += 1
            fam.entries += int(size) if kind in _LENGTH else 1
            fam.bytes += int(used)
            fam.encodings.add(encoding.decode())
        for name, fam in now.items():
            if name not in self.families or fam.bytes > self.families[name].bytes:
                self.families[name] = fam

    def per_page(self, pid: int) -> tuple[float, int]:
        """CPU seconds per fetched page between the process's first and last counted
        fetch, and the pages in that window."""
        first_cpu, first, last_cpu, last = self.cpu.get(pid, [0.0, 0, 0.0, 0])
        pages = int(last - first)
        return ((last_cpu - first_cpu) / pages if pages else 0.0), pages


def command_counts(r: redis.Redis, mine: Counter[str]) -> tuple[Counter[str], float]:
    """Calls per command since the last CONFIG RESETSTAT, ours taken out, and the usec
    Redis spent in them."""
    stats = r.info("commandstats")
    mine = mine + Counter({"info": 1, "config|resetstat": 1})
    calls: Counter[str] = Counter()
    usec = 0.0
    for key, value in stats.items():
        name = key.removeprefix("cmdstat_")
        theirs = int(value["calls"]) - mine.get(name, 0)
        if theirs > 0:
            calls[name] = theirs
            usec += float(value["usec"]) * theirs / int(value["calls"])
    return calls, usec


def redis_cpu(r: redis.Redis) -> float:
    info = r.info("cpu")
    return float(info["used_cpu_user"]) + float(info["used_cpu_sys"])


# -- the job's growing keys at 100,000 entries ------------------------------------------------

# The single keys that grow with sites or URLs. A small crawl keeps most of them in
# Redis's compact encodings (listpack below hash-max-listpack-entries = 512 and
# zset-max-listpack-entries = 128 in Redis 7.0); at 100,000 sites they are hash tables
# and skip lists, with another cost per entry. The per-site keys (claimed:<site>, ≈10
# URLs) keep the encoding they have here.
GROWING = ("candidates", "released", "frontier", "done", "outstanding", "scheduled",
           "relevance", "dupefilter", "requests")


def sample_entries(r: redis.Redis, prefix: str, mine: Counter[str]) -> dict[str, Any]:
    """Every entry of each growing key, base64 (request payloads are pickles)."""
    def b64(value: bytes) -> str:
        return base64.b64encode(value).decode()

    client: Any = r  # its answers are bytes here (no decode_responses)
    out: dict[str, Any] = {}
    for name in GROWING:
        key = f"{prefix}:{name}"
        mine["type"] += 1
        kind = client.type(key).decode()
        mine[{"hash": "hgetall", "set": "smembers", "zset": "zrange"}.get(kind, "type")] += 1
        if kind == "hash":
            pairs = list(client.hgetall(key).items())
        elif kind == "set":
            pairs = [(m, b"") for m in client.smembers(key)]
        elif kind == "zset":
            pairs = [(m, repr(score).encode())
                     for m, score in client.zrange(key, 0, -1, withscores=True)]
        else:
            continue
        out[name] = [kind, [[b64(m), b64(v)] for m, v in pairs]]
    return out


def at_scale(r: redis.Redis, samples: dict[str, Any],
             target: int) -> dict[str, tuple[int, float, str]]:
    """Each growing key rebuilt to `target` entries from its real ones (members made
    unique by their last characters, lengths kept): (entries, bytes/entry, encoding)."""
    out = {}
    for name, (kind, pairs) in samples.items():
        if not pairs:
            continue
        entries = [(base64.b64decode(m), base64.b64decode(v)) for m, v in pairs]
        key = f"bench:scale:{name}"
        r.delete(key)
        for start in range(0, target, 1000):
            chunk = []
            for i in range(start, min(target, start + 1000)):
                member, value = entries[i % len(entries)]
                tag = f"{i:x}".encode()
                chunk.append((member[:max(1, len(member) - len(tag))] + tag, value))
            if kind == "hash":
                r.hset(key, mapping=dict(chunk))
            elif kind == "set":
                r.sadd(key, *(m for m, _ in chunk))
            else:
                r.zadd(key, {m: float(v) for m, v in chunk})
        count = int({"hash": r.hlen, "set": r.scard, "zset": r.zcard}[kind](key))
        size = int(r.memory_usage(key, samples=0) or 0)
        out[name] = (count, size / count, r.object("encoding", key).decode())
        r.delete(key)
    return out


# -- child processes -------------------------------------------------------------------------


@dataclass(frozen=True)
class Child:
    code: int
    seconds: float
    cpu: float  # user + system of the process and its reaped children
    peak_mb: float
    out: str
    err: str


def start(args: list[str], folder: Path, tag: str) -> tuple[subprocess.Popen[bytes], float]:
    out = (folder / f"{tag}.out").open("w")
    err = (folder / f"{tag}.err").open("w")
    proc = subprocess.Popen(args, cwd=REPO, stdout=out, stderr=err)
    out.close()
    err.close()
    return proc, time.perf_counter()


def finish(proc: subprocess.Popen[bytes], started: float, folder: Path, tag: str) -> Child:
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Child(proc.returncode, time.perf_counter() - started, usage.ru_utime + usage.ru_stime,
                 usage.ru_maxrss / 1024, (folder / f"{tag}.out").read_text(),
                 (folder / f"{tag}.err").read_text())


def checked(child: Child, what: str) -> Child:
    if child.code != 0:
        raise SystemExit(f"bench: {what} failed ({child.code}): {child.err[-800:]}")
    return child


@dataclass
class Bench:
    folder: Path
    web: str
    seeds: Path
    redis_url: str
    sites: int  # the distributed crawls' --max-sites (the web has more: a frontier waits)
    pages: int
    extra: tuple[str, ...] = ()  # more `prospector crawl` options (the job passes them on)

    def crawl_args(self, db: Path) -> list[str]:
        return ["crawl", "beekeeping", "--db", str(db), "--seeds", str(self.seeds),
                "--proxy", self.web, "--fast", "--no-progress", "--max-sites", str(self.sites),
                "--max-pages", str(self.pages), "--redis", self.redis_url, *self.extra]


def db_rows(db: Path) -> dict[str, int]:
    with Store.open(db, read_only=True) as store:
        return {table: int(store.query(f"SELECT count(*) FROM {table}")[1][0][0])
                for table in ("sites", "pages", "contacts", "links")}


def db_layout(db: Path) -> dict[str, Any]:
    """Where the file's bytes are: used and free blocks, the blocks each large table
    touches (a block shared by two tables counts for both), the stored text per page."""
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        size = con.execute("SELECT block_size, used_blocks, free_blocks "
                           "FROM pragma_database_size()").fetchone()
        assert size is not None
        tables = {}
        for (name,) in con.execute("SELECT table_name FROM duckdb_tables() "
                                   "WHERE NOT internal").fetchall():
            row = con.execute(f"SELECT count(DISTINCT block_id) FROM pragma_storage_info('{name}') "
                              "WHERE block_id >= 0").fetchone()
            tables[str(name)] = int(row[0] if row else 0) * int(size[0])
        text = con.execute("SELECT avg(length(text)), avg(length(title)) FROM pages").fetchone()
    assert text is not None
    return {"block": int(size[0]), "used": int(size[1]), "free": int(size[2]),
            "tables": tables, "text": float(text[0] or 0)}


def db_bytes(db: Path) -> int:
    return sum(p.stat().st_size for p in (db, Path(f"{db}.wal")) if p.exists())


# -- 1. the live run: coordinator + one worker, monitored ------------------------------------


def run_live(bench: Bench) -> dict[str, Any]:
    r = redis.Redis.from_url(bench.redis_url)
    r.config_resetstat()
    cpu0 = redis_cpu(r)
    monitor = Monitor(bench.redis_url)
    db = bench.folder / "live.duckdb"
    host = socket.gethostname()
    coordinator, t0 = start([sys.executable, "-m", "prospector", *bench.crawl_args(db)],
                            bench.folder, "live-coordinator")
    monitor.pids[f"{host}:{coordinator.pid}"] = coordinator.pid
    monitor.thread.start()
    asked = 0
    while not r.get(CURRENT) and coordinator.poll() is None:
        asked += 1
        time.sleep(0.02)
    worker, t1 = start([sys.executable, "-m", "prospector", "worker", "--redis", bench.redis_url],
                       bench.folder, "live-worker")
    monitor.pids[f"{host}:{worker.pid}"] = worker.pid
    coord = checked(finish(coordinator, t0, bench.folder, "live-coordinator"), "coordinator")
    work = checked(finish(worker, t1, bench.folder, "live-worker"), "worker")
    monitor.stop.set()
    monitor.thread.join()
    # Ours besides the monitor's: the INFO cpu before and the GETs waiting for the job.
    calls, usec = command_counts(r, monitor.mine + Counter({"info": 1, "get": asked + 1}))
    cpu = redis_cpu(r) - cpu0
    r.close()
    rows = db_rows(db)
    worker_cpu, worker_pages = monitor.per_page(worker.pid)
    return {"rows": rows, "bytes": db_bytes(db), "calls": calls, "usec": usec, "redis_cpu": cpu,
            "peak_used": monitor.peak_used, "peak_items": monitor.peak_items,
            "families": monitor.families, "fetched": monitor.fetched, "errors": monitor.errors,
            "worker": (worker_cpu, worker_pages, work), "coordinator": coord,
            "procs": (monitor.procs.get(coordinator.pid, 0), monitor.procs.get(worker.pid, 0)),
            "coordinator_marginal": monitor.per_page(coordinator.pid)}


# -- 2. the deferred run: every item left in Redis until the coordinator's final load ---------


def deferred_coordinator(out: Path, argv: list[str]) -> int:
    """Run `prospector` with `argv` in this process, the coordinator's ItemLoader
    replaced by one that loads nothing while the crawl runs; its final load is timed
    and its figures written to `out` as JSON. Changes nothing outside this process."""
    import prospector.distributed.coordinator as coordinator
    from prospector.cli import main
    from prospector.distributed.codec import decode
    from prospector.distributed.items import ItemLoader
    from prospector.models import FetchedPage

    record: dict[str, Any] = {}

    class DeferredLoader(ItemLoader):
        def start(self) -> None:  # no thread: the items wait in Redis
            pass

        def finish(self) -> None:
            pass

        def load(self, final: bool = False) -> int:
            if record:
                return int(super().load(final))
            # The job's state as the crawl left it (cleaned up after the scoring), taken
            # here with its own cost in Redis CPU, to be taken out of the run's.
            url = self.server.connection_pool.connection_kwargs
            monitor = Monitor(f"redis://{url['host']}:{url['port']}/{url.get('db', 0)}")
            cpu_before = redis_cpu(self.server)
            monitor.snapshot(self.key.removesuffix(":items"))
            samples = sample_entries(self.server, self.key.removesuffix(":items"), monitor.mine)
            record.update(snapshot_cpu=redis_cpu(self.server) - cpu_before,
                          samples=samples, mine=dict(monitor.mine), families={
                              name: [f.keys, f.entries, f.bytes, sorted(f.encodings)]
                              for name, f in monitor.families.items()})
            raw = self.server.lrange(self.key, 0, -1)
            rows: Counter[str] = Counter()
            for item in map(decode, raw):
                rows[type(item).__name__] += 1
                if isinstance(item, FetchedPage):
                    rows["contacts"] += len(item.facts.contacts)
                    rows["links"] += len(item.facts.links)
            # What shipping them compressed would save (zlib level 1, stdlib): bytes and
            # the CPU a worker would pay per item and the loader per item back.
            started = time.process_time()
            packed = [zlib.compress(x if isinstance(x, bytes) else x.encode(), 1) for x in raw]
            middle = time.process_time()
            for x in packed:
                zlib.decompress(x)
            record.update(zlib_bytes=sum(map(len, packed)),
                          zlib_us=(middle - started) / len(raw) * 1e6,
                          unzlib_us=(time.process_time() - middle) / len(raw) * 1e6)
            record.update(items=len(raw), json_bytes=sum(len(x) for x in raw), rows=rows,
                          list_bytes=int(self.server.memory_usage(self.key, samples=0) or 0),
                          used_before=int(self.server.info("memory")["used_memory"]))
            wall, cpu = time.perf_counter(), time.process_time()
            loaded = int(super().load(final))
            record.update(seconds=time.perf_counter() - wall, cpu=time.process_time() - cpu,
                          loaded=loaded, used_after=int(self.server.info("memory")["used_memory"]))
            out.write_text(json.dumps(record))
            return loaded

    # The name run_distributed looks up when it makes its loader (this process only).
    setattr(coordinator, "ItemLoader", DeferredLoader)  # noqa: B010
    return main(argv)


def run_deferred(bench: Bench) -> dict[str, Any]:
    db = bench.folder / "deferred.duckdb"
    out = bench.folder / "deferred.json"
    r = redis.Redis.from_url(bench.redis_url)
    r.config_resetstat()
    cpu0 = redis_cpu(r)
    proc, t0 = start([sys.executable, __file__, "--deferred-coordinator", str(out), "--",
                      *bench.crawl_args(db)], bench.folder, "deferred")
    child = checked(finish(proc, t0, bench.folder, "deferred"), "deferred coordinator")
    loaded = json.loads(out.read_text())
    # The child's look at the job (its snapshot, two INFO cpu, the list read once more
    # and its size) is not the crawl's.
    mine = Counter(loaded["mine"]) + Counter({"info": 5, "lrange": 1, "memory|usage": 1})
    calls, usec = command_counts(r, mine)
    cpu = redis_cpu(r) - cpu0 - float(loaded["snapshot_cpu"])
    r.close()
    families = {name: Family(keys, entries, size, set(encodings))
                for name, (keys, entries, size, encodings) in loaded["families"].items()}
    scaled = at_scale(r, loaded.pop("samples"), 100_000)
    empty = bench.folder / "empty.duckdb"
    with Store.open(empty):
        pass
    return {"load": loaded, "rows": db_rows(db), "bytes": db_bytes(db), "layout": db_layout(db),
            "empty_bytes": db_bytes(empty), "child": child, "calls": calls, "usec": usec,
            "redis_cpu": cpu, "peak_used": loaded["used_before"], "families": families,
            "scaled": scaled}


# -- 3. bare fetch, 4. extraction ------------------------------------------------------------


def run_bare(bench: Bench) -> dict[str, Any]:
    """bench/crawl.py's bare spider: every link followed, nothing extracted or stored."""
    empty = bench.folder / "no-seeds.txt"
    empty.write_text("")
    figures = {}
    for tag, seeds in (("bare-empty", empty), ("bare", bench.seeds)):
        proc, t0 = start([sys.executable, str(REPO / "bench" / "crawl.py"), "--bare-spider",
                          bench.web, str(seeds)], bench.folder, tag)
        child = checked(finish(proc, t0, bench.folder, tag), "bare spider")
        figures[tag] = (child, json.loads(child.out.strip().splitlines()[-1]))
    return figures


def bulk_bodies(bench: Bench, count: int) -> list[tuple[str, bytes]]:
    """`count` bulk pages: home and /about/ (which carries the e-mail) of count/2 sites."""
    homes = bench.seeds.read_text().split()[:count // 2]
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({"http": bench.web}))
    pages = []
    for url in [*homes, *(f"{home.rstrip('/')}/about/" for home in homes)]:
        with opener.open(url, timeout=10) as answer:
            pages.append((answer.geturl(), answer.read()))
    return pages


def run_extract(bench: Bench, rounds: int) -> dict[str, tuple[int, float, float, float]]:
    """CPU µs/page of extract_page (and of bench_extract's lxml baseline), best of
    `rounds` per page, and the visible text kept per page (what the DB stores most of):
    (pages, extract µs, baseline µs, text chars) per page set."""
    from bench_extract import default_corpus, load_pages, measure

    from prospector.extract import extract_page

    sets: dict[str, list[tuple[str, bytes]]] = {"bulk": bulk_bodies(bench, 100)}
    try:
        sets["corpus"] = load_pages(default_corpus())
    except SystemExit as exc:
        print(f"  {exc}: the real-page corpus is skipped")
    figures = {}
    for name, pages in sets.items():
        best = measure(pages, rounds, time.process_time)
        text = sum(len(extract_page(url, body, "text/html").text) for url, body in pages)
        figures[name] = (len(pages), sum(best["extract"]) / len(pages) * 1e6,
                         sum(best["baseline"]) / len(pages) * 1e6, text / len(pages))
    return figures


# -- printing ---------------------------------------------------------------------------------


def show_redis(run: dict[str, Any], pages: int, sites: int, note: str = "") -> None:
    calls: Counter[str] = run["calls"]
    scripts = calls["evalsha"] + calls["eval"]
    total = sum(calls.values())
    print(f"  Redis commands: {total / pages:.1f} per stored page (inside Lua scripts "
          f"included), of them {scripts / pages:.2f} script calls (EVALSHA); top: "
          + ", ".join(f"{name} {n / pages:.2f}" for name, n in calls.most_common(8)))
    print(f"  Redis server CPU{note}: {run['redis_cpu']:.2f} s = {1000 * run['redis_cpu'] / pages:.3f} "
          f"ms/page -> one Redis core saturates at {pages / max(run['redis_cpu'], 1e-9):,.0f} "
          f"pages/s" + (f" (commandstats: {run['usec'] / pages:.0f} µs/page inside commands)"
                        if "usec" in run else ""))
    print(f"  Redis used_memory peak {run['peak_used'] / 2**20:.1f} MB; job keys, each family "
          f"at its largest (bytes per entry; per stored page; per site):")
    for name, fam in sorted(run["families"].items(), key=lambda kv: -kv[1].bytes):
        print(f"    {name:14} {fam.keys:5d} keys {fam.entries:7d} entries {fam.bytes:10,d} B  "
              f"{fam.bytes / max(fam.entries, 1):7.1f} B/entry  {fam.bytes / pages:7.1f} B/page  "
              f"{fam.bytes / sites:8.1f} B/site  [{','.join(sorted(fam.encodings))}]")


def show_live(run: dict[str, Any], bench: Bench) -> None:
    rows = run["rows"]
    pages = rows["pages"]
    coord: Child = run["coordinator"]
    worker_cpu, worker_pages, work = run["worker"]
    print(f"## 1. live: coordinator + 1 worker, {bench.sites} sites x {bench.pages} pages")
    print(f"  stored {rows}; fetched by worker {run['fetched']}; DuckDB file "
          f"{run['bytes'] / 2**20:.1f} MB")
    print(f"  coordinator: command {coord.seconds:.1f} s, CPU {coord.cpu:.1f} s, peak RSS "
          f"{coord.peak_mb:.0f} MB; worker: {work.seconds:.1f} s, CPU {work.cpu:.1f} s, peak RSS "
          f"{work.peak_mb:.0f} MB")
    print("  processes (the crawl's and its extraction pool's, at most): coordinator "
          f"{run['procs'][0]}, worker {run['procs'][1]}")
    if worker_pages:
        print(f"  worker CPU between its first and last fetch: {1000 * worker_cpu:.2f} ms/page over "
              f"{worker_pages} pages -> {1 / worker_cpu:.0f} pages/s per worker core "
              "(fetch + extract + ship to Redis)")
    ccpu, cpages = run["coordinator_marginal"]
    if cpages:
        print(f"  coordinator CPU per page it fetched, loading every worker's items meanwhile: "
              f"{1000 * ccpu:.2f} ms/page over {cpages} pages")
    length, size = run["peak_items"]
    print(f"  items backlog (the live loader's lag): at most {length} items in Redis "
          f"({size / 2**10:.0f} KB)")
    show_redis(run, pages, rows["sites"] or bench.sites, " (the monitor's polling included)")
    if run["errors"]:
        print(f"  monitor: {len(run['errors'])} polls failed, the first: {run['errors'][0]}")


def show_deferred(run: dict[str, Any], bench: Bench) -> None:
    loaded, rows = run["load"], run["rows"]
    items, pages = loaded["items"], rows["pages"]
    counted = loaded["rows"]
    written = counted.get("FetchedPage", 0) + counted.get("contacts", 0) \
        + counted.get("links", 0) + counted.get("Candidate", 0)
    print(f"## 2. deferred: coordinator alone, {bench.sites} sites x {bench.pages} pages, "
          f"every item left in Redis until the final load")
    print(f"  items at the final load: {items} ({dict(counted)}); JSON "
          f"{loaded['json_bytes'] / items:,.0f} B/item; Redis list {loaded['list_bytes'] / items:,.0f} "
          f"B/item; used_memory fell {(loaded['used_before'] - loaded['used_after']) / items:,.0f} "
          f"B/item when it was loaded")
    print(f"  zlib level 1 would ship {loaded['zlib_bytes'] / items:,.0f} B/item "
          f"({loaded['json_bytes'] / loaded['zlib_bytes']:.1f}x smaller) for "
          f"{loaded['zlib_us']:,.0f} µs/item to compress, {loaded['unzlib_us']:,.0f} µs/item back")
    print(f"  loader: {loaded['loaded']} items in {loaded['seconds']:.2f} s wall, "
          f"{loaded['cpu']:.2f} s CPU = {items / loaded['seconds']:,.0f} items/s, "
          f"{written / loaded['seconds']:,.0f} rows/s (pages + contacts + links + sites: "
          f"{written} rows), {pages / loaded['seconds']:,.0f} pages/s")
    extra = run["bytes"] - run["empty_bytes"]
    print(f"  DuckDB: {run['bytes']:,d} B after crawl + scoring, an empty store "
          f"{run['empty_bytes']:,d} B: {extra / pages:,.0f} B per stored page beyond it; rows {rows}")
    layout = run["layout"]
    top = sorted(layout["tables"].items(), key=lambda kv: -kv[1])[:6]
    print(f"  DuckDB blocks of {layout['block'] // 1024} KB: {layout['used']} used, {layout['free']} "
          f"free; stored text {layout['text']:,.0f} chars/page; blocks per table: "
          + ", ".join(f"{name} {size / 2**20:.1f} MB" for name, size in top))
    for name, (count, per, encoding) in sorted(run["scaled"].items()):
        fam = run["families"].get(name, Family())
        print(f"  {name} rebuilt to {count:,d} entries from its {fam.entries} real ones: "
              f"{per:,.1f} B/entry [{encoding}] (here {fam.bytes / max(fam.entries, 1):,.1f} "
              f"[{','.join(sorted(fam.encodings))}])")
    child: Child = run["child"]
    print(f"  coordinator: command {child.seconds:.1f} s, CPU {child.cpu:.1f} s "
          f"({1000 * child.cpu / pages:.1f} ms/page, start-up, loading and scoring included), "
          f"peak RSS {child.peak_mb:.0f} MB")
    show_redis(run, pages, rows["sites"] or bench.sites)


def show_rest(bare: dict[str, Any],
              extract: dict[str, tuple[int, float, float, float]]) -> None:
    if bare:
        show_bare(bare)
    for name, (count, ext, base, text) in extract.items():
        print(f"## 4. extraction, {name} ({count} pages): extract_page {ext:,.0f} µs/page CPU -> "
              f"{1e6 / ext:.0f} pages/s per core; lxml parse + hrefs {base:,.0f} µs/page; "
              f"visible text kept {text:,.0f} chars/page")


def show_bare(bare: dict[str, Any]) -> None:
    (empty, _), (child, stats) = bare["bare-empty"], bare["bare"]
    pages = int(stats["pages"])
    marginal = (child.cpu - empty.cpu) / pages
    print(f"## 3. bare fetch (bench/crawl.py's spider): {pages} pages in {stats['elapsed']:.1f} s "
          f"= {pages / stats['elapsed']:.0f} pages/s; CPU {child.cpu:.1f} s less its start-up "
          f"{empty.cpu:.1f} s = {1000 * marginal:.2f} ms/page -> {1 / marginal:.0f} pages/s per core")


def commit() -> str:
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO,
                          capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=REPO,
                           capture_output=True, text=True).stdout.strip()
    return head + ("+ (uncommitted changes in the tree)" if dirty else "")


# -- main ---------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sites", type=int, default=300,
                        help="bulk sites of the web, all seeds; the bare spider crawls all (300)")
    parser.add_argument("--max-sites", type=int, default=200,
                        help="sites the distributed crawls take; the rest wait in the "
                        "frontier (200)")
    parser.add_argument("--pages", type=int, default=10, help="pages per site (10)")
    parser.add_argument("--extract-rounds", type=int, default=3, help="best of N per page (3)")
    parser.add_argument("--no-bare", action="store_true", help="skip the bare-fetch crawl")
    parser.add_argument("--workers", type=int, metavar="N",
                        help="`prospector crawl --workers N` (extraction processes of each "
                        "crawl process; default: prospector's)")
    args = parser.parse_args()
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    workers = "" if args.workers is None else f" --workers {args.workers}"
    print(f"bench/scale_inputs.py --sites {args.sites} --max-sites {args.max_sites} --pages "
          f"{args.pages}{workers}: {stamp}, commit "
          f"{commit()}, load average {load()} ({os.cpu_count()} CPUs)", flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp, \
            SampleWebProcess(bulk_sites=args.sites, bulk_pages=args.pages) as web:
        folder = Path(tmp)
        with redis_server(folder) as url:
            seeds = folder / "seeds.txt"
            seeds.write_text("".join(f"{u}\n" for u in BulkWeb(web.seed, args.sites, args.pages)
                                     .seed_lines()))
            bench = Bench(folder, web.url, seeds, url, min(args.max_sites, args.sites),
                          args.pages, () if args.workers is None
                          else ("--workers", str(args.workers)))
            print(f"redis-server {redis.Redis.from_url(url).info('server')['redis_version']}",
                  flush=True)
            show_live(run_live(bench), bench)
            show_deferred(run_deferred(bench), bench)
            bare = {} if args.no_bare else run_bare(bench)
            extract = run_extract(bench, args.extract_rounds)
            show_rest(bare, extract)
    print(f"load average after: {load()}")


if __name__ == "__main__":
    if len(sys.argv) > 3 and sys.argv[1] == "--deferred-coordinator" and sys.argv[3] == "--":
        raise SystemExit(deferred_coordinator(Path(sys.argv[2]), sys.argv[4:]))
    try:
        main()
    except RedisMissing as exc:
        raise SystemExit(f"bench: {exc}") from None
