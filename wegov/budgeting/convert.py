"""Budgets and their ballots as Pabulib instances (``wegov.budgeting.pb``), and back.

To an instance (``budget_to_instance``): the projects on the ballot (feasible,
not hidden) with their cost after evaluation, and one vote per ballot that
chose at least one of them. Project ids are the file's own for imported
budgets (``pb_project_id``) and the project's pk for budgets made here.
Voter ids are the file's own for imported ballots; ballots cast here are
numbered 1, 2, ... in the order of their random receipt codes, so a voter id
in an export says nothing about who voted or when.

From an instance (``instance_budget_fields``, ``instance_projects``,
``instance_ballots``): unsaved model objects that ``services`` saves. The
file's META is kept as read (``Budget.pb_meta``); the votes' extra columns
(age, sex, voting method) are not imported: the platform keeps no personal
data about voters.

Ballot types map to Pabulib vote types: approval and knapsack ballots are
``approval`` (knapsack adds ``max_sum_cost``), cumulative is ``cumulative``,
ranked is ``ordinal``; ``choose-1`` imports as approval with at most one choice.
"""

from __future__ import annotations

import datetime as dt
import math

from django.utils import timezone
from django.utils.text import slugify

from .models import Ballot, BallotChoice, BallotType, Budget, BudgetProject, TallyRule
from .pb import Instance, PabulibError, Project, Vote

VOTE_TYPE_OF_BALLOT = {
    BallotType.APPROVAL: "approval",
    BallotType.KNAPSACK: "approval",
    BallotType.CUMULATIVE: "cumulative",
    BallotType.RANKED: "ordinal",
}
# How Pabulib names our rules in META ``rule``.
PABULIB_RULE = {TallyRule.GREEDY: "greedy", TallyRule.MES: "equalshares/add1"}
MAX_ID = 64


def pabulib_rule(rule: str, meta: dict | None = None) -> str:
    """META ``rule`` for a tally with ``rule``: the file's own variant when it
    names the same rule (``greedy-threshold``, ``greedy-no-skip``,
    ``equalshares/add1``...), else our default name. The rules read their
    defaults from it, and the input hash covers it."""
    own = ((meta or {}).get("rule") or "").strip()
    if own and rule_from_pabulib(own) == rule:
        return own
    return PABULIB_RULE.get(rule, rule)


def rule_from_pabulib(name: str) -> str:
    """Our rule for a META ``rule``: Equal Shares variants are MES, the rest greedy."""
    return TallyRule.MES if (name or "").lower().startswith("equalshares") else TallyRule.GREEDY


# --- Models -> instance ---------------------------------------------------------------


def project_fields(project: BudgetProject) -> dict[str, str]:
    fields = dict(project.pb_fields or {})
    if project.has_location:
        fields["latitude"] = f"{project.lat:.6f}"
        fields["longitude"] = f"{project.lon:.6f}"
    if project.topic_id is not None:
        fields["category"] = project.topic.name
    return fields


def budget_meta(budget: Budget, *, num_projects: int, num_votes: int) -> dict[str, str]:
    """META for the budget: the imported file's entries, with what the
    platform knows written over them."""
    meta = {str(k): str(v) for k, v in (budget.pb_meta or {}).items()}
    meta.setdefault("description", budget.title)
    meta["num_projects"] = str(num_projects)
    meta["num_votes"] = str(num_votes)
    meta["budget"] = str(budget.amount)
    meta["currency"] = budget.currency
    if not budget.pb_meta or meta.get("vote_type") != "choose-1":
        meta["vote_type"] = VOTE_TYPE_OF_BALLOT[budget.ballot_type]
    meta["rule"] = pabulib_rule(budget.rule, budget.pb_meta)
    if budget.ballot_type == BallotType.KNAPSACK:
        meta["max_sum_cost"] = str(budget.amount)
    if budget.ballot_type == BallotType.CUMULATIVE and budget.points_total:
        meta["max_sum_points"] = str(budget.points_total)
    if budget.ballot_type in (BallotType.RANKED, BallotType.APPROVAL, BallotType.KNAPSACK):
        meta["min_length"] = str(budget.min_choices)
        if budget.max_choices is not None:
            meta["max_length"] = str(budget.max_choices)
    if budget.voting_opens_at and "date_begin" not in meta:
        meta["date_begin"] = timezone.localtime(budget.voting_opens_at).strftime("%d.%m.%Y")
    if budget.voting_closes_at and "date_end" not in meta:
        meta["date_end"] = timezone.localtime(budget.voting_closes_at).strftime("%d.%m.%Y")
    return meta


