"""The debate pages: what each role sees and can do."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from wegov.accounts.tests.factories import UserFactory
from wegov.debates.models import Debate
from wegov.debates.tests.factories import DebateFactory
from wegov.processes.models import PhaseKind
from wegov.processes.tests.factories import ProcessFactory, TopicFactory

pytestmark = pytest.mark.django_db

ALL_ROLES = [
    "anonymous",
    "citizen",
    "other_citizen",
    "other_staff",
    "staff",
    "moderator",
    "process_manager",
    "admin_user",
]
ADMINISTRATION = {"staff", "process_manager", "admin_user"}
XSS = "<script>alert(1)</script>"


@pytest.fixture
def process(department):
    return ProcessFactory(
        slug="marktplein",
        title="A car-free Marktplein",
        organisation=department,
        phase=PhaseKind.DEBATE,
        citizens_may_open_debates=True,
    )


def list_url(process):
    return reverse("debates:list", args=[process.slug])


def create_url(process):
    return reverse("debates:create", args=[process.slug])


def detail_url(debate):
    return reverse("debates:detail", args=[debate.process.slug, debate.pk])


def close_url(debate):
    return reverse("debates:close", args=[debate.process.slug, debate.pk])


def text(response) -> str:
    """The page's visible text, roughly: tags dropped, spaces squeezed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# --- The list -----------------------------------------------------------------------


def test_the_list_shows_public_debates_with_who_opened_them(client, process, citizen):
    DebateFactory(process=process, author=citizen, title="Trees or parking?")
    DebateFactory(process=process, official=True, title="Market days", closed=True)
    DebateFactory(process=process, title="Spam", is_hidden=True, hidden_reason="Spam")
    DebateFactory(title="Another process's debate")
    response = client.get(list_url(process))
    assert response.status_code == 200
    page = text(response)
    assert "2 debates" in page
    assert "Trees or parking?" in page and "Opened by Anna Citizen" in page
    assert "Market days" in page and "Opened by Public Works" in page
    assert "Spam" not in page and "Another process" not in page


def test_the_list_filters_and_orders_without_javascript(client, process):
    mobility = TopicFactory(slug="mobility", name="Mobility")
    green = TopicFactory(slug="green", name="Green")
    busy = DebateFactory(process=process, title="Busy one", topic=mobility, comment_count=9)
    quiet = DebateFactory(process=process, title="Quiet one", topic=mobility)
    DebateFactory(process=process, title="Closed one", topic=green, closed=True)

    page = text(client.get(list_url(process), {"state": "open", "topic": "mobility"}))
    assert "2 debates" in page and "Closed one" not in page
    assert page.index(quiet.title) < page.index(busy.title)  # newest first
    page = text(client.get(list_url(process), {"order": "most_commented"}))
    assert page.index(busy.title) < page.index(quiet.title)
    page = text(client.get(list_url(process), {"state": "closed"}))
    assert "1 debate " in page and "Closed one" in page
    # A bad filter value is shown as an error and ignored, never a 500.
    response = client.get(list_url(process), {"state": "nonsense", "order": "x", "page": "abc"})
    assert response.status_code == 200
    assert "3 debates" in text(response)


def test_the_list_paginates(client, process):
    for n in range(23):
        DebateFactory(process=process, title=f"Question {n:02d}")
    first = text(client.get(list_url(process)))
    assert "23 debates" in first and "Question 22" in first and "Question 02" not in first
    second = text(client.get(list_url(process), {"page": 2}))
    assert "Question 02" in second and "Question 22" not in second


def test_the_list_does_not_query_per_debate(client, process, django_assert_max_num_queries):
    topic = TopicFactory()
    for n in range(20):
        DebateFactory(process=process, topic=topic, official=n % 2 == 0)
    with django_assert_max_num_queries(12):
        response = client.get(list_url(process))
    assert response.status_code == 200
    assert "20 debates" in text(response)


def test_unknown_or_unpublished_process_is_404(client, process, department):
    assert client.get("/processes/nope/debates/").status_code == 404
    hidden = ProcessFactory(organisation=department, is_published=False)
    assert client.get(list_url(hidden)).status_code == 404


def test_the_administration_sees_its_unpublished_process(as_role, department):
    hidden = ProcessFactory(organisation=department, is_published=False)
    client, _user = as_role("staff")
    assert client.get(list_url(hidden)).status_code == 200


@pytest.mark.parametrize("role", ALL_ROLES)
def test_open_a_debate_button(role, as_role, process):
    client, _user = as_role(role)
    page = client.get(list_url(process)).content.decode()
    if role == "anonymous":
        assert "Log in to open a debate" in page
    else:
        assert f'href="{create_url(process)}"' in page


