import datetime as dt
import re

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from wegov.processes import services
from wegov.processes.models import Phase, PhaseKind
from wegov.processes.services import ProcessInput

from .conftest import jpeg_upload
from .factories import ProcessFactory, TopicFactory, set_active_phase

pytestmark = pytest.mark.django_db


def today() -> dt.date:
    # Each time it is asked, not once at import: a run can cross the city's midnight.
    return timezone.localdate()


def text(response_or_html) -> str:
    """The page's visible text, tags removed, whitespace collapsed."""
    html = response_or_html
    if not isinstance(html, str):
        html = html.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def url_or_none(name, *args):
    try:
        return reverse(name, args=args)
    except NoReverseMatch:  # built by another app: may not exist yet
        return None


# --- The list ------------------------------------------------------------------------


def test_list_shows_published_processes_with_status_phase_and_place(client, westwijk):
    topic = TopicFactory(name="Green spaces", slug="green-spaces")
    process = ProcessFactory(
        title="Green Westwijk",
        scope="district",
        district=westwijk,
        topic=topic,
        phase=PhaseKind.DEBATE,
    )
    ProcessFactory(title="Secret draft", is_published=False)
    response = client.get(reverse("processes:list"))
    assert response.status_code == 200
    page = text(response)
    assert "1 process" in page
    assert "Green Westwijk" in page and "Secret draft" not in page
    assert "Running now Debate phase until" in page
    assert "Westwijk · Green spaces" in page
    assert f'href="{reverse("processes:detail", args=[process.slug])}"' in response.content.decode()


def test_filters_work_as_a_plain_get_form(client, westwijk):
    topic = TopicFactory(slug="green")
    ProcessFactory(title="Local green", scope="district", district=westwijk, topic=topic)
    ProcessFactory(title="City mobility")
    response = client.get(reverse("processes:list"), {"district": "westwijk", "topic": "green"})
    page = text(response)
    assert "Local green" in page and "City mobility" not in page
    assert "Clear filters" in page
    html = response.content.decode()
    assert '<form method="get"' in html
    assert '<option value="westwijk" selected>' in html

    response = client.get(reverse("processes:list"), {"status": "upcoming"})
    assert "No processes match these filters." in text(response)


def test_an_invalid_filter_is_shown_and_ignored(client):
    ProcessFactory(title="Still listed")
    response = client.get(reverse("processes:list"), {"status": "<script>", "district": "mars"})
    assert response.status_code == 400
    page = text(response)
    assert "There is a problem" in page and "Select a valid choice" in page
    assert "Still listed" in page
    assert "<script>" not in response.content.decode().split("</form>")[0].split("govuk-error")[0]


def test_list_is_paginated_with_constant_queries(client, django_assert_max_num_queries):
    for _ in range(14):
        ProcessFactory()
    with django_assert_max_num_queries(9):
        response = client.get(reverse("processes:list"))
    assert "14 processes" in text(response)
    assert len(response.context["page"].object_list) == 12
    assert 'rel="next"' in response.content.decode()
    response = client.get(reverse("processes:list"), {"page": 2})
    assert len(response.context["page"].object_list) == 2
    response = client.get(reverse("processes:list"), {"page": "999"})
    assert response.status_code == 200 and response.context["page"].number == 2


def test_list_queries_do_not_grow_with_the_processes(client, django_assert_max_num_queries):
    ProcessFactory()
    with django_assert_max_num_queries(9) as small:
        client.get(reverse("processes:list"))
    for _ in range(10):
        ProcessFactory()
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("processes:list"))


# --- A process's page -------------------------------------------------------------------


def test_detail_shows_everything_and_a_timeline_in_words(client, westwijk, process_manager):
    process = services.process_create(
        actor=process_manager,
        data=ProcessInput(
            title="Car-free Marktplein",
            slug="car-free-marktplein",
            summary="What should the square become?",
            description="<p>The <strong>square</strong> becomes car-free.</p><script>x()</script>",
            organisation=ProcessFactory().organisation,
            topic=TopicFactory(name="Mobility"),
            scope="district",
            district=westwijk,
            hero_image=jpeg_upload(),
            hero_image_alt="The square full of parked cars",
        ),
    )
    set_active_phase(process, PhaseKind.PROPOSALS)
    process.is_published = True
    process.save(update_fields=["is_published"])
    response = client.get(reverse("processes:detail", args=[process.slug]))
    assert response.status_code == 200
    html = response.content.decode()
    page = text(response)
    assert '<h1 class="govuk-heading-l">Car-free Marktplein</h1>' in html
    assert "What should the square become?" in page
    assert 'alt="The square full of parked cars"' in html and 'width="120"' in html
    assert '<p class="govuk-body">The <strong>square</strong> becomes car-free.</p>' in html
    assert "x()" not in html
    assert "Westwijk" in page and "Mobility" in page and process.organisation.name in page
    # The timeline: each phase's state in words, the active one marked as the current step.
    timeline = html.split('id="timeline"')[1]
    assert timeline.count("govuk-task-list__item") == 3
    assert re.search(
        r"Information.*Finished.*Proposals.*Now open.*Implementation.*Upcoming", text(timeline)
    )
    assert 'aria-current="step"' in timeline
    # What you can do now: from the proposals phase.
    assert "What you can do now" in page
    assert "Submit a proposal" in page and "Support the proposals you agree with" in page
    assert "Take part in the debates" not in page
    create_url = url_or_none("proposals:create", process.slug)
    if create_url:
        assert f'href="{create_url}"' in html
    assert "Log in to take part." in page


