"""Pure factor tests (tables), BM25, the link graph, weights, and the scoring at 10,000
sites."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import pytest

from prospector import score
from prospector.config.sources import load_config_file
from prospector.errors import InputError
from prospector.score import factors as f
from prospector.score import rescore, score_site
from prospector.score.graph import Edge, analyse, edge_weight, owner_groups, pagerank
from prospector.score.relevance import bm25, reference, stem, terms
from prospector.score.weights import DEFAULT_WEIGHTS, check_weights
from prospector.store.db import Store

TODAY = date(2024, 6, 1)


@pytest.mark.parametrize(
    ("channel", "role", "expected"),
    [("email", "personal", 1.0), ("email", "role", 0.8), ("email", None, 0.8),
     ("form", None, 0.5), ("social", "facebook", 0.25), (None, None, 0.0)],
)
def test_reachability_order(channel: str | None, role: str | None, expected: float) -> None:
    assert f.reachability(channel, role) == expected


@pytest.mark.parametrize(
    ("signals", "expected"),
    [("", 0.0), (None, 0.0), ("shop", 0.0), ("write_for_us", 0.7), ("affiliate", 0.7),
     ("advertise", 0.9), ("partners", 1.0), ("advertise, sponsor", 1.0),
     ("write_for_us, affiliate, shop", 0.8)],
)
def test_openness(signals: str | None, expected: float) -> None:
    assert f.openness(signals) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("latest", "expected"),
    [("2024-06-01", 1.0), ("2024-05-02", 1.0), ("2023-11-04", 0.5), ("2023-05-08", 0.25),
     ("", f.UNKNOWN_ACTIVITY), ("not a date", f.UNKNOWN_ACTIVITY)],
)
def test_activity_halves_every_six_months(latest: str, expected: float) -> None:
    assert f.activity(f.days_since(latest, TODAY)) == pytest.approx(expected, abs=0.01)


@pytest.mark.parametrize(
    ("members", "posts", "comments", "newsletter", "expected"),
    [(None, None, None, None, 0.0), (100, None, None, None, 0.0),
     (20_000, None, None, None, 1.0), (20_000, 500_000, None, None, 1.0),
     (None, None, 20, None, 1.0), (None, None, 5, None, 0.25),
     (None, None, None, "substack", f.NEWSLETTER_VALUE), (50, 10, 1, "form", f.NEWSLETTER_VALUE)],
)
def test_audience(members: int | None, posts: int | None, comments: int | None,
                  newsletter: str | None, expected: float) -> None:
    assert f.audience(members, posts, comments, newsletter) == pytest.approx(expected, abs=1e-6)


def test_audience_grows_with_members() -> None:
    values = [f.audience(m, None, None, None) for m in (150, 1000, 5000, 25_000)]
    assert values == sorted(values) and values[0] < values[-1]


@pytest.mark.parametrize(("is_open", "expected"), [(True, 1.0), (None, 0.5), (False, 0.0)])
def test_registration(is_open: bool | None, expected: float) -> None:
    assert f.registration(is_open) == expected


@pytest.mark.parametrize(
    ("raw", "ref", "value", "gate"),
    [(0.0, 1.0, 0.0, 0.0), (0.25, 1.0, 0.25, 0.5), (0.5, 1.0, 0.5, 1.0), (2.0, 1.0, 1.0, 1.0),
     (1.0, 0.0, 0.0, 0.0)],
)
def test_relevance_and_niche_gate(raw: float, ref: float, value: float, gate: float) -> None:
    assert f.relevance(raw, ref) == value
    assert f.niche_gate(f.relevance(raw, ref)) == gate


def test_authority_is_monotone_and_bounded() -> None:
    values = [f.authority(pr, 100, 0.0) for pr in (0.0, 0.005, 0.01, 0.05, 0.5)]
    assert values == sorted(values) and values[0] == 0.0 and values[-1] == 0.5
    assert f.authority(0.5, 100, 1.0) == 1.0


# -- relevance -------------------------------------------------------------------------

@pytest.mark.parametrize(("word", "expected"), [("beekeeping", "beekeep"), ("beekeepers", "beekeep"),
                                                ("bees", "bees"), ("hives", "hive")])
def test_stem(word: str, expected: str) -> None:
    assert stem(word) == expected


def test_terms_of_keyword_and_variants() -> None:
    assert terms(("beekeeping", "honey bees", "Beekeepers")) == ["beekeep", "honey", "bees"]


def test_bm25_saturates_and_rewards_more_hits() -> None:
    tf = {"beekeep": {"a": 1.0, "b": 5.0, "c": 50.0}}
    scores = bm25(tf, {"a": 100.0, "b": 100.0, "c": 100.0, "off": 100.0})
    assert scores["off"] == 0.0 < scores["a"] < scores["b"] < scores["c"]
    assert scores["c"] < 3 * scores["b"]  # term frequency saturates (k1)
    assert reference(list(scores.values())) == scores["c"]
    assert reference([0.0, 0.0]) == 0.0


def test_bm25_prefers_the_shorter_site_at_equal_hits() -> None:
    scores = bm25({"beekeep": {"short": 5.0, "long": 5.0}}, {"short": 100.0, "long": 5000.0})
    assert scores["short"] > scores["long"]


# -- the link graph ----------------------------------------------------------------------

@pytest.mark.parametrize(("sections", "expected"),
                         [(("blogroll",), 1.0), (("footer",), 0.3), (("footer", "content"), 1.0),
                          (("signature",), 0.8), (("weird",), 0.5), ((), 0.5)])
def test_edge_weight(sections: tuple[str, ...], expected: float) -> None:
    assert edge_weight(sections) == expected


def test_pagerank_sums_to_one_and_follows_links() -> None:
    nodes = ["a", "b", "c", "d"]
    ranks = pagerank(nodes, {("a", "c"): 1.0, ("b", "c"): 1.0, ("d", "c"): 1.0, ("c", "a"): 1.0})
    assert sum(ranks.values()) == pytest.approx(1.0)
    assert max(ranks, key=lambda n: ranks[n]) == "c"
    assert ranks["b"] == ranks["d"]


def test_owner_groups_join_sites_sharing_a_contact() -> None:
    groups = owner_groups(["a", "b", "c", "d"], [["c", "b"], ["d", "c"], ["x", "a"]])
    assert groups == {"a": "a", "b": "b", "c": "b", "d": "b"}


def _edge(s: str, t: str, section: str = "blogroll") -> Edge:
    return Edge(s, t, 1, 1, (), (section,))


def test_a_link_farm_of_one_owner_lifts_nothing() -> None:
    """20 sites of one owner linking each other and a target gain no authority over a
    site three independent sites recommend."""
    farm = [f"farm{i:02d}" for i in range(20)]
    real = ["r1", "r2", "r3", "star"]
    edges = [_edge(a, b) for a in farm for b in farm if a != b]
    edges += [_edge(a, "target") for a in farm]
    edges += [_edge(r, "star") for r in ("r1", "r2", "r3")]
    result = analyse(sorted([*farm, "target", *real]), edges, [[*farm, "target"]])
    assert result.groups == 5
    assert result.inlinks["target"] == 0 and result.inlinks["star"] == 3
    assert result.pagerank["star"] > result.pagerank["target"]
    assert all(w == 0.0 for (s, _), w in result.weights.items() if s.startswith("farm"))
    # Without the shared contact the farm would have carried its target.
    naive = analyse(sorted([*farm, "target", *real]), edges, [])
    assert naive.pagerank["target"] > naive.pagerank["star"]


def test_footer_links_count_less() -> None:
    edges = [_edge("a", "x", "footer"), _edge("b", "y", "blogroll"),
             _edge("x", "a"), _edge("y", "b")]
    result = analyse(["a", "b", "x", "y"], edges, [])
    assert result.pagerank["y"] > result.pagerank["x"]
    assert result.authority["y"] > result.authority["x"]


# -- the scores ------------------------------------------------------------------------

GOOD_BLOG = {"kind": "blog", "status": "ok", "today": TODAY, "bm25": 1.0, "relevance": 1.0,
             "channel": "email", "role": "personal", "deal_signals": "advertise, write_for_us",
             "latest_date": "2024-05-28", "pagerank": 0.02, "groups": 100,
             "hits_authority": 0.5, "comments": 10}


def test_breakdowns_add_up_in_the_report_shape() -> None:
    s = score_site(GOOD_BLOG)
    for part, weights in ((s.jv, DEFAULT_WEIGHTS["jv"]), (s.community, DEFAULT_WEIGHTS["community"])):
        assert set(part.breakdown) == set(weights)
        assert part.total == pytest.approx(sum(b["points"] for b in part.breakdown.values()))
        assert all({"raw", "value", "weight", "points"} <= set(b) for b in part.breakdown.values())
        assert 0 < part.total <= 100
    assert sum(DEFAULT_WEIGHTS["jv"].values()) == sum(DEFAULT_WEIGHTS["community"].values()) == 100


@pytest.mark.parametrize(
    ("change", "jv_drops", "community_drops"),
    [({"deal_signals": ""}, True, False), ({"channel": None}, True, False),
     ({"latest_date": "2020-01-01"}, True, True), ({"relevance": 0.1}, True, True),
     ({"comments": None}, True, True), ({"hits_authority": 0.0}, True, True)],
)
def test_each_factor_moves_its_scores(change: dict[str, object], jv_drops: bool,
                                      community_drops: bool) -> None:
    base, worse = score_site(GOOD_BLOG), score_site({**GOOD_BLOG, **change})
    assert (worse.jv.total < base.jv.total) == jv_drops
    assert (worse.community.total < base.community.total) == community_drops


def test_off_niche_site_is_gated_however_reachable() -> None:
    cars = score_site({**GOOD_BLOG, "bm25": 0.0, "relevance": 0.0})
    assert cars.jv.total == 0 and cars.community.total == 0
    half = score_site({**GOOD_BLOG, "relevance": 0.25})
    assert half.jv.breakdown["openness"]["gate"] == 0.5


@pytest.mark.parametrize(("kind", "jv", "community"),
                         [("forum", False, True), ("blog", True, True), ("shop", True, False),
                          ("newsletter", True, False), ("other", True, False)])
def test_kinds_each_score_applies_to(kind: str, jv: bool, community: bool) -> None:
    s = score_site({**GOOD_BLOG, "kind": kind, "members": 5000})
    assert (s.jv.total > 0) == jv and (s.community.total > 0) == community


def test_failed_site_scores_zero() -> None:
    assert score_site({**GOOD_BLOG, "status": "error"}).total == 0


# -- weights -----------------------------------------------------------------------------

def test_weights_override_and_validate() -> None:
    used = check_weights({"jv": {"openness": 30, "reachability": 20}})
    assert used["jv"]["openness"] == 30 and used["community"] == DEFAULT_WEIGHTS["community"]
    for bad, message in (({"jv": {"openness": 50}}, "add up to 100"),
                         ({"jv": {"size": 5}}, "unknown factor weights.jv.size"),
                         ({"partner": {}}, "unknown score"),
                         ({"jv": {"openness": True}}, "must be a number")):
        with pytest.raises(ValueError, match=message):
            check_weights(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "error"),
    [("[weights.jv]\nopenness = 30\nreachability = 20\n", None),
     ("[weights.jv]\nopenness = 50\n", "weights.jv must add up to 100 (they add up to 125)"),
     ("[weights.community]\nsize = 5\n", "unknown factor weights.community.size"),
     ("[weights]\njv = 3\n", "weights must be tables"),
     ("[weights.jv]\nopenness = 'lots'\n", "must be a number")],
)
def test_config_file_weights(tmp_path: Path, text: str, error: str | None) -> None:
    path = tmp_path / "w.toml"
    path.write_text(text)
    if error is None:
        assert load_config_file(path)["weights"] == {"jv": {"openness": 30.0, "reachability": 20.0}}
    else:
        with pytest.raises(InputError, match=error.replace("(", r"\(").replace(")", r"\)")):
            load_config_file(path)


# -- the whole scoring, at scale -------------------------------------------------------------

def _big_store(n: int, path: str | Path = ":memory:") -> Store:
    """n sites, one page each, ~5 links a site (blogrolls and footers), one run."""
    store = Store.open(path)
    store.con.execute("INSERT INTO runs (keyword, started_at, status) VALUES"
                      " ('beekeeping', TIMESTAMP '2024-06-01 00:00:00', 'done')")
    store.con.execute(
        "INSERT INTO sites (domain, url, kind, status, latest_date, deal_signals, members)"
        " SELECT 's' || i || '.test', 'http://s' || i || '.test/',"
        " ['forum', 'blog', 'shop', 'other'][i % 4 + 1], 'ok',"
        " CASE WHEN i % 3 = 0 THEN '2024-05-20' ELSE '2022-01-01' END,"
        " CASE WHEN i % 5 = 0 THEN 'advertise' ELSE '' END,"
        " CASE WHEN i % 4 = 0 THEN i ELSE NULL END FROM range(?) t(i)", [n])
    store.con.execute(
        "INSERT INTO pages (url, domain, status, title, text) SELECT"
        " 'http://s' || i || '.test/', 's' || i || '.test', 200, 'Site ' || i,"
        " repeat('beekeeping hives honey ', i % 7) || repeat('weather and news ', 20)"
        " FROM range(?) t(i)", [n])
    store.con.execute(
        "INSERT INTO links (source_url, target_url, source_domain, target_domain, section)"
        " SELECT 'http://s' || i || '.test/', 'http://s' || ((i * 7 + j * 13) % ?) || '.test/',"
        " 's' || i || '.test', 's' || ((i * 7 + j * 13) % ?) || '.test',"
        " CASE WHEN j = 0 THEN 'footer' ELSE 'blogroll' END"
        " FROM range(?) t(i), range(5) u(j) ON CONFLICT DO NOTHING", [n, n, n])
    return store


def test_rescore_10000_sites_is_fast_and_stable() -> None:
    with _big_store(10_000) as store:
        t0 = time.perf_counter()
        assert rescore(store) == 10_000
        elapsed = time.perf_counter() - t0
        first = store.query("SELECT domain FROM jv_partners")[1]
        rescore(store)
        again = store.query("SELECT domain FROM jv_partners")[1]
        links = store.query("SELECT count(*) FROM site_links")[1][0][0]
        # Written in slices of a thousand rows: every row arrives once.
        assert store.query("SELECT count(*), count(DISTINCT domain) FROM scores")[1] == [
            (10_000, 10_000)]
        assert store.query("SELECT count(*) FROM site_metrics")[1][0][0] == 10_000
    print(f"rescore of 10,000 sites, {links} site edges: {elapsed:.2f} s")
    assert first == again
    assert elapsed < 15.0  # ≈8 s measured on a loaded 2-CPU machine (README)


_ONE_QUERY = """
    SELECT domain,
           sum(len(regexp_extract_all(lower(title), ?))) AS title_hits,
           sum(len(regexp_extract_all(lower(text), ?))) AS text_hits,
           sum(length(title) - length(replace(title, ' ', ''))
               + length(text) - length(replace(text, ' ', '')) + 2) AS words
    FROM pages WHERE status BETWEEN 200 AND 299
    GROUP BY domain ORDER BY domain
