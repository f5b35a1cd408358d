"""The Method of Equal Shares against pabutools, on the real files and on
seeded random instances. pabutools runs live except for the add1 completion on
the real files where it takes minutes: there its outcomes were recorded into
pabutools_add1.json by ``python -m wegov.budgeting.pb.reference`` (the bench
re-checks the largest file live)."""

import json
from fractions import Fraction
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from wegov.budgeting.pb import (
    REASONS,
    Instance,
    PabulibError,
    Project,
    Vote,
    input_hash,
    read,
    satisfied_voter_share,
    tally,
)
from wegov.budgeting.pb.reference import pabutools_election, pabutools_mes, satisfactions_for
from wegov.budgeting.pb.synthetic import small_instance

from .data import DATA, FILES

RECORDED = json.loads((Path(__file__).parent / "pabutools_add1.json").read_text())
# add1 is quick enough in pabutools on these to run it live as well
QUICK_ADD1 = (
    "Netherlands_Amsterdam_523",
    "Poland_Warszawa_2017_CentrumWola_GrzybowskaGroszowka",
    "Poland_Warszawa_2018_Miedzeszyn",
    "Poland_Warszawa_2018_Pole_Mokotowskie",
    "Poland_Wroclaw_2017_Rejon_nr_11_750",
)


@cache
def real(name: str):
    instance = read(DATA / f"{name}.pb")
    return instance, pabutools_election(instance)


def same_outcome(instance: Instance, mine: list[str], theirs: list[str]) -> bool:
    """Equal in order, except that pabutools adds free projects (cost 0) in no
    set order: those are compared as a set."""
    free = {pid for pid, p in instance.projects.items() if p.cost == 0}
    return [p for p in mine if p not in free] == [p for p in theirs if p not in free] and {
        p for p in mine if p in free
    } == {p for p in theirs if p in free}


CASES_REAL = [
    (path.stem, satisfaction, completion)
    for path in FILES
    for satisfaction in satisfactions_for(read(path))
    for completion in ("none", "greedy")
]


@pytest.mark.parametrize(("name", "satisfaction", "completion"), CASES_REAL)
def test_real_files_as_pabutools(name, satisfaction, completion):
    instance, election = real(name)
    outcome = tally(instance, "mes", satisfaction=satisfaction, completion=completion)
    theirs = pabutools_mes(
        instance, satisfaction=satisfaction, completion=completion, election=election
    )
    assert outcome.selected == theirs


CASES_RECORDED = [
    (name, key) for name, outcomes in RECORDED["outcomes"].items() for key in outcomes
]


def test_recorded_outcomes_cover_every_file_and_satisfaction():
    assert RECORDED["pabutools"] == "1.2.3"
    assert {name for name, _ in CASES_RECORDED} == {path.name for path in FILES}
    assert len(CASES_RECORDED) == sum(len(satisfactions_for(read(p))) for p in FILES)


@pytest.mark.parametrize(("name", "key"), CASES_RECORDED)
def test_real_files_add1_as_recorded_from_pabutools(name, key):
    satisfaction, completion = key.split("/")
    instance = read(DATA / name)
    outcome = tally(instance, "mes", satisfaction=satisfaction, completion=completion)
    assert outcome.selected == RECORDED["outcomes"][name][key]


@pytest.mark.parametrize("name", QUICK_ADD1)
@pytest.mark.parametrize("completion", ["add1", "add1_greedy"])
def test_real_files_add1_live(name, completion):
    instance, election = real(name)
    outcome = tally(instance, "mes", satisfaction="cost", completion=completion)
    theirs = pabutools_mes(instance, satisfaction="cost", completion=completion, election=election)
    assert outcome.selected == theirs


def test_swiecie_reproduces_the_city_outcome():
    instance = read(DATA / "Poland_Swiecie_2023.pb")
    assert instance.meta["rule"] == "equalshares/add1"
    outcome = tally(instance, "mes", satisfaction="cost", completion="add1")
    expected = {p.id for p in instance.projects.values() if p.fields["selected"] == "1"}
    assert set(outcome.selected) == expected
    assert outcome.options == {"satisfaction": "cost", "completion": "add1"}
    # the city's budget, its 2553 voters, and the units added to each share
    assert outcome.detail["voters"] == "2553"
    added = int(outcome.detail["units_added_per_voter"])
    assert added > 0
    assert outcome.detail["share_per_voter_exact"] == str(Fraction(1070000, 2553) + added)
    assert int(outcome.detail["spent"]) <= instance.budget
    assert outcome.input_hash == input_hash(instance)


VOTE_TYPES = ["approval"] * 5 + ["cumulative"] * 2 + ["ordinal", "choose-1"]
COMPLETIONS = ["none", "greedy", "add1", "add1_greedy"]


