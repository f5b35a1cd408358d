import datetime as dt

import pytest
from django.http import Http404
from django.utils import timezone

from wegov.processes import selectors
from wegov.processes.models import Action, Phase, PhaseKind
from wegov.processes.selectors import ProcessFilters
from wegov.processes.services import refresh_dates

from .factories import ProcessFactory, TopicFactory

pytestmark = pytest.mark.django_db


def today() -> dt.date:
    # Each time it is asked, not once at import: a run can cross the city's midnight.
    return timezone.localdate()


def with_phase(offset_start: int, offset_end: int, **kwargs):
    process = ProcessFactory(phase="", **kwargs)
    Phase.objects.create(
        process=process,
        kind=PhaseKind.PROPOSALS,
        starts_on=today() + dt.timedelta(days=offset_start),
        ends_on=today() + dt.timedelta(days=offset_end),
    )
    refresh_dates(process)
    return process


@pytest.fixture
def three():
    return {
        "active": with_phase(-5, 5, title="Running"),
        "upcoming": with_phase(3, 10, title="Later"),
        "past": with_phase(-20, -10, title="Done"),
    }


def slugs(qs):
    return [p.slug for p in qs]


def test_public_list_has_published_processes_running_first(three):
    ProcessFactory(is_published=False)
    assert slugs(selectors.process_list()) == [
        three["active"].slug,
        three["upcoming"].slug,
        three["past"].slug,
    ]


@pytest.mark.parametrize("status", ["active", "upcoming", "past"])
def test_status_filter(three, status):
    assert slugs(selectors.process_list(filters=ProcessFilters(status=status))) == [
        three[status].slug
    ]


def test_district_and_topic_filters(westwijk):
    topic = TopicFactory(slug="green")
    local = ProcessFactory(scope="district", district=westwijk, topic=topic)
    city = ProcessFactory()
    assert slugs(selectors.process_list(filters=ProcessFilters(district="westwijk"))) == [
        local.slug
    ]
    assert slugs(selectors.process_list(filters=ProcessFilters(district="city"))) == [city.slug]
    assert slugs(selectors.process_list(filters=ProcessFilters(topic="green"))) == [local.slug]
    assert (
        slugs(selectors.process_list(filters=ProcessFilters(topic="green", district="city"))) == []
    )


def test_manage_list_has_drafts_newest_first():
    published = ProcessFactory()
    draft = ProcessFactory(is_published=False, phase="")
    assert slugs(selectors.process_list(manage=True)) == [draft.slug, published.slug]


def test_list_loads_phases_topic_district_and_organisation_without_n_plus_1(
    django_assert_num_queries, westwijk
):
    for _ in range(6):
        ProcessFactory(scope="district", district=westwijk)
    with django_assert_num_queries(2):  # processes (joined), phases
        rows = list(selectors.process_list())
        for process in rows:
            assert process.active_phase is not None
            assert process.topic.name and process.district.name and process.organisation.name


def test_detail_hides_drafts_except_from_managers(citizen, process_manager, admin_user):
    draft = ProcessFactory(is_published=False)
    for viewer in (None, citizen):
        with pytest.raises(Http404):
            selectors.process_detail(draft.slug, viewer=viewer)
    assert selectors.process_detail(draft.slug, viewer=process_manager) == draft
    assert selectors.process_detail(draft.slug, viewer=admin_user) == draft
    with pytest.raises(Http404):
        selectors.process_detail("no-such-process", viewer=admin_user)


def test_timeline_and_allowed_actions():
    process = ProcessFactory(phase=PhaseKind.DEBATE)
    assert [(e.phase.kind, e.state) for e in selectors.timeline(process)] == [
        ("information", "past"),
        ("debate", "active"),
        ("implementation", "upcoming"),
    ]
    assert selectors.allowed_actions(process) == [Action.SUPPORT, Action.COMMENT, Action.DEBATE]
    assert selectors.has_started(process, PhaseKind.DEBATE)
    assert not selectors.has_started(process, PhaseKind.PROPOSALS)
    process.is_published = False
    assert selectors.allowed_actions(process) == []
