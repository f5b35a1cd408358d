"""Quality scores of reports: computed when filed, duplicates, the staff queue
column and order, the staff page's parts, and who sees them."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from wegov.reports import quality, services
from wegov.reports.models import Report
from wegov.reports.tests.factories import CENTRE, CategoryFactory, ReportFactory

pytestmark = pytest.mark.django_db

ALL_ROLES = ["anonymous", "citizen", "other_citizen", "staff", "other_staff", "moderator"]
ALL_ROLES += ["admin_user"]

GOOD = "The paving stone in front of the bakery is loose and people trip over it every day."


@pytest.fixture
def category(department):
    return CategoryFactory(department=department, name="Pothole", service_code="pothole")


def new(category, **kw):
    data = {
        "category": category,
        "title": "Loose paving stone",
        "description": GOOD,
        "lat": CENTRE[0],
        "lon": CENTRE[1],
    }
    data.update(kw)
    return services.NewReport(**data)


def metres_north(metres: float) -> float:
    return CENTRE[0] + metres / 111_320


def test_a_new_report_is_scored_with_its_parts(city, citizen, category):
    report = services.report_create(actor=citizen, data=new(category))
    stored = Report.objects.get(pk=report.pk)
    # No photo: 5 points off completeness.
    assert stored.quality_score == 95
    names = [part["name"] for part in stored.quality_parts]
    assert names == ["location", "completeness", "duplicate", "spam", "language"]
    assert stored.quality_parts[0]["params"] == {"district": "Centrum"}


def test_a_near_report_of_the_same_category_is_a_possible_duplicate(city, citizen, category):
    first = services.report_create(actor=citizen, data=new(category))
    Report.objects.filter(pk=first.pk).update(created_at=timezone.now() - dt.timedelta(days=2))
    second = services.report_create(
        actor=citizen, data=new(category, lat=metres_north(40), lon=CENTRE[1])
    )
    assert second.quality_score == 75
    duplicate = next(p for p in second.quality_parts if p["name"] == "duplicate")
    assert duplicate["points"] == 0
    assert duplicate["params"] == {"id": first.pk, "metres": 40, "count": 2}


@pytest.mark.parametrize(
    ("metres", "days", "same_category"),
    [(80, 1, True), (10, 20, True), (10, 1, False)],
)
def test_not_a_duplicate_when_far_old_or_another_category(
    city, citizen, category, department, metres, days, same_category
):
    earlier = ReportFactory(
        category=category if same_category else CategoryFactory(department=department),
        lat=metres_north(metres),
    )
    Report.objects.filter(pk=earlier.pk).update(created_at=timezone.now() - dt.timedelta(days=days))
    report = services.report_create(actor=citizen, data=new(category))
    duplicate = next(p for p in report.quality_parts if p["name"] == "duplicate")
    assert duplicate["points"] == 20


def test_duplicate_search_is_one_query(city, category, django_assert_num_queries):
    for _ in range(5):
        ReportFactory(category=category)
    report = ReportFactory(category=category)
    with django_assert_num_queries(1):
        found = quality.find_duplicate(report)
    assert found is not None


def test_score_quality_command_scores_existing_rows(city, category):
    rows = [ReportFactory(category=category, description="x") for _ in range(3)]
    assert {r.quality_score for r in rows} == {None}
    call_command("score_quality", "--kind", "report")
    scores = list(Report.objects.order_by("pk").values_list("quality_score", flat=True))
    # No district stored (factory rows), short text, no photo; the later two
    # are possible duplicates of the first.
    assert scores[0] < 100 and all(s is not None for s in scores)
    assert scores[1] == scores[0] - 20


def test_score_quality_command_refuses_an_unknown_kind():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Unknown kind"):
        call_command("score_quality", "--kind", "budget")


def test_rescore_goes_in_batches(city, category, monkeypatch, django_assert_max_num_queries):
    monkeypatch.setattr(quality, "BATCH", 2)
    ReportFactory.create_batch(5, category=category)
    assert quality.rescore() == 5
    assert not Report.objects.filter(quality_score__isnull=True).exists()


# --- Who sees it ---------------------------------------------------------------------


@pytest.fixture
def scored(city, citizen, category):
    report = services.report_create(
        actor=citizen, data=new(category, title="Hole", description="Broken")
    )
    assert report.quality_score == 80  # completeness: 0 of 20
    return report


@pytest.mark.parametrize("role", ALL_ROLES)
def test_only_staff_see_the_score_on_the_staff_pages(as_role, role, scored):
    client, _user = as_role(role)
    queue = client.get(reverse("backoffice:queue"))
    detail = client.get(reverse("backoffice:detail", args=[scored.pk]))
    public = client.get(reverse("reports:detail", args=[scored.pk]))
    assert public.status_code == 200
    assert "Quality" not in public.content.decode()
    assert "Description very short" not in public.content.decode()
    if role in {"staff", "admin_user"}:
        assert f'data-quality="{scored.quality_score}"' in queue.content.decode()
    elif role == "other_staff":  # another department's queue: not this report
        assert queue.status_code == 200
        assert "data-quality=" not in queue.content.decode()
    else:
        assert queue.status_code in (302, 403)
    if role in {"staff", "admin_user"}:
        page = detail.content.decode()
        assert "Quality score (staff only)" in page
        assert "Location: inside Centrum (+25)" in page
        assert "Description very short" in page
    else:
        assert detail.status_code in (302, 403)


def test_queue_sorts_by_quality_lowest_first(as_role, category):
    good = ReportFactory(category=category, title="Good one", quality_score=90)
    bad = ReportFactory(category=category, title="Bad one", quality_score=20)
    unscored = ReportFactory(category=category, title="Unscored one")
    client, _user = as_role("staff")
    page = client.get(reverse("backoffice:queue"), {"order": "quality"}).content.decode()
    assert page.index(bad.title) < page.index(good.title) < page.index(unscored.title)
    assert 'aria-sort="ascending">Quality' in page
    assert "Not scored" in page


def test_quality_column_adds_no_query_per_row(as_role, category, django_assert_max_num_queries):
    for score in range(60):
        ReportFactory(category=category, quality_score=score, quality_parts=[{"name": "x"}])
    client, _user = as_role("staff")
    url = reverse("backoffice:queue")
    client.get(url)
    with django_assert_max_num_queries(11):
        response = client.get(url, {"order": "quality"})
    assert response.content.decode().count("wegov-quality") == 50