def budget_to_instance(budget: Budget) -> Instance:
    """The budget's projects on the ballot and its ballots as an instance."""
    projects = list(
        BudgetProject.objects.on_ballot()
        .filter(budget=budget)
        .select_related("topic")
        .order_by("id")
    )
    ids = {project.pk: project.external_id for project in projects}
    instance_projects = {
        project.external_id: Project(
            id=project.external_id,
            cost=project.cost,
            name=project.title,
            fields=project_fields(project),
        )
        for project in projects
    }
    votes = []
    ballots = Ballot.objects.filter(budget=budget)
    imported = ballots.exclude(pb_voter_id="").exists()
    ballots = ballots.order_by("id" if imported else "receipt_code")
    choices: dict[int, list[BallotChoice]] = {}
    for choice in (
        BallotChoice.objects.filter(ballot__budget=budget, project_id__in=ids)
        .only("ballot_id", "project_id", "rank", "points")
        .order_by("ballot_id", "rank", "id")
    ):
        choices.setdefault(choice.ballot_id, []).append(choice)
    number = 0
    for ballot_id, pb_voter_id in ballots.values_list("id", "pb_voter_id"):
        chosen = choices.get(ballot_id)
        if not chosen:
            continue
        number += 1
        voter_id = pb_voter_id or str(number)
        if budget.ballot_type == BallotType.CUMULATIVE:
            votes.append(
                Vote(
                    voter_id=voter_id,
                    projects=tuple(ids[c.project_id] for c in chosen),
                    points=tuple(c.points or 0 for c in chosen),
                )
            )
        else:
            votes.append(Vote(voter_id=voter_id, projects=tuple(ids[c.project_id] for c in chosen)))
    meta = budget_meta(budget, num_projects=len(instance_projects), num_votes=len(votes))
    return Instance(meta=meta, projects=instance_projects, votes=votes)


def tally_instance(budget: Budget, rule: str) -> Instance:
    """What a tally with ``rule`` counts: the budget as an instance whose META
    names that rule (so the input hash says which rule it was for)."""
    instance = budget_to_instance(budget)
    instance.meta["rule"] = pabulib_rule(rule, budget.pb_meta)
    return instance


def with_outcome(
    instance: Instance, *, rule: str, input_hash: str, selected: list[str], file_meta=None
) -> Instance:
    """A copy of ``instance`` recording a tally: META ``rule`` and
    ``input_hash``, and the PROJECTS column ``selected`` (1 funded, 0 not)."""
    chosen = set(selected)
    meta = dict(instance.meta)
    meta["rule"] = pabulib_rule(rule, file_meta)
    meta["input_hash"] = input_hash
    projects = {
        pid: Project(
            id=p.id,
            cost=p.cost,
            name=p.name,
            fields={**p.fields, "selected": "1" if pid in chosen else "0"},
        )
        for pid, p in instance.projects.items()
    }
    return Instance(meta=meta, projects=projects, votes=list(instance.votes))


# --- Instance -> models ---------------------------------------------------------------


def _date(text: str | None) -> dt.datetime | None:
    """A META date (``dd.mm.yyyy``, ``yyyy-mm-dd`` or a bare year) as the
    start of that day in the current time zone; None when unreadable."""
    text = (text or "").strip()
    for fmt in ("%d.%m.%Y", "%Y-%m-%d", "%Y"):
        try:
            day = dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
        return timezone.make_aware(day)
    return None


def _coordinate(value: str | None, limit: float) -> float | None:
    try:
        number = float(value) if value not in (None, "") else None
    except ValueError:
        return None
    if number is None or not math.isfinite(number) or abs(number) > limit:
        return None
    return number


def _check_id(value: str, what: str) -> str:
    if len(value) > MAX_ID:
        raise PabulibError(f"{what} {value[:20]!r}... is longer than {MAX_ID} characters")
    return value


