"""The DuckDB store: migrations, idempotent batched writes, one-line errors. Real DuckDB."""

from __future__ import annotations

import json
import random
from pathlib import Path

import duckdb
import pytest

from prospector.errors import DatabaseError, LockedError
from prospector.models import Candidate, Contact, FetchedPage, Link, PageFacts, SiteProfile
from prospector.score import rescore
from prospector.store.db import Store, is_suppressed, migrations


def _page(url: str, site: str, emails: tuple[str, ...] = (), links: tuple[str, ...] = ()) -> FetchedPage:
    facts = PageFacts(
        url=url, domain=site, title="Bees", text="beekeeping beekeeping hives",
        contacts=tuple(Contact("email", e, url, "mailto", 0.9, "personal") for e in emails),
        links=tuple(Link(url, f"http://{d}/", d, d, "blogroll") for d in links),
        platform="wordpress", kind="blog",
    )
    return FetchedPage(site=site, url=url, status=200, content_type="text/html", size=10,
                       facts=facts)


def test_migrations_are_numbered_and_recorded(tmp_path: Path) -> None:
    versions = [m.version for m in migrations()]
    assert versions == sorted(versions) and versions[0] == 1
    with Store.open(tmp_path / "p.duckdb") as store:
        assert store.applied_versions() == versions
    # Reopening applies nothing twice.
    with Store.open(tmp_path / "p.duckdb") as store:
        assert store.migrate() == []


def test_public_schema_columns(tmp_path: Path) -> None:
    with Store.open(tmp_path / "p.duckdb") as store:
        def cols(table: str) -> set[str]:
            return {r[0] for r in store.query(f"DESCRIBE {table}")[1]}
        assert {"domain", "kind", "platform"} <= cols("sites")
        assert {"domain", "kind", "value", "source_url"} <= cols("contacts")
        assert {"run_id", "keyword", "status", "started_at", "finished_at"} <= cols("runs")
        assert {"url", "domain", "status"} <= cols("pages")
        assert {"source_domain", "target_domain", "anchor"} <= cols("links")


def test_batches_are_idempotent_and_site_facts_derived() -> None:
    store = Store.open(":memory:")
    run = store.start_run("beekeeping", "{}")
    store.add_candidates(run, [Candidate("http://a.test/", "a.test", "search: q")])
    batch = [
        _page("http://a.test/", "a.test", ("jo@a.test",), ("b.test",)),
        _page("http://a.test/contact", "a.test", ("jo@a.test", "info@a.test")),
    ]
    store.add_pages(run, batch)
    store.add_pages(run, batch)  # a replayed batch stores nothing twice
    store.finish_run(run, "done")
    assert store.query("SELECT count(*) FROM pages")[1] == [(2,)]
    assert store.query("SELECT count(*) FROM contacts")[1] == [(2,)]
    assert store.query("SELECT count(*) FROM links")[1] == [(1,)]
    site = store.rows("SELECT * FROM sites")[0]
    assert (site["kind"], site["platform"], site["pages"], site["status"]) == ("blog", "wordpress", 2, "ok")
    runs = store.rows("SELECT * FROM runs")[0]
    assert (runs["status"], runs["sites"], runs["pages"], runs["contacts"]) == ("done", 1, 2, 2)


def test_data_is_never_sql(tmp_path: Path) -> None:
    store = Store.open(":memory:")
    run = store.start_run("x'); DROP TABLE sites; --", "{}")
    hostile = "o'hara@a.test"
    store.add_candidates(run, [Candidate("http://a.test/", "a.test", "'; DROP TABLE pages; --")])
    store.add_pages(run, [_page("http://a.test/?q=';--", "a.test", (hostile,))])
    assert store.query("SELECT value FROM contacts")[1] == [(hostile,)]
    assert store.query("SELECT why FROM sites")[1] == [("'; DROP TABLE pages; --",)]


def test_directory_path_is_one_line_error(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="is a directory"):
        Store.open(tmp_path)


def test_missing_db_for_reading(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="no database"):
        Store.open(tmp_path / "nope.duckdb", read_only=True)


