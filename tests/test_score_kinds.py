"""Each site kind's share of the JV score (`[weights.jv_kinds]`, issue 18)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from prospector.config.sources import load_config_file
from prospector.errors import InputError
from prospector.extract.vocab.kinds import KINDS
from prospector.score import score_site
from prospector.score.weights import DEFAULT_WEIGHTS, check_weights

SITE = {"status": "ok", "today": date(2024, 6, 1), "bm25": 1.0, "relevance": 1.0,
        "channel": "email", "role": "personal", "deal_signals": "advertise",
        "latest_date": "2024-05-28", "pagerank": 0.02, "groups": 100, "hits_authority": 0.5,
        "comments": 10, "members": 5000}


def test_every_kind_has_a_share() -> None:
    assert set(DEFAULT_WEIGHTS["jv_kinds"]) == set(KINDS)


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_but_forums_can_be_a_partner(kind: str) -> None:
    scores = score_site({**SITE, "kind": kind})
    assert (scores.jv.total > 0) == (kind != "forum")
    assert (scores.community.total > 0) == (kind in ("forum", "blog"))


def test_a_share_scales_the_jv_score() -> None:
    weights = check_weights({"jv_kinds": {"directory": 0.5}})
    full = score_site({**SITE, "kind": "directory"})
    half = score_site({**SITE, "kind": "directory"}, weights)
    assert half.jv.total == pytest.approx(full.jv.total / 2, abs=0.05)
    # Other kinds keep their default share; a kind from an older crawl counts as other.
    assert score_site({**SITE, "kind": "blog"}, weights).jv.total == \
        score_site({**SITE, "kind": "blog"}).jv.total
    assert score_site({**SITE, "kind": "linkfarm"}).jv.total == \
        score_site({**SITE, "kind": "other"}).jv.total


@pytest.mark.parametrize(("text", "error"), [
    ("[weights.jv_kinds]\ndirectory = 0.5\nforum = 0\n", None),
    ("[weights.jv_kinds]\nnews = 2\n", "weights.jv_kinds.news must be a share from 0 to 1"),
    ("[weights.jv_kinds]\nmagazine = 0.5\n", "unknown factor weights.jv_kinds.magazine"),
])
def test_config_file_kind_shares(tmp_path: Path, text: str, error: str | None) -> None:
    path = tmp_path / "w.toml"
    path.write_text(text)
    if error is None:
        assert load_config_file(path)["weights"] == {"jv_kinds": {"directory": 0.5,
                                                                  "forum": 0.0}}
    else:
        with pytest.raises(InputError, match=error):
            load_config_file(path)
