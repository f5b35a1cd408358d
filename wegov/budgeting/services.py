"""Every write about budgets, tallies and Pabulib interchange.

Budgets are created and edited by process managers and administrators; the
same people run tallies and publish results. Citizens' actions (submitting
projects, voting) and the staff's technical evaluation are in
``participation``. Every write here is audited.

``actor=None`` means the command line (``manage.py pb_import`` and friends),
which only people with shell access to the server can run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

from wegov.core import events
from wegov.core.audit import audit
from wegov.processes.services import rich_text

from . import convert, pb
from .models import (
    Ballot,
    BallotChoice,
    BallotType,
    Budget,
    BudgetPhase,
    BudgetProject,
    TallyRecord,
    TallyRule,
)

MAX_DESCRIPTION = 20_000
RESERVED_SLUGS = frozenset({"manage", "new", "receipts"})

# The budget's fields the audit log records before and after an edit.
AUDITED_FIELDS = (
    "title",
    "slug",
    "process_id",
    "district_id",
    "amount",
    "currency",
    "ballot_type",
    "min_choices",
    "max_choices",
    "points_total",
    "rule",
    "voting_opens_at",
    "voting_closes_at",
    "is_published",
)
# What may no longer change once ballots have been cast: they were cast
# against these.
FROZEN_AFTER_FIRST_BALLOT = (
    "amount",
    "currency",
    "ballot_type",
    "min_choices",
    "max_choices",
    "points_total",
    "voting_opens_at",
)


def check_manager(actor) -> None:
    if actor is None:
        return  # the command line
    if not actor.has_perm("budgeting.manage_budget"):
        raise PermissionDenied(_("Only process managers and administrators can do this."))


def _snapshot(budget: Budget) -> dict:
    values = {}
    for name in AUDITED_FIELDS:
        value = getattr(budget, name)
        values[name] = value.isoformat() if hasattr(value, "isoformat") else value
    return values


# --- Budgets ----------------------------------------------------------------------------


@dataclass
class BudgetInput:
    """What a manager gives for a budget (create or update)."""

    title: str
    slug: str
    amount: int
    description: str = ""
    process: object = None
    district: object = None
    currency: str = "EUR"
    ballot_type: str = BallotType.APPROVAL
    min_choices: int = 1
    max_choices: int | None = None
    points_total: int | None = None
    rule: str = TallyRule.MES
    voting_opens_at: object = None
    voting_closes_at: object = None
    is_published: bool = False


def _validate(data: BudgetInput, budget: Budget | None) -> None:
    errors: dict[str, list[str]] = {}

    def error(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if not (data.title or "").strip():
        error("title", _("Give the budget a title."))
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,79}", data.slug or ""):
        error("slug", _("Use lower-case letters, digits and hyphens."))
    elif data.slug in RESERVED_SLUGS:
        error("slug", _("This short name is reserved; choose another."))
    elif Budget.objects.filter(slug=data.slug).exclude(pk=getattr(budget, "pk", None)).exists():
        error("slug", _("Another budget already uses this short name."))
    if data.amount is None or data.amount <= 0:
        error("amount", _("The amount must be more than zero."))
    if not re.fullmatch(r"[A-Z]{3}", data.currency or ""):
        error("currency", _("Give a three-letter currency code, such as EUR."))
    if data.ballot_type not in BallotType.values:
        error("ballot_type", _("Choose a ballot type."))
    if data.rule not in TallyRule.values:
        error("rule", _("Choose a tally rule."))
    if data.min_choices is None or data.min_choices < 0:
        error("min_choices", _("Give the fewest projects a ballot must choose."))
    if data.max_choices is not None:
        if data.max_choices < 1:
            error("max_choices", _("The most projects a ballot may choose must be at least one."))
        elif data.min_choices is not None and data.max_choices < data.min_choices:
            error("max_choices", _("The most projects cannot be fewer than the fewest."))
    if data.ballot_type == BallotType.CUMULATIVE and not data.points_total:
        error("points_total", _("Cumulative ballots need the number of points each voter has."))
    if (data.voting_opens_at is None) != (data.voting_closes_at is None):
        error("voting_closes_at", _("Give both when voting opens and when it closes."))
    elif data.voting_opens_at and data.voting_opens_at >= data.voting_closes_at:
        error("voting_closes_at", _("Voting must close after it opens."))
    if data.is_published and data.process is not None and not data.process.is_published:
        error("is_published", _("Publish the process first."))
    if (
        data.district is not None
        and data.process is not None
        and data.process.district_id
        and data.process.district_id != data.district.pk
    ):
        error("district", _("The budget's district must be the process's district."))
    if len(data.description or "") > MAX_DESCRIPTION:
        error("description", _("The description is too long."))
    if budget is not None and budget.ballots.exists():
        changed = [
            name
            for name in FROZEN_AFTER_FIRST_BALLOT
            if getattr(data, name) != getattr(budget, name)
        ]
        for name in changed:
            error(name, _("Ballots have been cast: this can no longer change."))
        if (
            data.voting_closes_at
            and budget.voting_has_closed()
            and data.voting_closes_at != budget.voting_closes_at
        ):
            error("voting_closes_at", _("The vote has closed: its dates can no longer change."))
    if errors:
        raise ValidationError(errors)


def _apply(budget: Budget, data: BudgetInput) -> None:
    budget.title = data.title.strip()
    budget.slug = data.slug
    budget.description = rich_text(data.description or "")
    budget.process = data.process
    budget.district = data.district
    budget.amount = data.amount
    budget.currency = data.currency
    budget.ballot_type = data.ballot_type
    budget.min_choices = data.min_choices
    budget.max_choices = data.max_choices
    budget.points_total = data.points_total if data.ballot_type == BallotType.CUMULATIVE else None
    budget.rule = data.rule
    budget.voting_opens_at = data.voting_opens_at
    budget.voting_closes_at = data.voting_closes_at
    budget.is_published = data.is_published


def budget_create(*, actor, data: BudgetInput) -> Budget:
    check_manager(actor)
    _validate(data, None)
    with transaction.atomic():
        budget = Budget(created_by=actor)
        _apply(budget, data)
        budget.save()
        audit(actor=actor, action="budget.created", target=budget, after=_snapshot(budget))
        events.emit("budget.saved", budget_id=budget.pk, created=True)
    return budget


def budget_update(*, actor, budget: Budget, data: BudgetInput) -> Budget:
    check_manager(actor)
    with transaction.atomic():
        budget = Budget.objects.select_for_update().get(pk=budget.pk)
        _validate(data, budget)
        before = _snapshot(budget)
        _apply(budget, data)
        budget.save()
        after = _snapshot(budget)
        changed = {k for k in after if after[k] != before[k]}
        if changed:
            audit(
                actor=actor,
                action="budget.updated",
                target=budget,
                before={k: before[k] for k in sorted(changed)},
                after={k: after[k] for k in sorted(changed)},
            )
        events.emit("budget.saved", budget_id=budget.pk, created=False)
    return budget


# --- Pabulib import / export --------------------------------------------------------------


def _unique_slug(base: str) -> str:
    slug = base
    while slug in RESERVED_SLUGS or Budget.objects.filter(slug=slug).exists():
        slug = f"{base}-{get_random_string(6, 'abcdefghijkmnpqrstuvwxyz23456789')}"
    return slug


def budget_import_pabulib(
    *, actor, instance: pb.Instance, title: str = "", process=None, district=None
) -> Budget:
    """A new, unpublished budget holding the instance's projects (all
    feasible, with the file's ids) and ballots (voterless, with the file's
    voter ids). Raises ``pb.PabulibError`` for what the platform cannot hold."""
    check_manager(actor)
    fields = convert.instance_budget_fields(instance, fallback_title=title)
    slug_base = fields.pop("slug_base")
    if title:
        fields["title"] = title[:150]
    with transaction.atomic():
        budget = Budget.objects.create(
            slug=_unique_slug(slug_base),
            process=process,
            district=district,
            created_by=actor,
            ballots_anonymised_at=timezone.now(),
            **fields,
        )
        projects = BudgetProject.objects.bulk_create(convert.instance_projects(instance, budget))
        project_pks = {project.pb_project_id: project.pk for project in projects}
        ballots, choices = convert.instance_ballots(instance, budget, project_pks)
        ballots = Ballot.objects.bulk_create(ballots, batch_size=2000)
        rows = []
        for ballot, ballot_choices in zip(ballots, choices, strict=True):
            for choice in ballot_choices:
                choice.ballot_id = ballot.pk
                rows.append(choice)
        BallotChoice.objects.bulk_create(rows, batch_size=5000)
        audit(
            actor=actor,
            action="budget.imported",
            target=budget,
            after={
                "projects": len(projects),
                "ballots": len(ballots),
                "input_hash": pb.input_hash(instance),
            },
        )
        events.emit("budget.saved", budget_id=budget.pk, created=True)
    return budget


def budget_export_pabulib(*, budget: Budget, tally: TallyRecord | None = None) -> pb.Instance:
    """The budget as an instance; with ``tally`` (default: the published one),
    META records the rule and input hash and PROJECTS the column ``selected``.
    Pure read: who may download it is the caller's question."""
    instance = convert.budget_to_instance(budget)
    if tally is None:
        tally = budget.tallies.filter(published=True).first()
    if tally is not None:
        instance = convert.with_outcome(
            instance,
            rule=tally.rule,
            input_hash=tally.input_hash,
            selected=tally.selected,
            file_meta=budget.pb_meta,
        )
    return instance


