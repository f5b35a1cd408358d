"""Citizens' and staff's writes on a participatory budget: submitting projects,
the technical evaluation, casting and changing ballots, and separating the
ballots from their voters once the vote closes.

Conventions as in every ``services`` module: keyword-only arguments, one
``transaction.atomic`` per write, a ``PermissionDenied`` (with a reason) when
the person may never do this, a ``ValidationError`` (keyed by field where there
is one) when the input or the moment is wrong. The ``*_refusal`` functions give
pages the same reasons before anyone fills in a form.

A ballot is a *selection*: ``{project_id: value}`` where the value is 1 for
approval and knapsack ballots, the points for cumulative ballots and the rank
(1 = best) for ranked ballots. ``ballot_summary`` checks a selection against
the budget's ballot rules without saving; the "Check my choices" button and
``ballot_cast`` both use it, so what the page says is what the service does.

Ballot secrecy: casting a ballot is not written to the audit log and not
published as activity (either would tie a voter to a ballot by time or order);
``ballots_anonymise`` sets every ballot's voter to NULL and coarsens its times
to the day once the vote closes. The receipt code stays with the ballot, so a
voter can still check it was counted.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from wegov.accounts.rules import is_citizen, participant_refusal
from wegov.core.activity import publish
from wegov.core.audit import audit
from wegov.places.selectors import district_at, is_inside_city

from . import rules
from .models import Ballot, BallotChoice, BallotType, Budget, BudgetProject
from .reasons import money

TITLE_MAX = 150
DESCRIPTION_MAX = 5000
REASON_MAX = 2000
PROJECT_KIND = "budget_project"
HTML_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9-]*(\s[^<>]*)?/?>")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
RECEIPT_CLEAN = re.compile(r"[^A-Z0-9]")


def _plain(text: str) -> str:
    text = CONTROL.sub("", (text or "").replace("\r\n", "\n").replace("\r", "\n"))
    return text.strip()


def _is_plain(text: str) -> bool:
    return HTML_TAG.search(text) is None


# --- Refusals ------------------------------------------------------------------------


def submit_refusal(user, budget: Budget) -> str | None:
    if not rules.is_budget_published(user, budget):
        return _("This budget is not published.")
    if not rules.takes_projects(user, budget):
        return _("This budget takes no new projects now.")
    return participant_refusal(user)


def evaluate_refusal(user, budget: Budget) -> str | None:
    if not rules.may_evaluate_budget(user, budget):
        return _(
            "Only staff of the organisation responsible for the process, process managers "
            "and administrators can evaluate projects."
        )
    if not rules.is_before_vote(user, budget):
        return _("The vote has opened: the evaluation is closed.")
    return None


def vote_refusal(user, budget: Budget) -> str | None:
    """Why ``user`` may not vote in ``budget`` now (None: they may)."""
    if not rules.is_budget_published(user, budget):
        return _("This budget is not published.")
    if not rules.is_vote_open(user, budget):
        if rules.is_vote_closed(user, budget):
            return _("The vote has closed.")
        return _("The vote has not opened yet.")
    reason = participant_refusal(user)
    if reason:
        return reason
    if not rules.is_eligible_voter(user, budget):
        return _("Only verified residents of this budget’s area can vote.")
    return None


def _refuse(reason: str | None, *, permission: bool = False) -> None:
    if reason:
        raise PermissionDenied(reason) if permission else ValidationError(reason)


# --- Projects --------------------------------------------------------------------------


@dataclass
class ProjectData:
    title: str
    description: str
    estimated_cost: int | None
    topic: object | None = None  # processes.Topic
    lat: float | None = None
    lon: float | None = None


def _clean_project(budget: Budget, data: ProjectData) -> dict:
    errors: dict[str, str] = {}
    title = _plain(data.title)
    description = _plain(data.description)
    if not title:
        errors["title"] = _("Give your project a title.")
    elif len(title) > TITLE_MAX:
        errors["title"] = _("The title can be at most %(max)s characters.") % {"max": TITLE_MAX}
    elif "\n" in title:
        errors["title"] = _("The title must be one line.")
    elif not _is_plain(title):
        errors["title"] = _("Write plain text: HTML tags are not allowed.")
    if not description:
        errors["description"] = _("Describe your project.")
    elif len(description) > DESCRIPTION_MAX:
        errors["description"] = _("The description can be at most %(max)s characters.") % {
            "max": DESCRIPTION_MAX
        }
    elif not _is_plain(description):
        errors["description"] = _("Write plain text: HTML tags are not allowed.")

    cost = data.estimated_cost
    if cost is None:
        errors["estimated_cost"] = _("Enter what you think the project will cost.")
    elif cost <= 0:
        errors["estimated_cost"] = _("The cost must be more than 0.")
    elif cost > budget.amount:
        errors["estimated_cost"] = _("The cost can be at most the whole budget, %(amount)s.") % {
            "amount": money(budget.amount, budget.currency)
        }

    lat, lon = data.lat, data.lon
    district = budget.district
    if (lat is None) != (lon is None):
        errors["location"] = _("Give both latitude and longitude, or neither.")
    elif lat is not None:
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            errors["location"] = _("That is not a valid location.")
        elif not is_inside_city(lat, lon):
            errors["location"] = _("This place is outside the city.")
        else:
            point_district = district_at(lat, lon)
            if budget.district is not None and point_district != budget.district:
                errors["location"] = _(
                    "This budget is for %(district)s: choose a place in that district."
                ) % {"district": budget.district.name}
            else:
                district = point_district or budget.district
    if errors:
        raise ValidationError(errors)
    return {
        "title": title,
        "description": description,
        "estimated_cost": cost,
        "topic": data.topic,
        "lat": lat,
        "lon": lon,
        "district": district,
    }


def project_submit(*, actor, budget: Budget, data: ProjectData) -> BudgetProject:
    """A citizen proposes a project for the budget; staff evaluate it later."""
    _refuse(participant_refusal(actor), permission=True)
    _refuse(submit_refusal(actor, budget))
    values = _clean_project(budget, data)
    with transaction.atomic():
        project = BudgetProject.objects.create(
            budget=budget,
            author=actor,
            status=BudgetProject.Status.SUBMITTED,
            **values,
        )
        publish(
            "budget_project.submitted",
            actor=actor,
            target_kind=PROJECT_KIND,
            target_id=project.pk,
            context=_context(project),
        )
    return project


def _context(project: BudgetProject) -> dict:
    budget = project.budget
    return {
        "process": budget.process_id,
        "district": project.district_id,
        "topic": project.topic_id,
    }


def project_evaluate(
    *,
    actor,
    project: BudgetProject,
    feasible: bool,
    reason: str = "",
    final_cost: int | None = None,
) -> BudgetProject:
    """Staff's technical evaluation before the vote: feasible (optionally with a
    corrected cost) or not feasible with a reason. Only feasible projects are on
    the ballot. May be repeated until the vote opens; each time is audited and
    the author is notified."""
    _refuse(participant_refusal(actor), permission=True)
    budget = project.budget
    if not rules.may_evaluate_budget(actor, budget):
        raise PermissionDenied(evaluate_refusal(actor, budget))
    errors: dict[str, str] = {}
    reason = _plain(reason)
    if not feasible and not reason:
        errors["reason"] = _("Say why the project is not feasible: the author will read it.")
    elif len(reason) > REASON_MAX:
        errors["reason"] = _("The reason can be at most %(max)s characters.") % {"max": REASON_MAX}
    elif not _is_plain(reason):
        errors["reason"] = _("Write plain text: HTML tags are not allowed.")
    if final_cost is not None:
        if final_cost <= 0:
            errors["final_cost"] = _("The cost must be more than 0.")
        elif feasible and final_cost > budget.amount:
            errors["final_cost"] = _(
                "A feasible project must cost at most the whole budget, %(amount)s."
            ) % {"amount": money(budget.amount, budget.currency)}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked_budget = Budget.objects.select_for_update().get(pk=budget.pk)
        _refuse(evaluate_refusal(actor, locked_budget))
        project = BudgetProject.objects.select_for_update().get(pk=project.pk)
        if project.status == BudgetProject.Status.WITHDRAWN:
            raise ValidationError(_("A withdrawn project is not evaluated."))
        if feasible and final_cost is None and project.estimated_cost > budget.amount:
            raise ValidationError(
                {"final_cost": _("Correct the cost: it is more than the whole budget.")}
            )
        before = {
            "status": project.status,
            "final_cost": project.final_cost,
            "unfeasible_reason": project.unfeasible_reason,
        }
        project.status = (
            BudgetProject.Status.FEASIBLE if feasible else BudgetProject.Status.UNFEASIBLE
        )
        project.final_cost = final_cost
        project.unfeasible_reason = "" if feasible else reason
        project.evaluated_by = actor
        project.evaluated_at = timezone.now()
        project.save(
            update_fields=[
                "status",
                "final_cost",
                "unfeasible_reason",
                "evaluated_by",
                "evaluated_at",
                "updated_at",
            ]
        )
        audit(
            actor=actor,
            action="budgeting.project_evaluated",
            target=project,
            before=before,
            after={
                "status": project.status,
                "final_cost": project.final_cost,
                "unfeasible_reason": project.unfeasible_reason,
            },
        )
        publish(
            "budget_project.evaluated",
            actor=actor,
            target_kind=PROJECT_KIND,
            target_id=project.pk,
            context=_context(project),
            notify=[project.author_id] if project.author_id else [],
            public=False,
            extra={"state": project.status},
        )
    return project


# --- Ballots ---------------------------------------------------------------------------


@dataclass
class BallotSummary:
    """A selection checked against the budget's ballot rules.

    ``choices`` lists (project, value) in ballot order (ranked: by rank).
    """

    budget: Budget
    choices: list[tuple[BudgetProject, int]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors

    @property
    def count(self) -> int:
        return len(self.choices)

    @property
    def cost(self) -> int:
        return sum(project.cost for project, _value in self.choices)

    @property
    def cost_left(self) -> int:
        return self.budget.amount - self.cost

    @property
    def points(self) -> int:
        return sum(value for _project, value in self.choices)

    @property
    def points_left(self) -> int:
        return (self.budget.points_total or 0) - self.points

    @property
    def selection(self) -> dict[int, int]:
        return {project.pk: value for project, value in self.choices}


def ballot_projects(budget: Budget) -> list[BudgetProject]:
    """The projects on the ballot: this budget's feasible ones."""
    return list(
        BudgetProject.objects.filter(budget=budget)
        .on_ballot()
        .select_related("topic")
        .order_by("title", "pk")
    )