def test_not_a_prospector_db(tmp_path: Path) -> None:
    path = tmp_path / "other.duckdb"
    duckdb.connect(str(path)).close()
    with pytest.raises(DatabaseError, match="not a Prospector database"):
        Store.open(path, read_only=True)


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "p.duckdb"
    with Store.open(path) as store:
        store.con.execute("INSERT INTO schema_migrations VALUES (999, '999_future.sql', now())")
    for read_only in (False, True):
        with pytest.raises(DatabaseError, match="newer"):
            Store.open(path, read_only=read_only)


def test_garbage_file_is_one_line_error(tmp_path: Path) -> None:
    path = tmp_path / "junk.duckdb"
    path.write_bytes(b"not a database at all" * 100)
    with pytest.raises(DatabaseError) as info:
        Store.open(path)
    assert "\n" not in str(info.value)


def test_locked_db_from_another_process(tmp_path: Path) -> None:
    import subprocess
    import sys

    path = tmp_path / "p.duckdb"
    Store.open(path).close()
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import duckdb,sys,time; c=duckdb.connect(sys.argv[1]); print('ok', flush=True);"
         " time.sleep(60)", str(path)],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ok"
        with pytest.raises(LockedError, match="in use"):
            Store.open(path)
    finally:
        holder.kill()
        holder.wait()
        assert holder.stdout is not None
        holder.stdout.close()


def test_scores_round_trip() -> None:
    """What the real scoring path writes (rescore → write_site_scores) is what the views
    read: one row a site for this run, the site graph, the metrics, and `prospects` ranks
    the on-topic site with its contact first, at the points its breakdown adds up to."""
    store = Store.open(":memory:")
    run = store.start_run("beekeeping", "{}")
    store.add_candidates(run, [Candidate("http://a.test/", "a.test", "q"),
                               Candidate("http://b.test/", "b.test", "q")])
    off_topic = FetchedPage(site="b.test", url="http://b.test/", status=200,
                            content_type="text/html", size=10, facts=PageFacts(
                                url="http://b.test/", domain="b.test", title="Cars",
                                text="engines and wheels", kind="blog"))
    store.add_pages(run, [_page("http://a.test/", "a.test", ("jo@a.test",), ("b.test",)),
                          off_topic])
    store.finish_run(run, "done")
    assert rescore(store) == 2
    assert store.query("SELECT domain, run_id FROM scores ORDER BY domain")[1] == [
        ("a.test", run), ("b.test", run)]
    assert store.query("SELECT source_domain, target_domain FROM site_links")[1] == [
        ("a.test", "b.test")]
    assert store.query("SELECT domain FROM site_metrics ORDER BY domain")[1] == [
        ("a.test",), ("b.test",)]
    ranked = store.rows("SELECT domain, score, breakdown, contact FROM prospects")
    assert [(r["domain"], r["contact"]) for r in ranked] == [("a.test", "jo@a.test"),
                                                            ("b.test", None)]
    top = ranked[0]
    assert top["score"] > ranked[1]["score"]
    points = sum(part["points"] for part in json.loads(top["breakdown"]).values())
    assert top["score"] == pytest.approx(min(100.0, points), abs=0.01)


# The upserts add_pages made before it wrote through appenders, kept as the reference its
# faster path must agree with.
_REFERENCE_SQL = {
    "pages": ("url, domain, run_id, status, content_type, bytes, title, platform, kind,"
              " generator, text, fetched_at, error, etag, last_modified",
              "ON CONFLICT (url) DO UPDATE SET run_id = excluded.run_id,"
              " status = excluded.status, content_type = excluded.content_type,"
              " bytes = excluded.bytes, title = excluded.title, platform = excluded.platform,"
              " kind = excluded.kind, generator = excluded.generator, text = excluded.text,"
              " fetched_at = excluded.fetched_at, error = excluded.error,"
              " etag = excluded.etag, last_modified = excluded.last_modified"),
    "contacts": ("domain, kind, value, source_url, method, confidence, role, first_run, last_run",
                 "ON CONFLICT (domain, kind, value) DO UPDATE SET last_run = excluded.last_run,"
                 " confidence = greatest(contacts.confidence, excluded.confidence)"),
    "links": ("source_url, target_url, source_domain, target_domain, anchor, section, run_id",
              "ON CONFLICT (source_url, target_url) DO UPDATE SET run_id = excluded.run_id"),
}


