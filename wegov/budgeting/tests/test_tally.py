"""Tallies: real files reproduce the city's outcome, re-runs reproduce
themselves, results publish only after the vote, and the pb_* commands."""

import datetime as dt
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from wegov.accounts.tests.factories import UserFactory
from wegov.budgeting import pb, services
from wegov.budgeting.models import BudgetProject, TallyRecord
from wegov.core.models import AuditEntry

from .factories import BudgetFactory, BudgetProjectFactory, cast
from .test_pabulib_interchange import DATA, REAL_FILES

pytestmark = pytest.mark.django_db

WITH_SELECTED = [
    path
    for path in REAL_FILES
    if any("selected" in p.fields for p in pb.read(path).projects.values())
    and pb.read(path).meta.get("rule", "").startswith("greedy")
]


def _import(path) -> tuple:
    instance = pb.read(path)
    return instance, services.budget_import_pabulib(actor=None, instance=instance)


def test_most_real_files_carry_a_greedy_outcome():
    assert len(WITH_SELECTED) >= 6


@pytest.mark.parametrize("path", WITH_SELECTED, ids=lambda p: p.stem)
def test_greedy_reproduces_the_citys_outcome(path):
    instance, budget = _import(path)
    tally = services.budget_tally(actor=None, budget=budget, rule="greedy")
    expected = {pid for pid, p in instance.projects.items() if p.fields.get("selected") == "1"}
    assert set(tally.selected) == expected
    again = services.budget_tally(actor=None, budget=budget, rule="greedy")
    assert (again.selected, again.input_hash, again.outcome) == (
        tally.selected,
        tally.input_hash,
        tally.outcome,
    )


@pytest.mark.parametrize("path", REAL_FILES, ids=lambda p: p.stem)
def test_every_real_file_tallies_with_a_reason_for_every_project(path):
    instance, budget = _import(path)
    tally = services.budget_tally(actor=None, budget=budget, rule="greedy")
    assert set(tally.outcome) == set(instance.projects)
    assert all(row["reason"] in pb.REASONS for row in tally.outcome.values())
    assert tally.voter_count == sum(1 for v in instance.votes if v.projects)
    assert 0 <= tally.satisfied_share <= 1
    spent = sum(instance.projects[pid].cost for pid in tally.selected)
    assert spent <= instance.budget


def test_tally_is_refused_while_the_vote_is_open_and_to_citizens():
    budget = BudgetFactory()
    BudgetProjectFactory(budget=budget)
    with pytest.raises(ValidationError, match="still open"):
        services.budget_tally(actor=None, budget=budget, rule="greedy")
    budget.voting_closes_at = timezone.now() - dt.timedelta(minutes=1)
    budget.voting_opens_at = timezone.now() - dt.timedelta(days=2)
    budget.save()
    for user in (UserFactory(), UserFactory(is_moderator=True)):
        with pytest.raises(PermissionDenied):
            services.budget_tally(actor=user, budget=budget, rule="greedy")
    manager = UserFactory(is_process_manager=True)
    tally = services.budget_tally(actor=manager, budget=budget, rule="greedy")
    assert tally.created_by == manager
    assert AuditEntry.objects.filter(action="budget.tallied", target_id=str(budget.pk)).exists()
    with pytest.raises(ValidationError):
        services.budget_tally(actor=manager, budget=budget, rule="dictator")
    with pytest.raises(ValidationError):
        services.budget_tally(actor=manager, budget=budget, rule="greedy", options={"x": 1})


def _closed_budget():
    now = timezone.now()
    budget = BudgetFactory(
        amount=50,
        rule="greedy",
        voting_opens_at=now - dt.timedelta(days=3),
        voting_closes_at=now + dt.timedelta(days=1),
    )
    a = BudgetProjectFactory(budget=budget, estimated_cost=30)
    b = BudgetProjectFactory(budget=budget, estimated_cost=30)
    c = BudgetProjectFactory(budget=budget, estimated_cost=20)
    voters = [UserFactory() for _ in range(3)]
    cast(budget, voters[0], [a, c])
    cast(budget, voters[1], [a, b])
    cast(budget, voters[2], [b, a])
    Budget = type(budget)
    Budget.objects.filter(pk=budget.pk).update(voting_closes_at=now - dt.timedelta(hours=1))
    budget.refresh_from_db()
    return budget, (a, b, c), voters