"""


def test_term_counts_in_slices_equal_one_query(monkeypatch: pytest.MonkeyPatch) -> None:
    with _big_store(500) as store:
        # Failed pages count nothing; a second page adds to its site's sums.
        store.con.execute("UPDATE pages SET status = 404 WHERE domain = 's5.test'")
        store.con.execute("INSERT INTO pages (url, domain, status, title, text) VALUES"
                          " ('http://s8.test/b', 's8.test', 200, 'Beekeepers', 'beekeeping')")
        pattern = r"\bbeekeep[a-z]*"
        whole = store.query(_ONE_QUERY, [pattern, pattern])[1]
        monkeypatch.setattr(Store, "TERM_BATCH", 7)
        assert store.term_counts(pattern) == whole
        assert [r for r in whole if r[0] == "s8.test"] == [("s8.test", 1, 2, 68)]
        assert not any(r[0] == "s5.test" for r in whole)


def test_scoring_caps_the_connection_and_restores_it(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    with Store.open(tmp_path / "s.duckdb") as store:
        store.con.execute("SET memory_limit = '1GB'")
        store.con.execute("SET threads = 2")
        seen: list[tuple[str, int]] = []
        counts = Store.term_counts

        def spy(self: Store, pattern: str) -> list[tuple[object, ...]]:
            row = self.con.execute("SELECT current_setting('memory_limit'),"
                                   " current_setting('threads')").fetchone()
            assert row is not None
            seen.append((str(row[0]), int(row[1])))
            return counts(self, pattern)

        monkeypatch.setattr(Store, "term_counts", spy)
        store.con.execute("INSERT INTO runs (keyword, started_at, status)"
                          " VALUES ('beekeeping', now()::TIMESTAMP, 'done')")
        rescore(store)
        limit, threads = seen[0]
        assert limit.endswith("MiB") and float(limit.split()[0]) < 70 and threads == 1
        after = store.con.execute("SELECT current_setting('memory_limit'),"
                                  " current_setting('threads')").fetchone()
        assert after is not None and after[1] == 2 and str(after[0]).startswith("953")


def test_scoring_beyond_the_cap_scores_again_without_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    with _big_store(2_000, tmp_path / "big.duckdb") as store:
        rescore(store)
        capped = store.query("SELECT * FROM scores ORDER BY domain")[1]
        monkeypatch.setattr(score, "SCORE_DB_MEMORY_LIMIT", "1MB")
        with caplog.at_level("WARNING", logger="prospector.score"):
            assert rescore(store) == 2_000
        assert "without the cap" in caplog.text
        assert store.query("SELECT * FROM scores ORDER BY domain")[1] == capped