def _reference_add_pages(store: Store, run: int, pages: list[FetchedPage]) -> None:
    by_url = {p.url: p for p in pages}
    blocked = store.suppressions()
    rows: dict[str, dict[tuple[str, ...], tuple[object, ...]]] = {
        "pages": {}, "contacts": {}, "links": {}}
    for p in by_url.values():
        f = p.facts
        rows["pages"][(p.url,)] = (p.url, p.site, run, p.status, p.content_type, p.size, f.title,
                                   f.platform, f.kind, f.generator, f.text, p.fetched_at,
                                   p.error, p.etag, p.last_modified)
        for c in f.contacts:
            if is_suppressed(blocked, p.site, c.kind, c.value):
                continue
            old = rows["contacts"].get((p.site, c.kind, c.value))
            if old is None or c.confidence > float(str(old[5])):
                rows["contacts"][(p.site, c.kind, c.value)] = (
                    p.site, c.kind, c.value, c.source_url, c.method, c.confidence, c.role, run, run)
        for link in f.links:
            if link.target_domain != p.site:
                rows["links"][(link.source_url, link.target_url)] = (
                    link.source_url, link.target_url, p.site, link.target_domain, link.anchor,
                    link.section, run)
    for table, (columns, conflict) in _REFERENCE_SQL.items():
        for row in rows[table].values():
            marks = ", ".join("?" for _ in row)
            store.con.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks}) {conflict}",
                              list(row))


def _random_batches(seed: int) -> list[tuple[int, list[FetchedPage]]]:
    """Runs of batches over a few sites whose pages, addresses and links recur: re-fetched
    pages, contacts seen again (surer or not), links seen again, batches loaded twice."""
    rnd = random.Random(seed)
    batches = []
    for run in (1, 1, 1, 2, 2, 3):
        pages = []
        for _ in range(rnd.randint(1, 8)):
            site = f"s{rnd.randint(0, 3)}.test"
            url = f"http://{site}/p{rnd.randint(0, 5)}"
            contacts = tuple(
                Contact("email", f"m{rnd.randint(0, 3)}@{site}", url, rnd.choice(("mailto", "text")),
                        rnd.choice((0.5, 0.7, 0.9)), "personal") for _ in range(rnd.randint(0, 3)))
            links = tuple(
                Link(url, f"http://t{n}.test/", f"t{n}.test", f"anchor {rnd.randint(0, 9)}",
                     rnd.choice(("content", "footer"))) for n in rnd.sample(range(6), rnd.randint(0, 4)))
            facts = PageFacts(url=url, domain=site, title=f"t{rnd.randint(0, 9)}", text="bees",
                              contacts=contacts, links=links, kind="blog")
            pages.append(FetchedPage(site, url, rnd.choice((200, 404)), "text/html",
                                     rnd.randint(1, 99), facts,
                                     fetched_at=f"2026-11-0{run}T10:00:0{rnd.randint(0, 9)}"))
        batches.append((run, pages))
        if rnd.random() < 0.3:
            batches.append((run, pages))  # loaded twice
    return batches


@pytest.mark.parametrize("seed", range(12))
def test_batched_writes_match_the_plain_upserts(seed: int) -> None:
    fast, reference = Store.open(":memory:"), Store.open(":memory:")
    for store in (fast, reference):
        store.suppress([("m3@s1.test", "email"), ("s2.test", "domain")])
    for run, pages in _random_batches(seed):
        fast.add_pages(run, pages)
        _reference_add_pages(reference, run, pages)
    for table, order in (("pages", "url"), ("contacts", "domain, kind, value"),
                         ("links", "source_url, target_url")):
        sql = f"SELECT * FROM {table} ORDER BY {order}"
        assert fast.query(sql) == reference.query(sql), table