def test_results_publish_funds_the_selected_projects():
    budget, (a, b, c), voters = _closed_budget()
    manager = UserFactory(is_process_manager=True)
    tally = services.budget_tally(actor=manager, budget=budget)
    # a has 3 votes (30), b 2 votes (30: does not fit in 20), c 1 vote (20).
    assert tally.selected == [str(a.pk), str(c.pk)]
    assert tally.outcome[str(b.pk)]["reason"] == "did_not_fit"
    assert tally.satisfied_share == 1.0
    with pytest.raises(PermissionDenied):
        services.results_publish(actor=voters[0], budget=budget, tally=tally)
    services.results_publish(actor=manager, budget=budget, tally=tally)
    budget.refresh_from_db()
    assert budget.results_published_at is not None
    assert set(BudgetProject.objects.filter(is_funded=True)) == {a, c}
    assert TallyRecord.objects.get(published=True) == tally
    # Publishing another tally replaces the first.
    mes = services.budget_tally(actor=manager, budget=budget, rule="greedy")
    services.results_publish(actor=manager, budget=budget, tally=mes)
    assert TallyRecord.objects.get(published=True) == mes
    services.results_withdraw(actor=manager, budget=budget)
    assert not BudgetProject.objects.filter(is_funded=True).exists()


def test_results_wait_for_the_vote_to_close_and_for_unchanged_ballots():
    budget, (_a, b, _c), _voters = _closed_budget()
    tally = services.budget_tally(actor=None, budget=budget)
    cast(budget, UserFactory(), [b])
    with pytest.raises(ValidationError, match="changed"):
        services.results_publish(actor=None, budget=budget, tally=tally)
    other = BudgetFactory()
    with pytest.raises(ValidationError, match="another budget"):
        services.results_publish(actor=None, budget=other, tally=tally)
    open_budget = BudgetFactory()
    stray = TallyRecord.objects.create(budget=open_budget, rule="mes", input_hash="x")
    with pytest.raises(ValidationError, match="after the vote"):
        services.results_publish(actor=None, budget=open_budget, tally=stray)


# --- Commands ------------------------------------------------------------------------


def _run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_pb_commands_import_tally_and_export(tmp_path):
    path = DATA / "Poland_Warszawa_2019_Stare_Miasto.pb"
    instance = pb.read(path)
    budget_id = _run("pb_import", str(path)).strip()
    assert budget_id.isdigit()
    out_file = tmp_path / "out.pb"
    printed = _run("pb_tally", budget_id, "--rule", "greedy", "--out", str(out_file)).split()
    expected = [pid for pid, p in instance.projects.items() if p.fields.get("selected") == "1"]
    assert sorted(printed) == sorted(expected)
    written = pb.read(out_file)
    tally = TallyRecord.objects.get(budget_id=budget_id)
    assert written.meta["input_hash"] == tally.input_hash
    assert written.meta["rule"] == "greedy"
    assert [pid for pid, p in written.projects.items() if p.fields["selected"] == "1"] == [
        pid for pid in written.projects if pid in printed
    ]
    # Re-running the tally on the written file gives the same outcome and hash.
    again_id = _run("pb_import", str(out_file)).strip()
    assert _run("pb_tally", again_id, "--rule", "greedy").split() == printed
    assert TallyRecord.objects.get(budget_id=again_id).input_hash == tally.input_hash
    export = tmp_path / "export.pb"
    _run("pb_export", budget_id, str(export))
    assert len(pb.read(export).votes) == len(instance.votes)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("pb_import", "/nonexistent/file.pb"), "no such file"),
        (("pb_tally", "abc", "--rule", "greedy"), "not a budget id"),
        (("pb_tally", "999999", "--rule", "greedy"), "no budget with id 999999"),
        (("pb_export", "999999", "unused.pb"), "no budget with id 999999"),
    ],
)
def test_pb_commands_fail_clearly(args, message):
    with pytest.raises(CommandError, match=message):
        _run(*args)


