"""Implementation tracking for the demo city: the accepted proposals of the
demo processes and the funded projects of its past budget become results at
different stages (planned, in progress, done, one cancelled), with milestones,
a public log and, for finished work, a photo drawn with Pillow here (nothing
is fetched from the network).

Written with bulk inserts and explicit dates (not through the services nor
model signals), so loading notifies nobody; the map index picks the results up
when mapview's demo rebuilds it. Needs the accepted proposals of proposals/demo.py,
the published budget of budgeting/demo.py and the staff of accounts/demo.py.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from wegov.accounts.models import Membership, User
from wegov.budgeting.models import BudgetProject
from wegov.places.selectors import district_at
from wegov.proposals.models import Proposal
from wegov.reports.photos import process_photo

from .models import Milestone, Result, ResultPhoto, ResultUpdate, Status

# One stage per accepted proposal, in the order they were answered:
# (status, progress steps, cancel reason)
STAGES = [
    (Status.DONE, [20, 60, 100], ""),
    (Status.IN_PROGRESS, [15, 45, 70], ""),
    (Status.IN_PROGRESS, [10, 35], ""),
    (Status.PLANNED, [], ""),
    (Status.DONE, [50, 100], ""),
    (
        Status.CANCELLED,
        [10],
        "The cost estimate came out at three times the amount set aside, and the council "
        "decided not to raise it this year. We will propose a smaller version in next "
        "year's plan.",
    ),
    (Status.IN_PROGRESS, [25], ""),
    (Status.PLANNED, [], ""),
]

# Funded projects of the past city budget, a year into their implementation.
BUDGET_STAGES = [
    (Status.DONE, [30, 70, 100], ""),
    (Status.IN_PROGRESS, [20, 55], ""),
    (Status.IN_PROGRESS, [10, 40, 80], ""),
    (Status.DONE, [50, 100], ""),
    (Status.PLANNED, [], ""),
    (Status.IN_PROGRESS, [25], ""),
]

START_NOTES = {
    "proposal": "We are starting work on this accepted proposal.",
    "budget_project": "Residents funded this project in the city budget; we are starting work.",
}

MILESTONES = [
    ("Design agreed with the neighbourhood", "A walk-in evening with the people living nearby."),
    ("Contract awarded", "After a public tender."),
    ("Work on site", "Expect some noise on weekdays between 7:00 and 16:00."),
    ("Finished and handed over", ""),
]

NOTES = {
    20: "The design is ready and was discussed with the neighbours.",
    10: "Preparations have started: surveys and a first design.",
    15: "The tender documents are out.",
    25: "The contractor is chosen; work starts next month.",
    35: "The contractor started on site.",
    45: "Half of the groundwork is done.",
    50: "Work is well under way.",
    60: "The main work is done; finishing touches next.",
    70: "Most of the work is done; planting and signs follow.",
    100: "Finished. Thank you to everyone who proposed and supported it.",
}


def _photo(title: str, seed: int) -> SimpleUploadedFile:
    """A simple drawing (sky, grass, a bench, a tree) to stand in for a photo."""
    image = Image.new("RGB", (960, 640), (186, 220, 240))
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 400, 960, 640], fill=(96, 160, 80))
    x = 200 + (seed * 97) % 400
    draw.rectangle([x, 420, x + 260, 440], fill=(120, 80, 40))  # seat
    draw.rectangle([x, 370, x + 260, 385], fill=(120, 80, 40))  # back
    for leg in (x + 10, x + 235):
        draw.rectangle([leg, 440, leg + 15, 490], fill=(60, 60, 60))
    draw.rectangle([760, 250, 790, 420], fill=(100, 70, 40))  # trunk
    draw.ellipse([690, 120, 860, 290], fill=(40, 120, 50))  # crown
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return SimpleUploadedFile(f"{title[:20]}.jpg", out.getvalue(), content_type="image/jpeg")


@dataclass(frozen=True)
class _Source:
    """What a demo result implements: an accepted proposal or a funded budget project."""

    kind: str
    pk: int
    title: str
    description: str
    process: object
    lat: float | None
    lon: float | None
    district: object
    since: dt.datetime | None
    amount: int | None = None


def _sources() -> list[tuple[_Source, tuple]]:
    accepted = (
        Proposal.objects.filter(answer_state=Proposal.AnswerState.ACCEPTED, is_hidden=False)
        .select_related("process", "district")
        .order_by("answered_at", "pk")[: len(STAGES)]
    )
    pairs = [
        (
            _Source(
                "proposal",
                p.pk,
                p.title,
                p.body[:600],
                p.process,
                p.lat,
                p.lon,
                p.district,
                p.answered_at,
            ),
            stage,
        )
        for p, stage in zip(accepted, STAGES, strict=False)
    ]
    funded = (
        BudgetProject.objects.filter(is_funded=True, budget__results_published_at__isnull=False)
        .select_related("budget__process", "district")
        .order_by("budget__results_published_at", "pk")
    )
    for index, project in enumerate(funded):
        budget = project.budget
        pairs.append(
            (
                _Source(
                    "budget_project",
                    project.pk,
                    project.title,
                    project.description[:600],
                    budget.process,
                    project.lat,
                    project.lon,
                    project.district,
                    budget.results_published_at,
                    project.cost,
                ),
                BUDGET_STAGES[index % len(BUDGET_STAGES)],
            )
        )
    return pairs


def load(demo) -> None:
    sources = _sources()
    if not sources:
        demo.say("  results: skipped (no accepted proposals or funded budget projects)")
        return
    staff_by_org = {}
    for membership in Membership.objects.select_related("user").order_by("pk"):
        staff_by_org.setdefault(membership.organisation_id, membership.user)
    admin = User.objects.filter(is_superuser=True).order_by("pk").first()
    now = timezone.now()
    today = timezone.localdate()
    counts = dict.fromkeys(Status.values, 0)
    for index, (source, (status, steps, cancel_reason)) in enumerate(sources):
        process = source.process
        organisation_id = process.organisation_id if process else None
        staff = staff_by_org.get(organisation_id, admin)
        started = max(source.since or now, now - dt.timedelta(days=300)) + dt.timedelta(days=3)
        started = min(started, now - dt.timedelta(days=30))
        transitions = [
            (Status.DONE if p == 100 else Status.IN_PROGRESS, p, NOTES.get(p, "")) for p in steps
        ]
        if status == Status.CANCELLED:
            transitions.append((Status.CANCELLED, steps[-1] if steps else 0, cancel_reason))
        span = (now - started) / (len(transitions) + 1)
        final_progress = steps[-1] if steps else 0
        district = source.district
        if source.lat is not None and district is None:
            district = district_at(source.lat, source.lon)
        (result,) = Result.objects.bulk_create(
            [
                Result(
                    title=source.title,
                    description=source.description,
                    process=process,
                    source_kind=source.kind,
                    source_id=source.pk,
                    department=process.organisation if process else None,
                    lat=source.lat,
                    lon=source.lon,
                    district=district,
                    status=status,
                    progress=100 if status == Status.DONE else final_progress,
                    cancel_reason=cancel_reason,
                    starts_on=started.date(),
                    ends_on=(started + dt.timedelta(days=240)).date(),
                    budget_amount=source.amount
                    or demo.rng.choice([8000, 15000, 24000, 40000, 65000, 120000]),
                    status_changed_at=started + span * len(transitions) if transitions else None,
                    created_by=staff,
                )
            ]
        )
        counts[status] += 1
        updates = [
            ResultUpdate(
                result=result,
                author=staff,
                created_at=started,
                status=Status.PLANNED,
                progress=0,
                note=START_NOTES[source.kind],
            )
        ]
        previous_status, previous_progress = Status.PLANNED, 0
        for step, (new_status, new_progress, note) in enumerate(transitions, start=1):
            updates.append(
                ResultUpdate(
                    result=result,
                    author=staff,
                    created_at=started + span * step,
                    previous_status=previous_status,
                    previous_progress=previous_progress,
                    status=new_status,
                    progress=new_progress,
                    note=note,
                )
            )
            previous_status, previous_progress = new_status, new_progress
        ResultUpdate.objects.bulk_create(updates)

        reached = {Status.DONE: 4, Status.IN_PROGRESS: 2 if final_progress >= 35 else 1}.get(
            status, 0
        )
        for position, (title, description) in enumerate(MILESTONES):
            due = (started + dt.timedelta(days=50 * (position + 1))).date()
            reached_on = None
            if position < reached:
                reached_on = min(due - dt.timedelta(days=demo.rng.randint(0, 6)), today)
            Milestone.objects.create(
                result=result,
                title=title,
                description=description,
                due_on=due,
                reached_on=reached_on,
                created_at=started,
            )
        if status == Status.DONE:
            full, thumb, width, height = process_photo(_photo(result.title, index))
            ResultPhoto.objects.create(
                result=result,
                image=full,
                thumbnail=thumb,
                width=width,
                height=height,
                alt_text="Drawing of a new bench and a tree on the finished site "
                "(a demo illustration, not a real photo)",
                added_by=staff,
                created_at=now - span / 2,
            )
        Result.objects.filter(pk=result.pk).update(
            created_at=started, updated_at=updates[-1].created_at
        )
    demo.say(
        "  results: "
        + ", ".join(f"{n} {status}" for status, n in counts.items() if n)
        + " (from accepted proposals and the funded projects of past budgets)"
    )