def test_recrawl_updates_what_was_stored() -> None:
    store = Store.open(":memory:")
    first = _page("http://a.test/", "a.test", ("jo@a.test",), ("b.test",))
    store.add_pages(1, [first])
    again = FetchedPage(site="a.test", url="http://a.test/", status=200, content_type="text/html",
                        size=99, facts=PageFacts(
                            url="http://a.test/", domain="a.test", title="New title",
                            contacts=(Contact("email", "jo@a.test", "http://a.test/", "text", 1.0),),
                            links=(Link("http://a.test/", "http://b.test/", "b.test", "other", "footer"),)))
    store.add_pages(2, [again])
    assert store.query("SELECT title, bytes, run_id FROM pages")[1] == [("New title", 99, 2)]
    assert store.query("SELECT method, confidence, first_run, last_run FROM contacts")[1] == [
        ("mailto", 1.0, 1, 2)]
    assert store.query("SELECT anchor, section, run_id FROM links")[1] == [("b.test", "blogroll", 2)]


def test_a_stored_link_from_another_page_is_not_stored_twice() -> None:
    """Links are looked up for new pages only when their source is not the page: a link
    stored under another page's batch still makes no duplicate (nor an error)."""
    store = Store.open(":memory:")
    odd = FetchedPage(site="a.test", url="http://a.test/", status=200, content_type="text/html",
                      size=1, facts=PageFacts(url="http://a.test/", domain="a.test", links=(
                          Link("http://a.test/x", "http://b.test/", "b.test", "b", "content"),)))
    store.add_pages(1, [odd])
    store.add_pages(2, [_page("http://a.test/x", "a.test", (), ("b.test",))])
    assert store.query("SELECT source_url, run_id FROM links")[1] == [("http://a.test/x", 2)]
    assert store.query("SELECT count(*) FROM pages")[1] == [(2,)]


def test_suppressed_contacts_are_not_stored() -> None:
    store = Store.open(":memory:")
    store.suppress([("no@a.test", "email"), ("b.test", "domain")])
    store.add_pages(1, [_page("http://a.test/", "a.test", ("no@a.test", "yes@a.test")),
                        _page("http://b.test/", "b.test", ("jo@b.test",))])
    assert store.query("SELECT value FROM contacts")[1] == [("yes@a.test",)]


def test_a_contact_stored_by_an_earlier_store_is_updated_not_duplicated(tmp_path: Path) -> None:
    """A new Store takes a batch of new pages for new without looking up: a contact an
    earlier session stored breaks the primary key and the batch is written again,
    looking it up."""
    path = tmp_path / "p.duckdb"
    with Store.open(path) as store:
        store.add_pages(1, [_page("http://a.test/", "a.test", ("jo@a.test",), ("b.test",))])
    surer = FetchedPage(site="a.test", url="http://a.test/about", status=200,
                        content_type="text/html", size=1, facts=PageFacts(
                            url="http://a.test/about", domain="a.test", contacts=(
                                Contact("email", "jo@a.test", "http://a.test/about", "text", 1.0),)))
    with Store.open(path) as store:
        store.add_pages(2, [surer, _page("http://c.test/", "c.test", ("al@c.test",))])
        assert store.query("SELECT value, confidence, first_run, last_run, source_url FROM contacts"
                           " ORDER BY value")[1] == [
            ("al@c.test", 0.9, 2, 2, "http://c.test/"), ("jo@a.test", 1.0, 1, 2, "http://a.test/")]
        assert store.query("SELECT count(*) FROM pages")[1] == [(3,)]


def test_a_contact_the_store_remembers_but_is_gone_is_stored_again() -> None:
    """A contact the Store wrote and remembers, deleted by another writer: the update
    that counted on it changes no row, and the batch is written again, looking up."""
    store = Store.open(":memory:")
    store.add_pages(1, [_page("http://a.test/", "a.test", ("jo@a.test",))])
    store.con.execute("DELETE FROM contacts")
    store.add_pages(2, [_page("http://a.test/about", "a.test", ("jo@a.test",))])
    assert store.query("SELECT value, first_run, last_run, source_url FROM contacts")[1] == [
        ("jo@a.test", 2, 2, "http://a.test/about")]