def test_pb_import_refuses_a_broken_file(tmp_path):
    broken = tmp_path / "broken.pb"
    broken.write_text("META\nkey;value\nbudget;100\nPROJECTS\nproject_id;cost\na;1.5\n")
    with pytest.raises(CommandError, match="not a readable Pabulib file"):
        _run("pb_import", str(broken))
    binary = tmp_path / "binary.pb"
    binary.write_bytes(b"\xff\xfe\x00\x81")
    with pytest.raises(CommandError, match="UTF-8"):
        _run("pb_import", str(binary))
    with pytest.raises(CommandError, match="directory"):
        _run("pb_import", str(tmp_path))


def test_pb_tally_refuses_an_open_vote_and_bad_out_path(tmp_path):
    budget = BudgetFactory()
    BudgetProjectFactory(budget=budget)
    with pytest.raises(CommandError, match="still open"):
        _run("pb_tally", str(budget.pk), "--rule", "mes")
    path = DATA / "Poland_Warszawa_2018_Pole_Mokotowskie.pb"
    budget_id = _run("pb_import", str(path)).strip()
    with pytest.raises(CommandError, match=r"/nonexistent/dir/x\.pb"):
        _run("pb_tally", budget_id, "--rule", "greedy", "--out", "/nonexistent/dir/x.pb")


WITH_MES_OUTCOME = [
    path
    for path in REAL_FILES
    if pb.read(path).meta.get("rule", "").startswith("equalshares")
    and any("selected" in p.fields for p in pb.read(path).projects.values())
]


@pytest.mark.parametrize("path", REAL_FILES, ids=lambda p: p.stem)
def test_every_real_file_tallies_with_equal_shares(path):
    instance, budget = _import(path)
    tally = services.budget_tally(actor=None, budget=budget, rule="mes")
    assert set(tally.outcome) == set(instance.projects)
    assert all(row["reason"] in pb.REASONS for row in tally.outcome.values())
    assert sum(instance.projects[pid].cost for pid in tally.selected) <= instance.budget
    again = services.budget_tally(actor=None, budget=budget, rule="mes")
    assert (again.selected, again.input_hash) == (tally.selected, tally.input_hash)


@pytest.mark.parametrize("path", WITH_MES_OUTCOME, ids=lambda p: p.stem)
def test_equal_shares_reproduces_the_citys_outcome_where_the_city_used_it(path):
    instance, budget = _import(path)
    expected = {pid for pid, p in instance.projects.items() if p.fields.get("selected") == "1"}
    tally = services.budget_tally(actor=None, budget=budget, rule="mes")
    if path.stem == "Poland_Wieliczka_2023_Green_Budget":
        # Its rule is "equalshares/add1-comparison": equal shares compared with
        # greedy afterwards; the city's outcome is not plain equal shares.
        assert set(tally.selected) & expected
    else:
        assert set(tally.selected) == expected


def test_pb_tally_with_equal_shares_prints_the_files_ids(tmp_path):
    path = DATA / "Poland_Swiecie_2023.pb"
    instance = pb.read(path)
    budget_id = _run("pb_import", str(path)).strip()
    printed = _run("pb_tally", budget_id, "--rule", "mes").split()
    assert set(printed) <= set(instance.projects)
    assert set(printed) == {
        pid for pid, p in instance.projects.items() if p.fields.get("selected") == "1"
    }


@pytest.mark.parametrize(
    "options",
    [{"satisfaction": "happiness"}, {"completion": "sometimes"}, {"colour": "blue"}],
    ids=["bad-satisfaction", "bad-completion", "unknown-option"],
)
def test_refused_options_are_a_validation_error_not_a_crash(options):
    _instance, budget = _import(REAL_FILES[0])
    with pytest.raises(ValidationError):
        services.budget_tally(actor=None, budget=budget, rule="mes", options=options)