def test_no_button_when_citizens_cannot_open_debates(as_role, process):
    process.citizens_may_open_debates = False
    process.save()
    client, _user = as_role("citizen")
    assert create_url(process) not in client.get(list_url(process)).content.decode()
    client.logout()
    assert "Log in to open a debate" not in client.get(list_url(process)).content.decode()


# --- Opening ------------------------------------------------------------------------


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("citizens_may", [True, False])
def test_open_a_debate_page_by_role(role, citizens_may, as_role, process):
    process.citizens_may_open_debates = citizens_may
    process.save()
    client, user = as_role(role)
    response = client.get(create_url(process))
    allowed = role in ADMINISTRATION or (role != "anonymous" and citizens_may)
    if role == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        return
    if not allowed:
        assert response.status_code == 403
        assert "In this process only the administration opens debates." in text(response)
        response = client.post(create_url(process), {"title": "T", "description": "D"})
        assert response.status_code == 403 and not Debate.objects.exists()
        return
    assert response.status_code == 200
    page = text(response)
    assert ("on behalf of Public Works" in page) is (role in ADMINISTRATION)
    response = client.post(
        create_url(process), {"title": "Should cars go?", "description": "Tell us."}
    )
    debate = Debate.objects.get()
    assert response.status_code == 302 and response["Location"] == detail_url(debate)
    assert debate.author == user
    assert (debate.opened_by_organisation is not None) is (role in ADMINISTRATION)


def test_open_a_debate_page_says_why_not_in_the_wrong_phase(as_role, process):
    from wegov.processes.tests.factories import set_active_phase

    set_active_phase(process, PhaseKind.PROPOSALS)
    client, _user = as_role("citizen")
    response = client.get(create_url(process))
    assert response.status_code == 403
    assert "only be opened while the process is in its debate phase" in text(response)