# --- Tallies and results ----------------------------------------------------------------


def budget_tally(
    *, actor, budget: Budget, rule: str | None = None, options: dict | None = None
) -> TallyRecord:
    """Run ``rule`` (default: the budget's) over the budget's ballots and
    store the outcome. Refused while the vote is open (no running scores)."""
    check_manager(actor)
    budget = Budget.objects.get(pk=budget.pk)  # count what is stored, not a stale copy
    rule = rule or budget.rule
    if rule not in TallyRule.values:
        raise ValidationError(_("Unknown tally rule: %(rule)s.") % {"rule": rule})
    if budget.phase() == BudgetPhase.VOTING:
        raise ValidationError(_("The vote is still open: count the ballots after it closes."))
    instance = convert.tally_instance(budget, rule)
    if not instance.projects:
        raise ValidationError(_("There are no projects on the ballot to count."))
    try:
        outcome = pb.tally(instance, rule, **(options or {}))
    except (TypeError, ValueError) as exc:  # unknown options; refused values (PabulibError)
        raise ValidationError(str(exc)) from None
    per_project = {
        pid: {
            "selected": result.selected,
            "reason": result.reason,
            "votes": result.votes,
            "score": result.score,
            "round": result.round,
            "detail": {str(k): str(v) for k, v in result.detail.items()},
            "cost": instance.projects[pid].cost,
        }
        for pid, result in outcome.projects.items()
    }
    share = pb.satisfied_voter_share(instance, outcome.selected) if instance.votes else None
    with transaction.atomic():
        record = TallyRecord.objects.create(
            budget=budget,
            rule=rule,
            options=dict(outcome.options),
            input_hash=outcome.input_hash,
            selected=list(outcome.selected),
            outcome=per_project,
            voter_count=len(instance.votes),
            satisfied_share=share,
            created_by=actor,
        )
        audit(
            actor=actor,
            action="budget.tallied",
            target=budget,
            after={
                "tally": record.pk,
                "rule": rule,
                "options": record.options,
                "input_hash": record.input_hash,
                "selected": record.selected,
            },
        )
    return record