def test_a_page_fetched_again_in_a_later_batch_is_updated() -> None:
    store = Store.open(":memory:")
    store.add_pages(1, [_page("http://a.test/", "a.test", ("jo@a.test",), ("b.test",))])
    store.add_pages(1, [_page("http://c.test/", "c.test")])  # nothing stored: no lookup next
    again = _page("http://a.test/", "a.test", ("jo@a.test",), ("b.test", "d.test"))
    store.add_pages(2, [again, _page("http://e.test/", "e.test")])
    assert store.query("SELECT url, run_id FROM pages ORDER BY url")[1] == [
        ("http://a.test/", 2), ("http://c.test/", 1), ("http://e.test/", 2)]
    assert store.query("SELECT target_domain, run_id FROM links ORDER BY 1")[1] == [
        ("b.test", 2), ("d.test", 2)]
    assert store.query("SELECT first_run, last_run FROM contacts")[1] == [(1, 2)]


def test_a_flush_is_one_transaction(monkeypatch: pytest.MonkeyPatch) -> None:
    """Candidates, pages, site facts, 304 pages and crawled marks commit together: a
    failure in the last write leaves none of them, and the same flush retried stores
    them all."""
    from prospector.crawl.sink import StoreSink
    from prospector.models import PageUnchanged, SiteDone

    store = Store.open(":memory:")
    run = store.start_run("bees", "{}")
    sink = StoreSink(store, run)
    items = [Candidate(url="http://a.test/", domain="a.test", why="bees"),
             _page("http://a.test/", "a.test", ("jo@a.test",), ("b.test",)),
             PageUnchanged(site="a.test", url="http://a.test/old"), SiteDone(site="a.test")]
    for item in items:
        sink.add(item)

    def fail(run_id: int, domains: object) -> None:
        raise duckdb.IOException("disk full")

    monkeypatch.setattr(store, "mark_sites_crawled", fail)
    with pytest.raises(duckdb.IOException):
        sink.flush()
    for table in ("sites", "pages", "contacts", "links"):
        assert store.query(f"SELECT count(*) FROM {table}")[1] == [(0,)], table
    monkeypatch.undo()
    sink = StoreSink(store, run)
    for item in items:
        sink.add(item)
    sink.flush()
    assert store.query("SELECT domain, crawl_run FROM sites")[1] == [("a.test", run)]
    assert [store.query(f"SELECT count(*) FROM {t}")[1][0][0]
            for t in ("pages", "contacts", "links")] == [1, 1, 1]


def test_db_limits_are_checked_and_set_back(tmp_path: Path) -> None:
    """A memory limit is formatted into SQL (SET takes no parameter): only a size gets
    in. What DuckDB printed goes back as it was; a form SET does not take, as the default."""
    with Store.open(tmp_path / "p.duckdb") as store:
        saved = store.db_limits()
        with pytest.raises(ValueError, match="not a memory size"):
            store.set_db_limits("1GB'; DROP TABLE sites; --")
        store.set_db_limits("64mb", 1)  # as a user may write it (DuckDB takes either case)
        assert store.db_limits()[1] == 1 and store.db_limits()[0] != saved[0]
        store.restore_db_limits(saved)
        limit, threads = store.db_limits()
        # DuckDB prints a size rounded ('18.8 GiB'): set back, it may read a notch lower.
        assert threads == saved[1] and limit.split()[1] == saved[0].split()[1]
        assert float(limit.split()[0]) == pytest.approx(float(saved[0].split()[0]), abs=0.11)
        store.set_db_limits("64MB")
        store.restore_db_limits(("no limit", saved[1]))
        assert store.db_limits() == saved  # DuckDB's default, as at the start