def test_blocked_citizen_is_told(as_role, process, citizen):
    citizen.blocked_at = timezone.now()
    citizen.save(update_fields=["blocked_at"])
    client, _user = as_role("citizen")
    response = client.get(create_url(process))
    assert response.status_code == 403
    assert "Your account is blocked" in text(response)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "", "description": "D"}, "Give the debate a title."),
        ({"title": "x" * 151, "description": "D"}, "Use at most 150 characters (you used 151)."),
        ({"title": "T", "description": ""}, "Describe what the debate is about."),
        ({"title": "T", "description": "d" * 5001}, "Use at most 5000 characters"),
        ({"title": "T", "description": "D", "topic": "999999"}, "Choose one of the listed"),
        ({"title": "T", "description": "D", "district": "abc"}, "Choose one of the listed"),
        ({"title": "   ", "description": "D"}, "Give the debate a title."),
    ],
)
def test_bad_input_shows_errors_and_saves_nothing(as_role, process, data, message):
    client, _user = as_role("citizen")
    response = client.post(create_url(process), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page and message in text(response)
    assert "<title>Error:" in page
    assert not Debate.objects.exists()


def test_script_in_a_debate_is_shown_as_text(as_role, client, process):
    user_client, _user = as_role("citizen")
    user_client.post(create_url(process), {"title": XSS, "description": f"Look {XSS}"})
    debate = Debate.objects.get()
    for url in (detail_url(debate), list_url(process)):
        html = client.get(url).content.decode()
        assert XSS not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# --- A debate's page ----------------------------------------------------------------


def test_detail_shows_the_debate_and_who_opened_it(client, process, citizen):
    debate = DebateFactory(
        process=process, author=citizen, title="Trees?", description="Line one\nLine two"
    )
    response = client.get(detail_url(debate))
    assert response.status_code == 200
    page = text(response)
    assert "Trees?" in page and "Line one" in page and "Open" in page
    assert "Anna Citizen" in page
    assert "Conclusion" not in page


def test_official_debate_says_opened_by_the_organisation(client, process, staff):
    debate = DebateFactory(process=process, author=staff, official=True)
    page = text(client.get(detail_url(debate)))
    assert "Opened by Public Works" in page and "Opened by the administration" in page
    assert "Sam Staff" not in page


def test_closed_debate_shows_its_conclusion_at_the_top(client, process):
    debate = DebateFactory(process=process, closed=True, conclusion="Saturdays car-free.")
    response = client.get(detail_url(debate))
    html = response.content.decode()
    assert 'id="conclusion"' in html
    assert html.index("Saturdays car-free.") < html.index("What the debate is about")
    assert "Closed" in text(response)


def test_wrong_process_slug_is_404(client, process):
    debate = DebateFactory(process=process)
    other = ProcessFactory()
    assert client.get(reverse("debates:detail", args=[other.slug, debate.pk])).status_code == 404
    assert client.get(reverse("debates:detail", args=[process.slug, 999999])).status_code == 404
    assert client.get(f"/processes/{process.slug}/debates/abc/").status_code == 404


def test_hidden_debate_shows_only_the_public_reason(client, as_role, process):
    debate = DebateFactory(
        process=process,
        title="Rude title",
        description="Rude words",
        is_hidden=True,
        hidden_reason="Insults other participants.",
        hidden_at=timezone.now(),
    )
    response = client.get(detail_url(debate))
    assert response.status_code == 200
    page = text(response)
    assert "This debate is hidden" in page and "Insults other participants." in page
    assert "Rude" not in page
    moderator_client, _user = as_role("moderator")
    page = text(moderator_client.get(detail_url(debate)))
    assert "Rude words" in page and "hidden by moderation" in page


def test_detail_queries_are_bounded(client, process, django_assert_max_num_queries):
    debate = DebateFactory(process=process, official=True, topic=TopicFactory())
    with django_assert_max_num_queries(10):
        assert client.get(detail_url(debate)).status_code == 200


# --- Closing ------------------------------------------------------------------------


@pytest.mark.parametrize("role", ALL_ROLES)
def test_close_form_and_closing_by_role(role, as_role, process, citizen):
    debate = DebateFactory(process=process, author=citizen)
    client, user = as_role(role)
    allowed = role in ADMINISTRATION or role == "citizen"
    page = client.get(detail_url(debate)).content.decode()
    assert ('id="close-form"' in page) is allowed
    response = client.post(close_url(debate), {"conclusion": "We keep it car-free."})
    debate.refresh_from_db()
    if role == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        assert debate.is_open
    elif not allowed:
        assert response.status_code == 403
        assert "Only the administration or the person who opened" in text(response)
        assert debate.is_open
    else:
        assert response.status_code == 302 and response["Location"] == detail_url(debate)
        assert debate.is_closed and debate.closed_by == user
        page = text(client.get(detail_url(debate)))
        assert "We keep it car-free." in page
        assert "The debate is closed and its conclusion is published." in page


def test_closing_without_conclusion_shows_the_error(as_role, process):
    debate = DebateFactory(process=process)
    client, _user = as_role("staff")
    response = client.post(close_url(debate), {"conclusion": "   "})
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html and 'id="close-debate" open' in html
    assert "Write the conclusion: a debate is closed with a published conclusion." in text(response)
    assert Debate.objects.get().is_open


def test_closing_twice_says_it_is_closed(as_role, process):
    debate = DebateFactory(process=process, closed=True)
    client, _user = as_role("staff")
    response = client.post(close_url(debate), {"conclusion": "Again"})
    assert response.status_code == 403 and "already closed" in text(response)


def test_closed_debate_has_no_close_form_and_managers_reopen_it(as_role, process):
    debate = DebateFactory(process=process, closed=True)
    client, _user = as_role("staff")
    page = client.get(detail_url(debate)).content.decode()
    assert 'id="close-form"' not in page and 'id="reopen-form"' not in page
    reopen = reverse("debates:reopen", args=[process.slug, debate.pk])
    assert client.post(reopen).status_code == 403
    client, _user = as_role("process_manager")
    assert 'id="reopen-form"' in client.get(detail_url(debate)).content.decode()
    response = client.post(reopen)
    assert response.status_code == 302
    debate.refresh_from_db()
    assert debate.is_open and debate.conclusion == ""


def test_get_on_close_is_not_allowed(client, process):
    debate = DebateFactory(process=process)
    assert client.get(close_url(debate)).status_code == 405


# --- Changing -----------------------------------------------------------------------


def test_the_author_changes_the_debate(as_role, process, citizen):
    debate = DebateFactory(process=process, author=citizen)
    edit = reverse("debates:edit", args=[process.slug, debate.pk])
    client, _user = as_role("citizen")
    assert edit in client.get(detail_url(debate)).content.decode()
    assert client.get(edit).status_code == 200
    response = client.post(edit, {"title": "Clearer question", "description": "Better."})
    assert response.status_code == 302
    assert Debate.objects.get().title == "Clearer question"
    response = client.post(edit, {"title": "", "description": "Better."})
    assert response.status_code == 200 and "Give the debate a title." in text(response)


def test_others_cannot_change_it(as_role, process, citizen):
    debate = DebateFactory(process=process, author=citizen, comment_count=0)
    edit = reverse("debates:edit", args=[process.slug, debate.pk])
    client, _user = as_role("other_citizen")
    assert edit not in client.get(detail_url(debate)).content.decode()
    assert client.post(edit, {"title": "Mine now", "description": "x"}).status_code == 403
    Debate.objects.update(comment_count=2)
    client, _user = as_role("citizen")
    response = client.get(edit)
    assert response.status_code == 403 and "already argued" in text(response)


def test_an_erased_author_shows_as_former_participant(client, process):
    author = UserFactory(display_name="Gone Person", erased_at=timezone.now())
    debate = DebateFactory(process=process, author=author)
    page = text(client.get(detail_url(debate)))
    assert "former participant" in page and "Gone Person" not in page