def ballot_summary(
    budget: Budget, selection: dict[int, int], projects: list[BudgetProject] | None = None
) -> BallotSummary:
    """Check a selection without saving: the page's running totals and errors."""
    if projects is None:
        projects = ballot_projects(budget)
    by_id = {project.pk: project for project in projects}
    summary = BallotSummary(budget=budget)
    errors = summary.errors
    unknown = [pk for pk in selection if pk not in by_id]
    if unknown:
        errors.append(_("Some of the chosen projects are not on this ballot."))
    kind = budget.ballot_type
    Type = BallotType
    chosen: list[tuple[BudgetProject, int]] = []
    for pk, value in selection.items():
        if pk not in by_id:
            continue
        if value < 0:
            errors.append(_("Points and ranks cannot be negative."))
            return summary
        if value == 0:
            continue  # 0 points or "no rank": not chosen
        if kind in (Type.APPROVAL, Type.KNAPSACK) and value != 1:
            errors.append(_("Choose a project or leave it out."))
            return summary
        chosen.append((by_id[pk], value))
    if kind == Type.RANKED:
        chosen.sort(key=lambda item: item[1])
    else:
        order = {project.pk: i for i, project in enumerate(projects)}
        chosen.sort(key=lambda item: order[item[0].pk])
    summary.choices = chosen

    count = len(chosen)
    low = max(budget.min_choices or 0, 1)
    high = budget.max_choices
    if count == 0:
        errors.append(_("Choose at least one project."))
    elif count < low:
        errors.append(
            ngettext(
                "Choose at least %(count)s project.", "Choose at least %(count)s projects.", low
            )
            % {"count": low}
        )
    if high is not None and count > high:
        errors.append(
            ngettext(
                "Choose at most %(count)s project.", "Choose at most %(count)s projects.", high
            )
            % {"count": high}
        )
    if kind == Type.KNAPSACK and summary.cost > budget.amount:
        errors.append(
            _(
                "The projects you chose cost %(cost)s, more than the budget of %(amount)s: "
                "leave some out."
            )
            % {
                "cost": money(summary.cost, budget.currency),
                "amount": money(budget.amount, budget.currency),
            }
        )
    if kind == Type.CUMULATIVE and summary.points > (budget.points_total or 0):
        errors.append(
            _("You gave %(used)s points; you have %(total)s to give.")
            % {"used": summary.points, "total": budget.points_total or 0}
        )
    if kind == Type.RANKED and chosen:
        ranks = [value for _project, value in chosen]
        if len(set(ranks)) != len(ranks):
            errors.append(_("Give each project a different rank."))
        elif ranks != list(range(1, len(ranks) + 1)):
            errors.append(_("Number your choices 1, 2, 3… without gaps."))
    return summary