def random_case(seed: int):
    vote_type = VOTE_TYPES[seed % len(VOTE_TYPES)]
    instance = small_instance(seed, vote_type)
    satisfaction = satisfactions_for(instance)[(seed // 3) % len(satisfactions_for(instance))]
    return instance, satisfaction, COMPLETIONS[(seed // 7) % 4]


@pytest.mark.parametrize("seed", range(320))
def test_random_small_instances_as_pabutools(seed):
    instance, satisfaction, completion = random_case(seed)
    outcome = tally(instance, "mes", satisfaction=satisfaction, completion=completion)
    theirs = pabutools_mes(instance, satisfaction=satisfaction, completion=completion)
    assert same_outcome(instance, outcome.selected, theirs), (satisfaction, completion)
    assert set(outcome.projects) == set(instance.projects)
    for result in outcome.projects.values():
        assert result.reason in REASONS
    if completion in ("greedy", "add1_greedy"):  # a completed outcome leaves nothing that fits
        left = instance.budget - sum(instance.projects[p].cost for p in outcome.selected)
        assert all(
            p.cost > left for p in instance.projects.values() if p.id not in outcome.selected
        )


def test_random_cases_cover_what_matters():
    cases = [random_case(seed) for seed in range(320)]
    combos = {(i.vote_type, s, c) for i, s, c in cases}
    assert len(combos) >= 30
    assert any(p.cost > i.budget for i, _, _ in cases for p in i.projects.values())
    assert any(p.cost == 0 for i, _, _ in cases for p in i.projects.values())
    assert any(not v.projects for i, _, _ in cases for v in i.votes)
    costs_tie = sum(
        1 for i, _, _ in cases if len({p.cost for p in i.projects.values()}) < len(i.projects)
    )
    assert costs_tie > 200


def medium_instance(seed: int) -> Instance:
    """120 voters, 14 projects, ballots drawn from a few popular blocks."""
    import random

    rng = random.Random(seed)
    projects = {f"m{k}": Project(f"m{k}", rng.choice([100, 200, 300, 450, 800])) for k in range(14)}
    ids = list(projects)
    blocks = [rng.sample(ids, rng.randint(1, 5)) for _ in range(6)]
    votes = []
    for voter in range(120):
        chosen = set(rng.choice(blocks)) | set(rng.sample(ids, rng.randint(0, 2)))
        votes.append(Vote(str(voter), tuple(sorted(chosen))))
    return Instance({"budget": "1500", "vote_type": "approval"}, projects, votes)


@pytest.mark.parametrize("seed", range(16))
def test_random_medium_instances_as_pabutools(seed):
    instance = medium_instance(seed)
    satisfaction = ("cost", "cardinality")[seed % 2]
    completion = ("none", "add1", "greedy", "add1_greedy")[seed % 4]
    outcome = tally(instance, "mes", satisfaction=satisfaction, completion=completion)
    assert outcome.selected == pabutools_mes(
        instance, satisfaction=satisfaction, completion=completion
    )


def hand_instance() -> Instance:
    # budget 400, four voters: 100 each
    projects = {"a": Project("a", 150), "b": Project("b", 120), "c": Project("c", 140)}
    votes = [
        Vote("1", ("a", "b")),
        Vote("2", ("a", "c")),
        Vote("3", ("b",)),
        Vote("4", ("b", "c")),
    ]
    return Instance({"budget": "400", "vote_type": "approval"}, projects, votes)


def test_the_explanation_of_a_small_election():
    outcome = tally(hand_instance(), "mes", satisfaction="cost", completion="none")
    assert outcome.selected == ["b", "c"]
    b, c, a = (outcome.projects[p] for p in "bca")
    # b: three supporters pay 40 each (rho 1/3 per unit of cost)
    assert (b.reason, b.round, b.detail["price_per_supporter"]) == ("mes_funded", 1, "40.00")
    assert (b.detail["paying_price"], b.detail["ran_out"], b.detail["rho"]) == ("3", "0", "1/3")
    # c: voter 4 has 60 left and pays it all, voter 2 pays 80 (rho 4/7 < a's 3/5)
    assert (c.reason, c.round, c.detail["price_per_supporter"]) == ("mes_funded", 2, "80.00")
    assert (c.detail["paying_price"], c.detail["ran_out"], c.detail["ran_out_paid"]) == (
        "1",
        "1",
        "60.00",
    )
    assert c.detail["rho"] == "4/7"
    # a: voter 1 has 60 left, voter 2 20
    assert (a.reason, a.round) == ("mes_supporters_short", None)
    assert (a.detail["supporters_money_left"], a.detail["short_by"]) == ("80.00", "70.00")
    assert a.detail["unaffordable_after_round"] == "2"
    assert outcome.detail["share_per_voter"] == "100.00"
    assert outcome.detail["spent"] == "260"
    assert satisfied_voter_share(hand_instance(), outcome.selected) == 1.0
    assert outcome.selected == pabutools_mes(hand_instance(), completion="none")


def test_completion_and_free_and_unsupported_projects():
    instance = hand_instance()
    instance.projects["d"] = Project("d", 30)  # nobody votes for it
    instance.projects["e"] = Project("e", 0)
    instance.votes[2] = Vote("3", ("b", "e"))
    by_cost = tally(instance, "mes", satisfaction="cost", completion="greedy")
    assert by_cost.selected == ["b", "c", "d", "e"]
    assert by_cost.projects["d"].reason == "completion_funded"
    assert by_cost.projects["d"].detail["remaining_before"] == "140"
    assert by_cost.projects["e"].reason == "completion_funded"  # no one 'gains' a free project
    assert by_cost.projects["a"].detail["remaining_before"] == "140"  # too dear still
    plain = tally(instance, "mes", satisfaction="cost", completion="none")
    assert plain.projects["d"].reason == "mes_no_supporters"
    assert plain.projects["e"].reason == "mes_zero_satisfaction"
    by_count = tally(instance, "mes", satisfaction="cardinality", completion="none")
    assert by_count.projects["e"].reason == "mes_free"
    assert by_count.selected[0] == "e"


def test_points_satisfaction_explains_price_per_point():
    instance = Instance(
        {"budget": "100", "vote_type": "cumulative"},
        {"a": Project("a", 60), "b": Project("b", 60)},
        [Vote("1", ("a", "b"), (3, 1)), Vote("2", ("a",), (1,)), Vote("3", ("b",), (2,))],
    )
    outcome = tally(instance, "mes", satisfaction="points", completion="none")
    assert outcome.selected == pabutools_mes(instance, satisfaction="points", completion="none")
    funded = outcome.projects[outcome.selected[0]]
    assert "price_per_point" in funded.detail


def test_nobody_voted():
    projects = {"b": Project("b", 60), "a": Project("a", 60)}
    instance = Instance({"budget": "100", "vote_type": "approval"}, projects, [])
    assert tally(instance, "mes", completion="add1").selected == []
    # the greedy completion then goes by id
    assert tally(instance, "mes", completion="greedy").selected == ["a"]
    assert pabutools_mes(instance, completion="greedy") == ["a"]


def test_bad_options_are_refused():
    instance = hand_instance()
    with pytest.raises(PabulibError, match="unknown satisfaction"):
        tally(instance, "mes", satisfaction="joy")
    with pytest.raises(PabulibError, match="unknown completion"):
        tally(instance, "mes", completion="add2")
    with pytest.raises(PabulibError, match="needs cumulative"):
        tally(instance, "mes", satisfaction="points")
    with pytest.raises(TypeError):
        tally(instance, "mes", threshold=3)


def test_exact_settling_does_not_depend_on_the_float_estimate():
    """rho_exact gets the exact rho whatever float estimate it starts from: near
    it, the unsure voters are settled exactly; far off, every voter is."""
    from wegov.budgeting.pb import mes

    instance = hand_instance()
    election = mes._election(instance, "cost")
    state = mes._State(election, Fraction(100))
    run = mes._Run(share=Fraction(100), free=[])
    b = election.ids.index("b")
    rho, runs_out = state.rho_exact(b, state.rho_float(b), run)
    assert (rho, runs_out.tolist(), run.exact_fallbacks) == (Fraction(1, 3), [False] * 3, 0)
    state.pay(b, rho, runs_out)
    c = election.ids.index("c")  # voters 2 (100 left) and 4 (60 left)
    for estimate in (state.rho_float(c), 0.6 / 1.05 + 1e-12, 0.1, 3.0):
        got, runs_out = state.rho_exact(c, estimate, run)
        assert got == Fraction(4, 7)
        assert runs_out.tolist() == [False, True]  # voter 4 pays all 60
    assert run.exact_fallbacks == 2  # the two far-off estimates
    # a voter whose money equals the price exactly pays all of it and holds 0
    twins = Instance(
        {"budget": "200", "vote_type": "approval"},
        {"x": Project("x", 200)},
        [Vote("1", ("x",)), Vote("2", ("x",))],
    )
    election = mes._election(twins, "cardinality")
    state = mes._State(election, Fraction(100))
    rho, runs_out = state.rho_exact(0, state.rho_float(0), mes._Run(Fraction(100), []))
    assert rho == 100
    state.pay(0, rho, runs_out)
    assert state.broke.tolist() == [True, True]
    assert state.exact_sum(np.arange(0)) == 0


def test_huge_costs_stay_exact():
    """cost x supporters beyond 64 bits (a budget in a currency of small units)."""
    import random

    rng = random.Random(5)
    unit = 10**16
    projects = {f"h{k}": Project(f"h{k}", unit * c) for k, c in enumerate((3, 4, 4, 7, 2))}
    ids = list(projects)
    votes = [Vote(str(v), tuple(rng.sample(ids, rng.randint(1, 3)))) for v in range(1500)]
    instance = Instance({"budget": str(12 * unit), "vote_type": "approval"}, projects, votes)
    for satisfaction, completion in (("cost", "none"), ("cardinality", "greedy")):
        outcome = tally(instance, "mes", satisfaction=satisfaction, completion=completion)
        theirs = pabutools_mes(instance, satisfaction=satisfaction, completion=completion)
        assert outcome.selected == theirs
        assert outcome.selected