def results_publish(*, actor, budget: Budget, tally: TallyRecord) -> Budget:
    """Publish ``tally`` as the budget's result: its selected projects are
    funded, the others not. Only after the vote has closed, and only if the
    ballots are still exactly what was counted (same input hash)."""
    check_manager(actor)
    with transaction.atomic():
        budget = Budget.objects.select_for_update().get(pk=budget.pk)
        if tally.budget_id != budget.pk:
            raise ValidationError(_("This tally belongs to another budget."))
        if not budget.voting_has_closed():
            raise ValidationError(_("Results can be published only after the vote has closed."))
        if pb.input_hash(convert.tally_instance(budget, tally.rule)) != tally.input_hash:
            raise ValidationError(
                _("The ballots or projects changed after this tally; run the tally again.")
            )
        previous = budget.tallies.filter(published=True).exclude(pk=tally.pk).first()
        budget.tallies.filter(published=True).exclude(pk=tally.pk).update(published=False)
        TallyRecord.objects.filter(pk=tally.pk).update(published=True)
        selected = set(tally.selected)
        funded_pks = [
            project.pk
            for project in BudgetProject.objects.on_ballot().filter(budget=budget)
            if project.external_id in selected
        ]
        budget.projects.exclude(pk__in=funded_pks).filter(is_funded=True).update(is_funded=False)
        budget.projects.filter(pk__in=funded_pks).update(is_funded=True)
        budget.results_published_at = timezone.now()
        budget.save(update_fields=["results_published_at", "updated_at"])
        audit(
            actor=actor,
            action="budget.results_published",
            target=budget,
            before={"tally": previous.pk if previous else None},
            after={"tally": tally.pk, "input_hash": tally.input_hash, "funded": sorted(selected)},
        )
        events.emit(
            "budget.results_published",
            budget_id=budget.pk,
            funded_project_ids=funded_pks,
            actor_id=actor.pk if actor else None,
        )
    return budget


def results_withdraw(*, actor, budget: Budget) -> Budget:
    """Take the results down again (e.g. a mistake found in the evaluation)."""
    check_manager(actor)
    with transaction.atomic():
        budget = Budget.objects.select_for_update().get(pk=budget.pk)
        if budget.results_published_at is None:
            raise ValidationError(_("The results are not published."))
        budget.tallies.filter(published=True).update(published=False)
        budget.projects.filter(is_funded=True).update(is_funded=False)
        budget.results_published_at = None
        budget.save(update_fields=["results_published_at", "updated_at"])
        audit(actor=actor, action="budget.results_withdrawn", target=budget)
    return budget