@pytest.mark.parametrize(
    ("kind", "present", "absent"),
    [
        (PhaseKind.DEBATE, ["Take part in the debates", "Support the proposals"], ["Submit a"]),
        (PhaseKind.EVALUATION, ["There is nothing to contribute in this phase"], ["Submit a"]),
        (PhaseKind.INFORMATION, ["Comment on the contributions"], ["Submit a", "debates"]),
        (PhaseKind.VOTING, ["Vote in the polls"], ["Submit a"]),
    ],
)
def test_what_you_can_do_follows_the_active_phase(client, kind, present, absent):
    process = ProcessFactory(phase=kind)
    section = text(client.get(reverse("processes:detail", args=[process.slug])))
    section = section.split("What you can do now")[1].split("About this process")[0]
    for words in present:
        assert words in section
    for words in absent:
        assert words not in section


def test_citizens_may_open_debates_only_when_the_process_allows(client):
    closed = ProcessFactory(phase=PhaseKind.DEBATE)
    opened = ProcessFactory(phase=PhaseKind.DEBATE, citizens_may_open_debates=True)
    assert "Open a debate" not in text(client.get(reverse("processes:detail", args=[closed.slug])))
    assert "Open a debate" in text(client.get(reverse("processes:detail", args=[opened.slug])))


def test_upcoming_past_and_gap_processes(client):
    upcoming = ProcessFactory(phase="")
    Phase.objects.create(
        process=upcoming,
        kind="information",
        starts_on=today() + dt.timedelta(days=3),
        ends_on=today() + dt.timedelta(days=9),
    )
    services.refresh_dates(upcoming)
    page = text(client.get(reverse("processes:detail", args=[upcoming.slug])))
    assert "The process starts on" in page and "Upcoming" in page

    past = ProcessFactory(phase="")
    Phase.objects.create(
        process=past,
        kind="proposals",
        starts_on=today() - dt.timedelta(days=9),
        ends_on=today() - dt.timedelta(days=3),
    )
    services.refresh_dates(past)
    page = text(client.get(reverse("processes:detail", args=[past.slug])))
    assert "The process ended on" in page and "Finished" in page

    gap = ProcessFactory(phase="")
    for start, end in ((-9, -2), (2, 9)):
        Phase.objects.create(
            process=gap,
            kind="information",
            starts_on=today() + dt.timedelta(days=start),
            ends_on=today() + dt.timedelta(days=end),
            position=start + 10,
        )
    services.refresh_dates(gap)
    page = text(client.get(reverse("processes:detail", args=[gap.slug])))
    assert "between two phases" in page


def test_detail_queries_are_few(client, django_assert_max_num_queries):
    process = ProcessFactory()
    with django_assert_max_num_queries(6):
        response = client.get(reverse("processes:detail", args=[process.slug]))
    assert response.status_code == 200


def test_drafts_are_404_for_the_public_and_marked_for_managers(as_role):
    draft = ProcessFactory(is_published=False, title="Draft plan")
    url = reverse("processes:detail", args=[draft.slug])
    for role in ("anonymous", "citizen", "other_staff", "moderator"):
        client, _user = as_role(role)
        assert client.get(url).status_code == 404, role
        client.logout()
    client, _user = as_role("process_manager")
    response = client.get(url)
    assert response.status_code == 200
    assert "This process is not published: only process managers can see it." in text(response)
    assert "Manage this process" in text(response)


def test_unknown_process_is_404(client):
    assert client.get(reverse("processes:detail", args=["nothing-here"])).status_code == 404


def test_rich_text_filter_styles_and_cleans():
    from wegov.processes.templatetags.process_tags import govuk_rich_text

    html = govuk_rich_text(
        '<h2>Plan</h2><p>See <a href="https://example.org">this</a></p><pre>code</pre>'
        '<ul><li>one</li></ul><script>alert(1)</script><p onclick="x">hi</p>'
    )
    assert '<h2 class="govuk-heading-m">Plan</h2>' in html
    assert '<a class="govuk-link" href="https://example.org"' in html
    assert '<ul class="govuk-list govuk-list--bullet">' in html and "<pre>code</pre>" in html
    assert "script" not in html and "onclick" not in html
    assert '<p class="govuk-body">hi</p>' in html