def test_a_run_is_resumed_only_when_it_did_not_end() -> None:
    store = Store.open(":memory:")
    done = store.start_run("bees", "{}")
    store.finish_run(done, "done")
    partial = store.start_run("bees", "{}")
    store.finish_run(partial, "partial")
    assert not store.resume_run(done) and not store.resume_run(999)
    assert store.resume_run(partial)
    assert [store.run_summary(r)["status"] for r in (done, partial)] == ["done", "running"]
    with pytest.raises(KeyError):
        store.run_summary(999)


@pytest.mark.parametrize("name", ["sites", "jv_partners; DROP TABLE sites", "contacts"])
def test_a_list_is_read_only_by_a_whitelisted_name(name: str) -> None:
    """A view name is formatted into the SQL (a name cannot be a parameter)."""
    store = Store.open(":memory:")
    for read in (store.list_rows, store.list_domains):
        with pytest.raises(ValueError, match="unknown list"):
            read(name)
    with pytest.raises(ValueError, match="unknown list"):
        store.list_rank(name, "a.test")
    assert store.list_rows("jv_partners") == [] and store.query("SELECT count(*) FROM sites")[1] == [(0,)]


def test_contacted_sites_and_the_cooldown() -> None:
    """mark-contacted's reads and writes: the site an address was found on, the contact
    recorded, and a cooldown of 0 days that ends it at once (the default is 90)."""
    store = Store.open(":memory:")
    run = store.start_run("bees", "{}")
    store.add_candidates(run, [Candidate("http://a.test/", "a.test", "q")])
    store.add_pages(run, [_page("http://a.test/", "a.test", ("jo@a.test",))])
    assert store.email_site("jo@a.test") == "a.test" and store.email_site("x@b.test") is None
    store.mark_contacted("jo@a.test", "email", "a.test", "hello")
    assert store.query("SELECT contacted_note, in_cooldown FROM prospects")[1] == [("hello", True)]
    store.set_contact_cooldown(0)
    assert store.query("SELECT in_cooldown FROM prospects")[1] == [(False,)]


def test_the_sites_kind_is_its_pages_vote_not_the_home_pages_guess() -> None:
    """Issue 18: merge_site's site-level vote is the stored kind; finish_run's home-page
    kind fills in only for a site whose crawl never reached its end."""
    with Store.open(":memory:") as store:
        run = store.start_run("beekeeping", "{}")
        store.add_candidates(run, [Candidate("http://voted.test/", "voted.test", "seed"),
                                   Candidate("http://unvoted.test/", "unvoted.test", "seed")])
        pages = [FetchedPage(site=d, url=f"http://{d}/", status=200, content_type="text/html",
                             size=10, facts=PageFacts(url=f"http://{d}/", domain=d, kind="shop"))
                 for d in ("voted.test", "unvoted.test")]
        store.write_batch(run, pages, profiles=[SiteProfile(domain="voted.test", kind="blog")])
        store.finish_run(run, "done")
        kinds = dict(store.query("SELECT domain, kind FROM sites ORDER BY domain")[1])
    assert kinds == {"unvoted.test": "shop", "voted.test": "blog"}


def test_an_open_waits_for_a_file_held_a_moment(tmp_path: Path) -> None:
    """A crawl's batch write or a reader's query holds the file a moment: an open that
    meets it tries again (up to its `wait`) instead of failing at once."""
    import subprocess
    import sys
    import time

    path = tmp_path / "p.duckdb"
    Store.open(path).close()
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import duckdb,sys,time; c=duckdb.connect(sys.argv[1]); print('ok', flush=True);"
         " time.sleep(1.0); c.close(); time.sleep(60)", str(path)],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ok"
        with pytest.raises(LockedError):
            Store.open(path, wait=0)  # no wait: "in use" at once
        started = time.monotonic()
        with Store.open(path, read_only=True) as store:  # the default wait
            assert store.run_count() == 0
        assert time.monotonic() - started < 5
    finally:
        holder.kill()
        holder.wait()
        assert holder.stdout is not None
        holder.stdout.close()
