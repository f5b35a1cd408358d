"""Import of real Pabulib files, export, and the round trip between them."""

from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied

from wegov.accounts.tests.factories import UserFactory
from wegov.budgeting import pb, services
from wegov.budgeting.models import Ballot, BallotChoice, BallotType, Budget, TallyRule

from .factories import BudgetFactory, BudgetProjectFactory, cast

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[3].parent.parent / "shared" / "data" / "pabulib"
if not DATA.is_dir():
    DATA = Path("/work/shared/data/pabulib")
REAL_FILES = sorted(DATA.glob("*.pb"))


def _core(instance: pb.Instance):
    projects = [(p.id, p.cost) for p in instance.projects.values()]
    votes = [(v.voter_id, v.projects, tuple(v.points)) for v in instance.votes if v.projects]
    return instance.budget, instance.vote_type, projects, votes


def _without_zero_points(instance: pb.Instance) -> pb.Instance:
    votes = []
    for v in instance.votes:
        if v.points:
            kept = [(p, n) for p, n in zip(v.projects, v.points, strict=True) if n > 0]
            v = pb.Vote(v.voter_id, tuple(p for p, _ in kept), tuple(n for _, n in kept))
        votes.append(v)
    return pb.Instance(meta=instance.meta, projects=instance.projects, votes=votes)


def test_the_real_files_are_there():
    assert len(REAL_FILES) == 10


@pytest.mark.parametrize("path", REAL_FILES, ids=lambda p: p.stem)
def test_every_real_file_imports_with_its_ids_and_meta(path):
    instance = pb.read(path)
    budget = services.budget_import_pabulib(actor=None, instance=instance)
    assert not budget.is_published
    assert budget.amount == instance.budget
    assert budget.pb_meta == instance.meta
    assert budget.ballots_anonymised_at is not None
    assert sorted(budget.projects.values_list("pb_project_id", flat=True)) == sorted(
        instance.projects
    )
    assert budget.ballots.count() == len(instance.votes)
    assert not budget.ballots.filter(voter__isnull=False).exists()
    assert set(budget.ballots.values_list("pb_voter_id", flat=True)) == {
        v.voter_id for v in instance.votes
    }
    expected_type = {
        "approval": {BallotType.APPROVAL, BallotType.KNAPSACK},
        "choose-1": {BallotType.APPROVAL},
        "ordinal": {BallotType.RANKED},
        "cumulative": {BallotType.CUMULATIVE},
    }[instance.vote_type]
    assert budget.ballot_type in expected_type
    exported = services.budget_export_pabulib(budget=budget)
    assert _core(exported) == _core(_without_zero_points(instance))


@pytest.mark.parametrize("path", REAL_FILES, ids=lambda p: p.stem)
def test_export_then_import_round_trips(path):
    first = services.budget_import_pabulib(actor=None, instance=pb.read(path))
    exported = services.budget_export_pabulib(budget=first)
    text = pb.dumps(exported)
    second = services.budget_import_pabulib(actor=None, instance=pb.loads(text))
    again = services.budget_export_pabulib(budget=second)
    assert pb.dumps(again) == text
    assert second.ballot_type == first.ballot_type
    assert (second.min_choices, second.max_choices, second.points_total) == (
        first.min_choices,
        first.max_choices,
        first.points_total,
    )


def test_import_keeps_ranks_and_points():
    text = """META
key;value
budget;100
vote_type;cumulative
max_sum_points;5
PROJECTS
project_id;cost;name
a;60;Park
b;50;Library
VOTES
voter_id;vote;points
v1;a,b;3,2
v2;b;5
"""
    budget = services.budget_import_pabulib(actor=None, instance=pb.loads(text))
    assert budget.ballot_type == BallotType.CUMULATIVE and budget.points_total == 5
    v1 = budget.ballots.get(pb_voter_id="v1")
    assert sorted(v1.choices.values_list("project__pb_project_id", "points")) == [
        ("a", 3),
        ("b", 2),
    ]
    ranked = services.budget_import_pabulib(
        actor=None,
        instance=pb.loads(
            "META\nkey;value\nbudget;100\nvote_type;ordinal\nPROJECTS\nproject_id;cost\n"
            "a;60\nb;50\nVOTES\nvoter_id;vote\nv1;a,b\nv2;b\n"
        ),
    )
    assert ranked.ballot_type == BallotType.RANKED
    ballot = ranked.ballots.get(pb_voter_id="v1")
    assert list(ballot.choices.order_by("rank").values_list("project__pb_project_id", "rank")) == [
        ("a", 1),
        ("b", 2),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "META\nkey;value\nbudget;0\nPROJECTS\nproject_id;cost\na;5\nVOTES\nvoter_id;vote\n",
            "more than zero",
        ),
        (
            "META\nkey;value\nbudget;10\nPROJECTS\nproject_id;cost\na;0\nVOTES\nvoter_id;vote\n",
            "costs nothing",
        ),
        (
            "META\nkey;value\nbudget;10\nvote_type;scoring\nPROJECTS\nproject_id;cost\na;5\nVOTES\nvoter_id;vote\n",
            "not supported",
        ),
        (
            "META\nkey;value\nbudget;10\nPROJECTS\nproject_id;cost\n"
            + "x" * 65
            + ";5\nVOTES\nvoter_id;vote\n",
            "longer than",
        ),
    ],
)
def test_import_refuses_what_the_platform_cannot_hold(text, message):
    with pytest.raises(pb.PabulibError, match=message):
        services.budget_import_pabulib(actor=None, instance=pb.loads(text))
    assert not Budget.objects.exists()


def test_import_needs_a_manager():
    instance = pb.loads(
        "META\nkey;value\nbudget;10\nPROJECTS\nproject_id;cost\na;5\nVOTES\nvoter_id;vote\n"
    )
    with pytest.raises(PermissionDenied):
        services.budget_import_pabulib(actor=UserFactory(), instance=instance)
    manager = UserFactory(is_process_manager=True)
    assert services.budget_import_pabulib(actor=manager, instance=instance).created_by == manager


def test_native_export_hides_who_voted_and_when():
    budget = BudgetFactory(ballot_type=BallotType.RANKED, rule=TallyRule.GREEDY)
    a, b = BudgetProjectFactory(budget=budget), BudgetProjectFactory(budget=budget)
    BudgetProjectFactory(budget=budget, status="unfeasible", unfeasible_reason="Not city land")
    voters = [UserFactory() for _ in range(3)]
    cast(budget, voters[0], [a, b])
    cast(budget, voters[1], [b])
    cast(budget, voters[2], [b, a])
    instance = services.budget_export_pabulib(budget=budget)
    assert list(instance.projects) == [str(a.pk), str(b.pk)]
    assert instance.vote_type == "ordinal"
    assert sorted(v.voter_id for v in instance.votes) == ["1", "2", "3"]
    codes = sorted(Ballot.objects.filter(budget=budget).values_list("receipt_code", "id"))
    by_code = [
        tuple(
            str(c.project_id)
            for c in BallotChoice.objects.filter(ballot_id=ballot_id).order_by("rank")
        )
        for _, ballot_id in codes
    ]
    assert [v.projects for v in instance.votes] == by_code
    text = pb.dumps(instance)
    for voter in voters:
        assert voter.email not in text
