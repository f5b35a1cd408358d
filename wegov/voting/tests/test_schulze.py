"""The Schulze module against the published examples, and its properties."""

import json
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wegov.voting.schulze import Ballot, input_hash, pairwise_matrix, strongest_paths, tally

CASES = json.loads((Path(__file__).parent / "data" / "schulze_cases.json").read_text())


def _case_ballots(case):
    return [Ballot.of(entry["ballot"], weight=entry["count"]) for entry in case["ballots"]]


def _options(case):
    return sorted({o for entry in case["ballots"] for group in entry["ballot"] for o in group})


def _pairs(matrix):
    return {f"{x}>{y}": v for x, row in matrix.items() for y, v in row.items()}


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_published_cases(case):
    result = tally(_options(case), _case_ballots(case))
    assert _pairs(result.pairwise) == case["pairwise_d"]
    if "expected_strongest_paths_p" in case:
        assert _pairs(result.strengths) == case["expected_strongest_paths_p"]
    if case["expected_winner"]:
        assert result.winners == (case["expected_winner"],)
        assert not result.is_tie
    else:
        assert set(result.winners) == set(case["expected_tied_winners"])
        assert result.is_tie
    expected = [
        tuple(sorted(item.replace(" (tie)", "").split("|")))
        for item in case["expected_ranking_by_beatpath_wins"]
    ]
    assert [tuple(sorted(g)) for g in result.ranking] == expected


def test_published_ranking_string():
    case = CASES[0]
    result = tally(_options(case), _case_ballots(case))
    assert " > ".join(g[0] for g in result.ranking) == case["published_ranking"]


def test_weight_equals_repeated_ballots():
    one = tally("ABC", [Ballot.of(["A", "B", "C"], weight=3), Ballot.of(["C", "B", "A"], 2)])
    many = tally("ABC", [Ballot.of(["A", "B", "C"])] * 3 + [Ballot.of(["C", "B", "A"])] * 2)
    assert one.pairwise == many.pairwise
    assert one.ranking == many.ranking
    assert one.total_weight == many.total_weight == 5


def test_unranked_options_rank_below_ranked_ones():
    d = pairwise_matrix("ABC", [Ballot.of(["B"])])
    assert d["B"]["A"] == 1 and d["B"]["C"] == 1
    assert d["A"]["C"] == 0 and d["C"]["A"] == 0
    assert d["A"]["B"] == 0


def test_ties_on_a_ballot_count_for_neither():
    d = pairwise_matrix("ABC", [Ballot.of([["A", "B"], "C"])])
    assert d["A"]["B"] == d["B"]["A"] == 0
    assert d["A"]["C"] == d["B"]["C"] == 1


def test_empty_ballots_and_no_ballots():
    result = tally("ABC", [])
    assert result.winners == ("A", "B", "C")
    assert result.ranking == (("A", "B", "C"),)
    assert result.is_tie
    assert tally("ABC", [Ballot.of([])]).ranking == (("A", "B", "C"),)


def test_no_options():
    result = tally([], [])
    assert result.winners == () and result.ranking == ()


def test_bad_ballots_are_refused():
    with pytest.raises(ValueError, match="Unknown"):
        tally("AB", [Ballot.of(["A", "Z"])])
    with pytest.raises(ValueError, match="twice"):
        tally("AB", [Ballot.of(["A", ["A", "B"]])])
    with pytest.raises(ValueError, match="negative"):
        tally("AB", [Ballot.of(["A"], weight=-1)])
    with pytest.raises(ValueError, match="distinct"):
        tally("AA", [])


def test_strongest_paths_go_through_intermediates():
    # A beats B 2:1, B beats C 3:0, C beats A 2:1 → cycle.
    ballots = [Ballot.of(["A", "B", "C"]), Ballot.of(["B", "C", "A"]), Ballot.of(["C", "A", "B"])]
    d = pairwise_matrix("ABC", ballots)
    p = strongest_paths("ABC", d)
    assert d["A"]["B"] == 2 and d["B"]["C"] == 2 and d["C"]["A"] == 2
    assert p["A"]["C"] == 2  # A→B→C
    assert tally("ABC", ballots).winners == ("A", "B", "C")


def test_ranking_is_consistent_with_strengths():
    case = CASES[0]
    result = tally(_options(case), _case_ballots(case))
    flat = [g[0] for g in result.ranking]
    for i, x in enumerate(flat):
        for y in flat[i + 1 :]:
            assert result.beats(x, y)


