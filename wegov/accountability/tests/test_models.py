"""The database keeps the invariants even when code bypasses the services."""

import pytest
from django.db import IntegrityError, transaction

from wegov.accountability.models import Result, ResultPhoto, ResultUpdate

from .factories import MilestoneFactory, ResultFactory

pytestmark = pytest.mark.django_db


def _refused(**fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        ResultFactory(**fields)


@pytest.mark.parametrize(
    "fields",
    [
        {"status": "planned", "progress": 10},
        {"status": "done", "progress": 90},
        {"status": "in_progress", "progress": 101},
        {"status": "cancelled", "progress": 30, "cancel_reason": ""},
        {"status": "in_progress", "progress": 30, "cancel_reason": "a reason without cancelling"},
        {"status": "finished"},
        {"title": ""},
        {"source_kind": "proposal", "source_id": None},
        {"source_kind": "", "source_id": 3},
        {"lat": 91.0, "lon": 5.0},
    ],
)
def test_constraints_refuse(fields):
    _refused(**fields)


def test_dates_in_order():
    import datetime as dt

    _refused(starts_on=dt.date(2026, 5, 2), ends_on=dt.date(2026, 5, 1))


@pytest.mark.parametrize(
    "fields",
    [
        {"status": "planned", "progress": 0},
        {"status": "in_progress", "progress": 0},
        {"status": "in_progress", "progress": 99},
        {"status": "done", "progress": 100},
        {"status": "cancelled", "progress": 45, "cancel_reason": "No money."},
    ],
)
def test_constraints_accept(fields):
    ResultFactory(**fields)


def test_one_result_per_source():
    ResultFactory(source_kind="proposal", source_id=7)
    ResultFactory(source_kind="debate", source_id=7)
    _refused(source_kind="proposal", source_id=7)
    # Results without a source are not limited.
    ResultFactory()
    ResultFactory()
    assert Result.objects.count() == 4


def test_update_and_photo_and_milestone_constraints():
    result = ResultFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ResultUpdate.objects.create(result=result, status="done", progress=50)
    with pytest.raises(IntegrityError), transaction.atomic():
        ResultPhoto.objects.create(
            result=result, image="a.jpg", thumbnail="b.jpg", width=1, height=1, alt_text=""
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        MilestoneFactory(result=result, title="")


def test_allowed_statuses():
    assert ResultFactory(status="done", progress=100).allowed_statuses() == ["in_progress", "done"]
    assert ResultFactory().allowed_statuses() == ["planned", "in_progress", "done", "cancelled"]
