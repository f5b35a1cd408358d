"""participation services: projects, evaluation, ballots, anonymisation, receipts."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from wegov.accounts.tests.factories import UserFactory
from wegov.budgeting import participation as p
from wegov.budgeting.models import Ballot, BallotChoice, BallotType, BudgetProject
from wegov.core.models import AuditEntry
from wegov.places import services as places_services
from wegov.processes.tests.factories import TopicFactory
from wegov.residency.tests.factories import make_resident

from .factories import BudgetProjectFactory
from .participation_helpers import budget_in

pytestmark = pytest.mark.django_db

INSIDE = (52.155, 5.39)  # inside the test city square (conftest CITY_SQUARE)


def data(**kwargs):
    values = {
        "title": "Benches on the Lindenplein",
        "description": "Six benches around the fountain.",
        "estimated_cost": 12_000,
    }
    values.update(kwargs)
    return p.ProjectData(**values)


# --- project_submit ------------------------------------------------------------------


def test_submit_project(city, monkeypatch):
    published = []
    monkeypatch.setattr(p, "publish", lambda verb, **kw: published.append((verb, kw)))
    budget = budget_in("proposals")
    author = UserFactory()
    topic = TopicFactory()
    project = p.project_submit(
        actor=author, budget=budget, data=data(topic=topic, lat=INSIDE[0], lon=INSIDE[1])
    )
    assert project.status == BudgetProject.Status.SUBMITTED
    assert project.author == author and project.topic == topic
    assert project.district == city
    assert project.cost == 12_000
    assert published[0][0] == "budget_project.submitted"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "Two\nlines"}, "title"),
        ({"title": "<b>Bold</b>"}, "title"),
        ({"description": "  "}, "description"),
        ({"description": "<script>x</script>"}, "description"),
        ({"estimated_cost": None}, "estimated_cost"),
        ({"estimated_cost": 0}, "estimated_cost"),
        ({"estimated_cost": -5}, "estimated_cost"),
        ({"estimated_cost": 100_001}, "estimated_cost"),
        ({"lat": 52.15}, "location"),
        ({"lat": 10.0, "lon": 10.0}, "location"),
        ({"lat": 95.0, "lon": 5.39}, "location"),
    ],
)
def test_submit_project_refuses_bad_input(city, changes, field):
    budget = budget_in("proposals")
    with pytest.raises(ValidationError) as exc:
        p.project_submit(actor=UserFactory(), budget=budget, data=data(**changes))
    assert field in exc.value.message_dict
    assert not BudgetProject.objects.exists()


def test_cost_may_be_the_whole_budget():
    budget = budget_in("proposals")
    project = p.project_submit(
        actor=UserFactory(), budget=budget, data=data(estimated_cost=100_000)
    )
    assert project.estimated_cost == budget.amount


def test_district_budget_needs_a_place_in_its_district(city):
    other = places_services.area_save(
        kind="district",
        name="Noord",
        slug="noord",
        geometry={
            "type": "Polygon",
            "coordinates": [[[6.0, 53.0], [6.1, 53.0], [6.1, 53.1], [6.0, 53.1], [6.0, 53.0]]],
        },
    )
    budget = budget_in("proposals", district=other)
    with pytest.raises(ValidationError) as exc:
        p.project_submit(
            actor=UserFactory(), budget=budget, data=data(lat=INSIDE[0], lon=INSIDE[1])
        )
    assert "location" in exc.value.message_dict
    project = p.project_submit(actor=UserFactory(), budget=budget, data=data())
    assert project.district == other


@pytest.mark.parametrize("moment", ["evaluation", "voting", "closed"])
def test_submit_outside_the_proposals_phase_is_refused(moment):
    with pytest.raises(ValidationError):
        p.project_submit(actor=UserFactory(), budget=budget_in(moment), data=data())


def test_submit_needs_a_participant():
    budget = budget_in("proposals")
    with pytest.raises(PermissionDenied):
        p.project_submit(actor=UserFactory(blocked_at=timezone.now()), budget=budget, data=data())
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        p.project_submit(actor=AnonymousUser(), budget=budget, data=data())


# --- project_evaluate ----------------------------------------------------------------


@pytest.fixture
def submitted(department):
    budget = budget_in("evaluation", organisation=department)
    return BudgetProjectFactory(
        budget=budget, author=UserFactory(), status=BudgetProject.Status.SUBMITTED
    )


def test_evaluate_feasible_with_corrected_cost(submitted, staff, monkeypatch):
    published = []
    monkeypatch.setattr(p, "publish", lambda verb, **kw: published.append((verb, kw)))
    project = p.project_evaluate(actor=staff, project=submitted, feasible=True, final_cost=25_000)
    assert project.status == BudgetProject.Status.FEASIBLE
    assert project.cost == 25_000 and project.estimated_cost == 20_000
    assert project.evaluated_by == staff and project.evaluated_at is not None
    entry = AuditEntry.objects.get(action="budgeting.project_evaluated")
    assert entry.before["status"] == "submitted" and entry.after["status"] == "feasible"
    verb, kw = published[0]
    assert verb == "budget_project.evaluated"
    assert kw["notify"] == [submitted.author_id] and kw["public"] is False


def test_evaluate_not_feasible_needs_a_reason(submitted, staff):
    with pytest.raises(ValidationError) as exc:
        p.project_evaluate(actor=staff, project=submitted, feasible=False, reason="  ")
    assert "reason" in exc.value.message_dict
    project = p.project_evaluate(
        actor=staff, project=submitted, feasible=False, reason="The land is private."
    )
    assert project.status == BudgetProject.Status.UNFEASIBLE
    assert project.unfeasible_reason == "The land is private."
    # A later re-evaluation as feasible clears the reason.
    project = p.project_evaluate(actor=staff, project=project, feasible=True)
    assert project.unfeasible_reason == "" and project.status == "feasible"
    assert AuditEntry.objects.filter(action="budgeting.project_evaluated").count() == 2


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"feasible": True, "final_cost": 0}, "final_cost"),
        ({"feasible": True, "final_cost": 100_001}, "final_cost"),
        ({"feasible": False, "reason": "<i>no</i>"}, "reason"),
        ({"feasible": False, "reason": "x" * 2001}, "reason"),
    ],
)
def test_evaluate_refuses_bad_input(submitted, staff, kwargs, field):
    with pytest.raises(ValidationError) as exc:
        p.project_evaluate(actor=staff, project=submitted, **kwargs)
    assert field in exc.value.message_dict
    submitted.refresh_from_db()
    assert submitted.status == BudgetProject.Status.SUBMITTED


def test_evaluate_feasible_needs_a_cost_within_the_budget(submitted, staff):
    BudgetProject.objects.filter(pk=submitted.pk).update(estimated_cost=150_000)
    submitted.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        p.project_evaluate(actor=staff, project=submitted, feasible=True)
    assert "final_cost" in exc.value.message_dict
    project = p.project_evaluate(actor=staff, project=submitted, feasible=True, final_cost=90_000)
    assert project.cost == 90_000


@pytest.mark.parametrize("role", ["citizen", "other_staff", "moderator"])
def test_evaluate_is_for_staff_managers_and_admins(request, submitted, role):
    with pytest.raises(PermissionDenied):
        p.project_evaluate(actor=request.getfixturevalue(role), project=submitted, feasible=True)


@pytest.mark.parametrize("role", ["process_manager", "admin_user"])
def test_managers_and_admins_evaluate(request, submitted, role):
    project = p.project_evaluate(
        actor=request.getfixturevalue(role), project=submitted, feasible=True
    )
    assert project.status == "feasible"


def test_evaluate_closes_when_the_vote_opens(department, staff):
    budget = budget_in("voting", organisation=department)
    project = BudgetProjectFactory(budget=budget, status=BudgetProject.Status.SUBMITTED)
    with pytest.raises(ValidationError):
        p.project_evaluate(actor=staff, project=project, feasible=True)


def test_withdrawn_project_is_not_evaluated(submitted, staff):
    BudgetProject.objects.filter(pk=submitted.pk).update(status="withdrawn")
    with pytest.raises(ValidationError):
        p.project_evaluate(actor=staff, project=submitted, feasible=True)


# --- ballot_summary / ballot_cast -------------------------------------------------------


def voting_budget(ballot_type=BallotType.APPROVAL, costs=(20_000, 30_000, 60_000), **kwargs):
    budget = budget_in("voting", ballot_type=ballot_type, **kwargs)
    projects = [
        BudgetProjectFactory(budget=budget, title=f"Project {i}", estimated_cost=cost)
        for i, cost in enumerate(costs)
    ]
    return budget, projects


def test_only_feasible_visible_projects_are_on_the_ballot():
    budget, projects = voting_budget()
    BudgetProjectFactory(budget=budget, status="submitted")
    BudgetProjectFactory(budget=budget, status="unfeasible", unfeasible_reason="No.")
    BudgetProjectFactory(budget=budget, is_hidden=True)
    BudgetProjectFactory()  # another budget's
    assert p.ballot_projects(budget) == projects


def test_approval_min_and_max():
    budget, (a, b, c) = voting_budget(min_choices=2, max_choices=2)
    assert p.ballot_summary(budget, {a.pk: 1}).errors == ["Choose at least 2 projects."]
    assert p.ballot_summary(budget, {a.pk: 1, b.pk: 1, c.pk: 1}).errors == [
        "Choose at most 2 projects."
    ]
    summary = p.ballot_summary(budget, {a.pk: 1, c.pk: 1})
    assert summary.is_valid and summary.count == 2 and summary.cost == 80_000


def test_empty_ballot_is_refused():
    budget, _projects = voting_budget(min_choices=0)
    assert p.ballot_summary(budget, {}).errors == ["Choose at least one project."]


def test_projects_of_other_budgets_or_not_feasible_are_refused():
    budget, (a, _b, _c) = voting_budget()
    stranger = BudgetProjectFactory()
    pending = BudgetProjectFactory(budget=budget, status="submitted")
    for pk in (stranger.pk, pending.pk, 999_999):
        summary = p.ballot_summary(budget, {a.pk: 1, pk: 1})
        assert "Some of the chosen projects are not on this ballot." in summary.errors


def test_approval_values_are_one():
    budget, (a, _b, _c) = voting_budget()
    assert not p.ballot_summary(budget, {a.pk: 2}).is_valid


def test_knapsack_total_within_the_budget():
    budget, (a, b, c) = voting_budget(BallotType.KNAPSACK)
    ok = p.ballot_summary(budget, {a.pk: 1, b.pk: 1})
    assert ok.is_valid and ok.cost == 50_000 and ok.cost_left == 50_000
    fits = p.ballot_summary(budget, {b.pk: 1, c.pk: 1})
    assert fits.is_valid and fits.cost == 90_000 and fits.cost_left == 10_000
    over = p.ballot_summary(budget, {a.pk: 1, b.pk: 1, c.pk: 1})
    assert over.cost == 110_000 and over.cost_left == -10_000
    assert any("more than the budget" in e for e in over.errors)


def test_knapsack_uses_the_corrected_cost():
    budget, (a, b, c) = voting_budget(BallotType.KNAPSACK)
    BudgetProject.objects.filter(pk=c.pk).update(final_cost=50_000)
    summary = p.ballot_summary(budget, {a.pk: 1, b.pk: 1, c.pk: 1})
    assert summary.cost == 100_000 and summary.is_valid


def test_cumulative_points():
    budget, (a, b, c) = voting_budget(BallotType.CUMULATIVE, points_total=10)
    ok = p.ballot_summary(budget, {a.pk: 6, b.pk: 4, c.pk: 0})
    assert ok.is_valid and ok.points == 10 and ok.points_left == 0 and ok.count == 2
    fewer = p.ballot_summary(budget, {a.pk: 3})
    assert fewer.is_valid and fewer.points_left == 7
    assert not p.ballot_summary(budget, {a.pk: 6, b.pk: 5}).is_valid
    assert p.ballot_summary(budget, {a.pk: -1, b.pk: 5}).errors == [
        "Points and ranks cannot be negative."
    ]


def test_ranked_needs_distinct_ranks_without_gaps():
    budget, (a, b, c) = voting_budget(BallotType.RANKED, max_choices=2)
    ok = p.ballot_summary(budget, {b.pk: 1, a.pk: 2})
    assert ok.is_valid and [project for project, _rank in ok.choices] == [b, a]
    assert p.ballot_summary(budget, {a.pk: 1, b.pk: 1}).errors == [
        "Give each project a different rank."
    ]
    assert p.ballot_summary(budget, {a.pk: 1, b.pk: 3}).errors == [
        "Number your choices 1, 2, 3… without gaps."
    ]
    assert (
        "Choose at most 2 projects." in p.ballot_summary(budget, {a.pk: 1, b.pk: 2, c.pk: 3}).errors
    )


@pytest.mark.parametrize(
    ("ballot_type", "extra", "values"),
    [
        (BallotType.APPROVAL, {}, (1, 1)),
        (BallotType.KNAPSACK, {}, (1, 1)),
        (BallotType.CUMULATIVE, {"points_total": 10}, (7, 3)),
        (BallotType.RANKED, {}, (2, 1)),
    ],
)
def test_cast_saves_choices_per_type(ballot_type, extra, values):
    budget, (a, b, _c) = voting_budget(ballot_type, **extra)
    voter = make_resident()
    ballot = p.ballot_cast(actor=voter, budget=budget, selection={a.pk: values[0], b.pk: values[1]})
    assert ballot.voter == voter and len(ballot.receipt_code) == 12
    choices = {c.project_id: (c.rank, c.points) for c in ballot.choices.all()}
    if ballot_type == BallotType.RANKED:
        assert choices == {a.pk: (2, None), b.pk: (1, None)}
    elif ballot_type == BallotType.CUMULATIVE:
        assert choices == {a.pk: (None, 7), b.pk: (None, 3)}
    else:
        assert choices == {a.pk: (None, None), b.pk: (None, None)}
    assert p.ballot_selection(ballot) == {a.pk: values[0], b.pk: values[1]}


def test_change_replaces_choices_and_keeps_the_receipt():
    budget, (a, b, c) = voting_budget()
    voter = make_resident()
    first = p.ballot_cast(actor=voter, budget=budget, selection={a.pk: 1, b.pk: 1})
    second = p.ballot_cast(actor=voter, budget=budget, selection={c.pk: 1})
    assert second.pk == first.pk and second.receipt_code == first.receipt_code
    assert list(second.choices.values_list("project_id", flat=True)) == [c.pk]
    assert Ballot.objects.count() == 1 and BallotChoice.objects.count() == 1
    second.refresh_from_db()
    assert second.updated_at > second.submitted_at


def test_invalid_change_keeps_the_saved_ballot():
    budget, (a, b, c) = voting_budget(BallotType.KNAPSACK)
    voter = make_resident()
    p.ballot_cast(actor=voter, budget=budget, selection={a.pk: 1})
    with pytest.raises(ValidationError):
        p.ballot_cast(actor=voter, budget=budget, selection={a.pk: 1, b.pk: 1, c.pk: 1})
    ballot = Ballot.objects.get()
    assert list(ballot.choices.values_list("project_id", flat=True)) == [a.pk]


def test_cast_is_not_audited_nor_published(monkeypatch):
    published = []
    monkeypatch.setattr(p, "publish", lambda verb, **kw: published.append(verb))
    budget, (a, _b, _c) = voting_budget()
    p.ballot_cast(actor=make_resident(), budget=budget, selection={a.pk: 1})
    assert published == [] and not AuditEntry.objects.exists()


@pytest.mark.parametrize("who", ["citizen", "blocked", "anonymous"])
def test_only_eligible_participants_vote(who, citizen):
    from django.contrib.auth.models import AnonymousUser

    actor = {
        "citizen": citizen,
        "blocked": make_resident(blocked_at=timezone.now()),
        "anonymous": AnonymousUser(),
    }[who]
    budget, (a, _b, _c) = voting_budget()
    with pytest.raises(PermissionDenied):
        p.ballot_cast(actor=actor, budget=budget, selection={a.pk: 1})
    assert not Ballot.objects.exists()


@pytest.mark.parametrize("moment", ["proposals", "evaluation", "closed"])
def test_cast_outside_the_window_is_refused(moment):
    budget = budget_in(moment)
    project = BudgetProjectFactory(budget=budget)
    with pytest.raises(ValidationError):
        p.ballot_cast(actor=make_resident(), budget=budget, selection={project.pk: 1})


def test_cast_in_unpublished_budget_is_refused():
    budget, (a, _b, _c) = voting_budget(is_published=False)
    with pytest.raises(ValidationError):
        p.ballot_cast(actor=make_resident(), budget=budget, selection={a.pk: 1})


def test_a_raced_insert_becomes_a_change(monkeypatch):
    """The unique constraint's IntegrityError (another request of the same
    voter won the insert) turns into a change of the winning ballot."""
    budget, (_a, b, _c) = voting_budget()
    voter = make_resident()
    winner = Ballot.objects.create(budget=budget, voter=voter)
    real_filter = Ballot.objects.filter
    calls = []

    def filter_missing_first(*args, **kwargs):
        calls.append(kwargs)
        if len(calls) == 1:
            return Ballot.objects.none()  # as if the other request had not committed yet
        return real_filter(*args, **kwargs)

    monkeypatch.setattr(Ballot.objects, "filter", filter_missing_first)
    ballot = p.ballot_cast(actor=voter, budget=budget, selection={b.pk: 1})
    assert ballot.pk == winner.pk and ballot.receipt_code == winner.receipt_code
    assert Ballot.objects.count() == 1
    assert list(BallotChoice.objects.values_list("project_id", flat=True)) == [b.pk]


# --- anonymisation and receipts ---------------------------------------------------------


def closed_with_ballots(n=3):
    budget, (a, _b, _c) = voting_budget()
    voters = [make_resident() for _ in range(n)]
    ballots = [p.ballot_cast(actor=v, budget=budget, selection={a.pk: 1}) for v in voters]
    budget.voting_opens_at = timezone.now() - dt.timedelta(days=8)
    budget.voting_closes_at = timezone.now() - dt.timedelta(hours=1)
    budget.save(update_fields=["voting_opens_at", "voting_closes_at"])
    return budget, ballots


def test_anonymise_separates_every_ballot_once():
    budget, ballots = closed_with_ballots()
    codes = sorted(b.receipt_code for b in ballots)
    assert p.ballots_anonymise(budget=budget) == 3
    budget.refresh_from_db()
    assert budget.ballots_anonymised_at is not None
    assert not Ballot.objects.filter(voter__isnull=False).exists()
    assert sorted(Ballot.objects.values_list("receipt_code", flat=True)) == codes
    times = set(Ballot.objects.values_list("submitted_at", "updated_at"))
    day = budget.voting_closes_at.replace(hour=0, minute=0, second=0, microsecond=0)
    assert times == {(day, day)}
    assert BallotChoice.objects.count() == 3  # the choices stay: they are counted
    stamp = budget.ballots_anonymised_at
    assert p.ballots_anonymise(budget=budget) == 0
    budget.refresh_from_db()
    assert budget.ballots_anonymised_at == stamp
    assert AuditEntry.objects.filter(action="budgeting.ballots_anonymised").count() == 1


def test_anonymise_waits_for_the_close():
    budget, (a, _b, _c) = voting_budget()
    p.ballot_cast(actor=make_resident(), budget=budget, selection={a.pk: 1})
    with pytest.raises(ValidationError):
        p.ballots_anonymise(budget=budget)
    assert Ballot.objects.filter(voter__isnull=False).count() == 1


def test_close_votes_closes_only_due_budgets():
    due, _ballots = closed_with_ballots(2)
    open_budget, (a, _b, _c) = voting_budget()
    p.ballot_cast(actor=make_resident(), budget=open_budget, selection={a.pk: 1})
    assert p.budgets_close_votes() == [due.pk]
    assert p.budgets_close_votes() == []
    assert Ballot.objects.filter(budget=open_budget, voter__isnull=False).count() == 1


def test_receipt_check_finds_the_ballot_without_the_voter():
    budget, ballots = closed_with_ballots(1)
    code = ballots[0].receipt_code
    typed = f" {code[:4].lower()}-{code[4:8]} {code[8:]} "
    found = p.ballot_check(typed)
    assert found.pk == ballots[0].pk and found.budget == budget
    assert [c.project.title for c in found.choices.all()] == ["Project 0"]
    assert p.ballot_check("") is None
    assert p.ballot_check("NOTACODE2345") is None


def test_vote_refusal_reasons(citizen):
    budget, _projects = voting_budget()
    assert p.vote_refusal(make_resident(), budget) is None
    assert "verified residents" in p.vote_refusal(citizen, budget)
    assert p.vote_refusal(make_resident(), budget_in("closed")) == "The vote has closed."
    assert (
        p.vote_refusal(make_resident(), budget_in("evaluation")) == "The vote has not opened yet."
    )


def test_the_author_is_notified_of_the_evaluation(
    submitted, staff, django_capture_on_commit_callbacks
):
    from wegov.social.models import Notification

    with django_capture_on_commit_callbacks(execute=True):
        p.project_evaluate(actor=staff, project=submitted, feasible=False, reason="Private land.")
    notification = Notification.objects.get()
    assert notification.recipient_id == submitted.author_id


def test_a_receipt_code_clash_draws_a_new_code(monkeypatch):
    budget, (a, _b, _c) = voting_budget()
    first = p.ballot_cast(actor=make_resident(), budget=budget, selection={a.pk: 1})
    codes = iter([first.receipt_code, "NEWCODE23456"])
    field = Ballot._meta.get_field("receipt_code")
    monkeypatch.setattr(field, "_get_default", lambda: next(codes), raising=False)
    second = p.ballot_cast(actor=make_resident(), budget=budget, selection={a.pk: 1})
    assert second.receipt_code == "NEWCODE23456"
    assert Ballot.objects.count() == 2 and BallotChoice.objects.count() == 2