def ballot_cast(*, actor, budget: Budget, selection: dict[int, int]) -> Ballot:
    """Cast or change the actor's ballot.

    One ballot per voter: the budget row is locked (``select_for_update``) so
    that two submissions by one voter, or a submission and the closing of the
    vote, run one after the other; the unique constraint (budget, voter) is the
    last line (an ``IntegrityError`` turns into a change of the ballot that won).
    A change replaces every choice and keeps the receipt code. An invalid
    selection raises ValidationError and leaves the saved ballot untouched.
    """
    _refuse(participant_refusal(actor), permission=True)
    if not rules.is_eligible_voter(actor, budget):
        raise PermissionDenied(_("Only verified residents of this budget’s area can vote."))
    with transaction.atomic():
        budget = (
            Budget.objects.select_for_update(of=("self",))
            .select_related("process")
            .get(pk=budget.pk)
        )
        _refuse(vote_refusal(actor, budget))
        summary = ballot_summary(budget, selection)
        if not summary.is_valid:
            raise ValidationError(summary.errors)
        ballot = Ballot.objects.filter(budget=budget, voter=actor).first()
        if ballot is None:
            ballot, created = _new_ballot(budget, actor)
            if created:
                _save_choices(ballot, budget, summary)
                return ballot
        ballot.choices.all().delete()
        _save_choices(ballot, budget, summary)
        ballot.updated_at = timezone.now()
        ballot.save(update_fields=["updated_at"])
    return ballot