def instance_budget_fields(instance: Instance, *, fallback_title: str = "") -> dict:
    """Field values for a new ``Budget`` from the instance's META."""
    meta = instance.meta
    vote_type = instance.vote_type
    amount = instance.budget
    if amount <= 0:
        raise PabulibError("META budget must be more than zero")
    min_choices = instance.meta_int("min_length") or 1
    max_choices = instance.meta_int("max_length")
    points_total = None
    if vote_type in ("approval", "choose-1"):
        ballot_type = BallotType.KNAPSACK if meta.get("max_sum_cost") else BallotType.APPROVAL
        if vote_type == "choose-1":
            ballot_type, max_choices = BallotType.APPROVAL, 1
    elif vote_type == "ordinal":
        ballot_type = BallotType.RANKED
    elif vote_type == "cumulative":
        ballot_type = BallotType.CUMULATIVE
        points_total = instance.meta_int("max_sum_points") or max(
            (sum(v.points) for v in instance.votes), default=0
        )
        if points_total <= 0:
            raise PabulibError("a cumulative instance needs max_sum_points or votes with points")
    else:
        raise PabulibError(
            f"vote_type {vote_type!r} is not supported (approval, choose-1, ordinal, cumulative)"
        )
    if max_choices is not None:
        max_choices = max(max_choices, 1)
        min_choices = min(min_choices, max_choices)
    currency = (meta.get("currency") or "EUR").strip().upper()
    if len(currency) != 3 or not currency.isalpha():
        currency = "EUR"
    title = meta.get("description") or " ".join(
        part for part in (meta.get("unit"), meta.get("subunit"), meta.get("instance")) if part
    )
    title = (title or fallback_title or "Pabulib budget").strip()[:150]
    closes = _date(meta.get("date_end")) or timezone.now()
    opens = _date(meta.get("date_begin"))
    if opens is not None and opens >= closes:
        opens = None
    return {
        "title": title,
        "slug_base": slugify(title)[:60] or "pabulib",
        "description": "",
        "amount": amount,
        "currency": currency,
        "ballot_type": ballot_type,
        "min_choices": min_choices,
        "max_choices": max_choices,
        "points_total": points_total,
        "rule": rule_from_pabulib(meta.get("rule", "")),
        "voting_opens_at": opens,
        "voting_closes_at": closes,
        "pb_meta": dict(meta),
    }


def instance_projects(instance: Instance, budget: Budget) -> list[BudgetProject]:
    projects = []
    for project in instance.projects.values():
        _check_id(project.id, "project id")
        if project.cost <= 0:
            raise PabulibError(
                f"project {project.id!r} costs nothing: costs must be more than zero"
            )
        fields = dict(project.fields)
        lat = _coordinate(fields.get("latitude"), 90)
        lon = _coordinate(fields.get("longitude"), 180)
        if lat is None or lon is None:
            lat = lon = None
        projects.append(
            BudgetProject(
                budget=budget,
                title=(project.name or f"Project {project.id}")[:200],
                estimated_cost=project.cost,
                status=BudgetProject.Status.FEASIBLE,
                lat=lat,
                lon=lon,
                district_id=budget.district_id,
                pb_project_id=project.id,
                pb_fields=fields,
            )
        )
    return projects


def instance_ballots(
    instance: Instance, budget: Budget, project_pks: dict[str, int]
) -> tuple[list[Ballot], list[list[BallotChoice]]]:
    """Unsaved ballots (voterless, with the file's voter ids) and, parallel to
    them, their unsaved choices (``ballot`` to be set once the ballots have pks)."""
    now = timezone.now()
    ranked = budget.ballot_type == BallotType.RANKED
    ballots, choices = [], []
    for vote in instance.votes:
        _check_id(vote.voter_id, "voter id")
        ballots.append(
            Ballot(budget=budget, pb_voter_id=vote.voter_id, submitted_at=now, updated_at=now)
        )
        row = []
        for position, project_id in enumerate(vote.projects):
            points = vote.points[position] if vote.points else None
            if points is not None and points <= 0:
                continue  # zero points is no choice at all
            row.append(
                BallotChoice(
                    project_id=project_pks[project_id],
                    rank=position + 1 if ranked else None,
                    points=points if budget.ballot_type == BallotType.CUMULATIVE else None,
                )
            )
        choices.append(row)
    return ballots, choices