def test_input_hash_ignores_order_but_not_content():
    a = [Ballot.of(["A", "B"]), Ballot.of([["B", "C"], "A"], 2)]
    b = [Ballot.of([["C", "B"], "A"], 2), Ballot.of(["A", "B"])]
    assert input_hash("ABC", a) == input_hash("ABC", b)
    assert input_hash("ABC", a) != input_hash("ABC", a[:1])
    assert input_hash("ABC", a) != input_hash("ABC", [a[0], Ballot.of([["B", "C"], "A"], 3)])


def test_as_dict_is_json():
    result = tally("ABC", [Ballot.of(["A", "B"])])
    data = json.loads(json.dumps(result.as_dict()))
    assert data["winners"] == ["A"]
    assert data["ranking"] == [["A"], ["B"], ["C"]]


# --- Properties ----------------------------------------------------------------------

OPTIONS = "ABCDE"


@st.composite
def ballots(draw, options=OPTIONS, max_size=12):
    n = draw(st.integers(0, max_size))
    out = []
    for _ in range(n):
        ranked = draw(st.permutations(options))
        cut = draw(st.integers(0, len(options)))
        levels = draw(st.lists(st.integers(0, 3), min_size=cut, max_size=cut))
        groups: dict[int, list[str]] = {}
        for option, level in zip(ranked[:cut], levels, strict=True):
            groups.setdefault(level, []).append(option)
        weight = draw(st.integers(1, 3))
        out.append(Ballot.of([groups[k] for k in sorted(groups)], weight=weight))
    return out


@settings(max_examples=150, deadline=None)
@given(ballots(), st.randoms(use_true_random=False))
def test_order_of_ballots_never_matters(bs, rnd):
    shuffled = list(bs)
    rnd.shuffle(shuffled)
    assert tally(OPTIONS, bs) == tally(OPTIONS, shuffled)


@settings(max_examples=150, deadline=None)
@given(ballots())
def test_condorcet_winner_always_wins(bs):
    d = pairwise_matrix(OPTIONS, bs)
    condorcet = [x for x in OPTIONS if all(d[x][y] > d[y][x] for y in OPTIONS if y != x)]
    result = tally(OPTIONS, bs)
    if condorcet:
        assert result.winners == (condorcet[0],)
        assert result.ranking[0] == (condorcet[0],)


@settings(max_examples=150, deadline=None)
@given(ballots())
def test_ranking_is_a_partition_respecting_beats(bs):
    result = tally(OPTIONS, bs)
    flat = [x for g in result.ranking for x in g]
    assert sorted(flat) == sorted(OPTIONS)
    assert result.ranking[0] == result.winners
    position = {x: i for i, g in enumerate(result.ranking) for x in g}
    for x in OPTIONS:
        for y in OPTIONS:
            if x != y and result.beats(x, y):
                assert position[x] < position[y]
                assert not result.beats(y, x)


@settings(max_examples=100, deadline=None)
@given(ballots())
def test_beats_is_transitive(bs):
    result = tally(OPTIONS, bs)
    for x in OPTIONS:
        for y in OPTIONS:
            for z in OPTIONS:
                if len({x, y, z}) == 3 and result.beats(x, y) and result.beats(y, z):
                    assert result.beats(x, z)


@settings(max_examples=100, deadline=None)
@given(ballots(options="ABCD"))
def test_cloning_an_option_keeps_the_winner_among_the_others(bs):
    """Independence of clones: add D2, a clone of D ranked right next to it."""
    cloned = []
    for b in bs:
        groups = []
        for group in b.groups:
            if group == {"D"}:
                groups += [group, frozenset({"D2"})]
            elif "D" in group:
                groups.append(group | {"D2"})
            else:
                groups.append(group)
        cloned.append(Ballot(tuple(groups), b.weight))
    before = set(tally("ABCD", bs).winners) - {"D"}
    after = set(tally(("A", "B", "C", "D", "D2"), cloned).winners) - {"D", "D2"}
    assert after == before


def test_random_large_election_is_quick_and_consistent():
    rnd = random.Random(7)
    options = [f"o{i}" for i in range(30)]
    bs = []
    for _ in range(500):
        ranked = options[:]
        rnd.shuffle(ranked)
        bs.append(Ballot.of(ranked[: rnd.randint(0, 30)], weight=rnd.randint(1, 4)))
    result = tally(options, bs)
    assert sum(len(g) for g in result.ranking) == 30
    assert result.total_weight == sum(b.weight for b in bs)