def _new_ballot(budget: Budget, voter) -> tuple[Ballot, bool]:
    """Insert the voter's ballot; (ballot, False) when another request of the
    same voter inserted it first (the unique constraint said so). A clash of
    random receipt codes (about 1 in 10^17) draws a new code."""
    for _attempt in range(3):
        try:
            with transaction.atomic():
                return Ballot.objects.create(budget=budget, voter=voter), True
        except IntegrityError:
            existing = Ballot.objects.filter(budget=budget, voter=voter).first()
            if existing is not None:
                return existing, False
    raise IntegrityError("could not store the ballot: receipt codes kept clashing")


def _save_choices(ballot: Ballot, budget: Budget, summary: BallotSummary) -> None:
    kind = budget.ballot_type
    BallotChoice.objects.bulk_create(
        BallotChoice(
            ballot=ballot,
            project=project,
            rank=value if kind == BallotType.RANKED else None,
            points=value if kind == BallotType.CUMULATIVE else None,
        )
        for project, value in summary.choices
    )


def ballot_of(user, budget: Budget) -> Ballot | None:
    if not is_citizen(user):
        return None
    return Ballot.objects.filter(budget=budget, voter=user).first()


def ballot_selection(ballot: Ballot | None) -> dict[int, int]:
    """The saved ballot as a selection (what the ballot page starts from)."""
    if ballot is None:
        return {}
    selection = {}
    for choice in ballot.choices.all():
        selection[choice.project_id] = choice.rank or choice.points or 1
    return selection


def normalise_receipt(code: str) -> str:
    return RECEIPT_CLEAN.sub("", (code or "").upper())


def format_receipt(code: str) -> str:
    """ABCDEFGHJKMN -> ABCD-EFGH-JKMN, easier to read out and copy."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def ballot_check(receipt_code: str) -> Ballot | None:
    """The ballot with this receipt code, with its budget and choices (or None).

    Codes are compared without spaces, dashes or case, as people type them.
    """
    code = normalise_receipt(receipt_code)
    if not code:
        return None
    return (
        Ballot.objects.filter(receipt_code=code)
        .select_related("budget")
        .prefetch_related("choices__project")
        .first()
    )


# --- Closing the vote --------------------------------------------------------------------


def ballots_anonymise(*, budget: Budget, actor=None) -> int:
    """Separate every ballot of a closed vote from its voter (one transaction).

    Sets ``voter`` to NULL and ``submitted_at``/``updated_at`` to the day the
    vote closed (so their order cannot be matched with anything), then records
    ``ballots_anonymised_at``. Idempotent: a second call changes nothing and
    returns 0. Returns the number of ballots separated.
    """
    with transaction.atomic():
        budget = Budget.objects.select_for_update().get(pk=budget.pk)
        if budget.ballots_anonymised_at is not None:
            return 0
        if not rules.is_vote_closed(None, budget):
            raise ValidationError(_("The vote has not closed yet: ballots stay with their voters."))
        ballots = Ballot.objects.filter(budget=budget, voter__isnull=False)
        day = _day_of(budget.voting_closes_at)
        changed = ballots.update(voter=None, submitted_at=day, updated_at=day)
        budget.ballots_anonymised_at = timezone.now()
        budget.save(update_fields=["ballots_anonymised_at"])
        audit(
            actor=actor,
            action="budgeting.ballots_anonymised",
            target=budget,
            after={"ballots": changed},
        )
    return changed


def _day_of(moment: dt.datetime) -> dt.datetime:
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


def budgets_close_votes() -> list[int]:
    """Anonymise the ballots of every budget whose vote window has ended.

    Run by the ``budgeting_close_votes`` command and the periodic Celery task;
    safe to run any number of times. Returns the ids of the budgets closed now.
    """
    due = Budget.objects.filter(
        voting_closes_at__lte=timezone.now(), ballots_anonymised_at__isnull=True
    ).order_by("pk")
    closed = []
    for budget in due:
        ballots_anonymise(budget=budget)
        closed.append(budget.pk)
    return closed
