import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from wegov.processes.models import PhaseKind
from wegov.processes.tests.factories import ProcessFactory
from wegov.voting import services
from wegov.voting.models import Delegation, Poll, PollVote, VotingSettings

from .conftest import option_ids
from .factories import PollFactory

pytestmark = pytest.mark.django_db


def _detail(poll):
    return reverse("voting:detail", args=[poll.process.slug, poll.pk])


def _close(poll):
    now = timezone.now()
    Poll.objects.filter(pk=poll.pk).update(opens_at=now - dt.timedelta(days=3), closes_at=now)


# --- List and detail --------------------------------------------------------------------


def test_poll_list_shows_published_polls(client, ranked, django_assert_max_num_queries):
    PollFactory(process=ranked.process, title="A secret draft", is_published=False)
    for _ in range(5):
        PollFactory(process=ranked.process)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("voting:list", args=[ranked.process.slug]))
    assert response.status_code == 200
    content = response.content.decode()
    assert ranked.title in content
    assert "A secret draft" not in content
    assert "My delegation" in content


def test_unpublished_process_polls_are_404(client, department):
    process = ProcessFactory(organisation=department, is_published=False, phase=PhaseKind.VOTING)
    poll = PollFactory(process=process)
    assert client.get(reverse("voting:list", args=[process.slug])).status_code == 404
    assert client.get(_detail(poll)).status_code == 404


def test_draft_poll_is_404_for_the_public_but_not_for_managers(as_role, ranked):
    Poll.objects.filter(pk=ranked.pk).update(is_published=False)
    client, _ = as_role("citizen")
    assert client.get(_detail(ranked)).status_code == 404
    client, _ = as_role("process_manager")
    response = client.get(_detail(ranked))
    assert response.status_code == 200
    assert "Draft" in response.content.decode()


def test_poll_of_another_process_is_404(client, ranked, department):
    other = ProcessFactory(organisation=department, phase=PhaseKind.VOTING)
    url = reverse("voting:detail", args=[other.slug, ranked.pk])
    assert client.get(url).status_code == 404


def test_anonymous_sees_the_poll_and_a_login_link(client, ranked):
    response = client.get(_detail(ranked))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Log in to vote" in content
    assert 'id="ballot"' not in content


@pytest.mark.parametrize("fixture", ["ranked", "single", "approval"])
def test_ballot_renders_per_kind(as_role, request, fixture):
    poll = request.getfixturevalue(fixture)
    client, _ = as_role("citizen")
    content = client.get(_detail(poll)).content.decode()
    expected = {"ranked": '<select class="govuk-select"', "single": 'type="radio"'}
    expected["approval"] = 'type="checkbox"'
    assert expected[fixture] in content
    assert "Cast my vote" in content


def test_vote_on_a_ranked_poll_and_change_it(as_role, ranked):
    client, user = as_role("citizen")
    ids = option_ids(ranked)
    response = client.post(
        _detail(ranked),
        {f"rank_{ids['Market']}": "1", f"rank_{ids['Park']}": "2", f"rank_{ids['Parking']}": ""},
    )
    assert response.status_code == 302
    vote = PollVote.objects.get(poll=ranked, voter=user)
    assert {(c.option_id, c.rank) for c in vote.choices.all()} == {
        (ids["Market"], 1),
        (ids["Park"], 2),
    }
    page = client.get(_detail(ranked)).content.decode()
    assert "Change my vote" in page
    assert '<option value="1" selected>' in page
    client.post(_detail(ranked), {f"rank_{ids['Parking']}": "1"})
    assert {c.option_id for c in PollVote.objects.get(pk=vote.pk).choices.all()} == {ids["Parking"]}


def test_bad_ballot_shows_the_error_summary(as_role, ranked, single, approval):
    client, _ = as_role("citizen")
    response = client.post(_detail(ranked), {})
    assert response.status_code == 400
    content = response.content.decode()
    assert "govuk-error-summary" in content and "Rank at least one option." in content
    response = client.post(_detail(single), {})
    assert "Choose an option." in response.content.decode()
    assert 'href="#id_choice_0"' in response.content.decode()
    ids = option_ids(approval)
    response = client.post(_detail(approval), {"choices": list(map(str, ids.values()))})
    assert response.status_code == 400
    assert "Choose at most 2 options (you chose 3)." in response.content.decode()
    response = client.post(_detail(single), {"choice": "999999"})
    assert response.status_code == 400
    assert not PollVote.objects.exists()


def test_anonymous_post_goes_to_login(client, single):
    response = client.post(_detail(single), {"choice": str(single.options.first().pk)})
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_vote_on_closed_poll_is_refused_with_reason(as_role, single):
    _close(single)
    client, _ = as_role("citizen")
    response = client.post(_detail(single), {"choice": str(single.options.first().pk)})
    assert response.status_code == 403
    assert "This poll is closed." in response.content.decode()


def test_withdraw(as_role, single):
    client, user = as_role("citizen")
    client.post(_detail(single), {"choice": str(single.options.first().pk)})
    response = client.post(reverse("voting:withdraw", args=[single.process.slug, single.pk]))
    assert response.status_code == 302
    assert not PollVote.objects.filter(voter=user).exists()


# --- Results ----------------------------------------------------------------------------


def test_results_hidden_until_close(client, single):
    url = reverse("voting:results", args=[single.process.slug, single.pk])
    response = client.get(url)
    assert response.status_code == 403
    assert "once the poll has closed" in response.content.decode()


def test_ranked_results_page(client, ranked, people, django_assert_max_num_queries):
    ids = option_ids(ranked)
    services.delegation_set(actor=people["Dee"], process=ranked.process, delegate=people["Ann"])
    for name, ranks in [
        ("Ann", {ids["Park"]: 1, ids["Market"]: 2}),
        ("Ben", {ids["Market"]: 1, ids["Park"]: 2}),
        ("Cas", {ids["Park"]: 1, ids["Market"]: 1}),
    ]:
        services.vote_cast(actor=people[name], poll=ranked, ranks=ranks)
    _close(ranked)
    url = reverse("voting:results", args=[ranked.process.slug, ranked.pk])
    with django_assert_max_num_queries(14):
        response = client.get(url)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Winner" in content and "Park" in content
    assert 'id="pairwise-table"' in content
    assert '<title id="chart-title">' in content and '<desc id="chart-desc">' in content
    assert "3 people voted." in content
    assert "1 more vote was delegated to them, so 4 votes count in all." in content
    # Park is preferred to Market by Ann (weight 2); Market to Park by Ben: 2 vs 1.
    assert "2 (2)" in content


def test_tie_is_stated_in_words(client, single, people):
    ids = option_ids(single)
    services.vote_cast(actor=people["Ann"], poll=single, choices=[ids["Yes"]])
    services.vote_cast(actor=people["Ben"], poll=single, choices=[ids["No"]])
    _close(single)
    content = client.get(
        reverse("voting:results", args=[single.process.slug, single.pk])
    ).content.decode()
    assert "A tie" in content
    assert "2 options share the first place: Yes, No" in content
    assert "Tied: Yes, No" in content


def test_live_results_while_open(client, process, people):
    poll = PollFactory(process=process, results_visibility="live")
    response = client.get(reverse("voting:results", args=[process.slug, poll.pk]))
    assert response.status_code == 200
    assert "Nobody has voted yet" in response.content.decode()
    services.vote_cast(actor=people["Ann"], poll=poll, ranks={poll.options.first().pk: 1})
    content = client.get(reverse("voting:results", args=[process.slug, poll.pk])).content.decode()
    assert "In the lead so far" in content and "Winner" not in content
    assert "still open" in response.content.decode()


# --- Delegation page ---------------------------------------------------------------------


def test_delegation_page_flow(as_role, process, people):
    client, user = as_role("citizen")
    url = reverse("voting:delegation", args=[process.slug])
    services.delegation_set(actor=people["Eva"], process=process, delegate=user)
    response = client.get(url, {"q": "be"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "Ben" in content and "Eva" in content  # a candidate; someone delegating to me
    assert "your vote counts 2 times" in content
    response = client.post(url, {"delegate": people["Ben"].pk})
    assert response.status_code == 302
    assert Delegation.objects.current().get(delegator=user).delegate == people["Ben"]
    content = client.get(url).content.decode()
    assert "You delegate your vote to <strong>Ben</strong>" in content
    response = client.post(reverse("voting:delegation_revoke", args=[process.slug]))
    assert response.status_code == 302
    assert not Delegation.objects.current().filter(delegator=user).exists()


def test_delegation_cycle_shows_the_reason(as_role, process, people):
    client, user = as_role("citizen")
    services.delegation_set(actor=people["Ann"], process=process, delegate=user)
    response = client.post(
        reverse("voting:delegation", args=[process.slug]), {"delegate": people["Ann"].pk}
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "govuk-error-summary" in content and "circle" in content


def test_delegation_page_needs_login_and_the_setting(client, as_role, process):
    url = reverse("voting:delegation", args=[process.slug])
    assert client.get(url).status_code == 302
    VotingSettings.objects.filter(process=process).update(delegation_enabled=False)
    client, _ = as_role("citizen")
    assert client.get(url).status_code == 404


def test_short_search_is_an_error(as_role, process):
    client, _ = as_role("citizen")
    response = client.get(reverse("voting:delegation", args=[process.slug]), {"q": "a"})
    assert "Type at least 2 letters." in response.content.decode()


# --- Managers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("citizen", 403),
        ("other_staff", 403),
        ("moderator", 403),
        ("process_manager", 200),
        ("admin_user", 200),
    ],
)
def test_manage_pages_matrix(as_role, ranked, role, status):
    client, _ = as_role(role)
    slug = ranked.process.slug
    assert client.get(reverse("voting:manage", args=[slug])).status_code == status
    assert client.get(reverse("voting:manage_create", args=[slug])).status_code == status
    assert client.get(reverse("voting:manage_edit", args=[slug, ranked.pk])).status_code == status


def test_manage_requires_login(client, ranked):
    response = client.get(reverse("voting:manage", args=[ranked.process.slug]))
    assert response.status_code == 302


def test_manager_creates_publishes_and_announces_results(as_role, process, people):
    client, _ = as_role("process_manager")
    now = timezone.localtime()
    response = client.post(
        reverse("voting:manage_create", args=[process.slug]),
        {
            "title": "New bus line?",
            "kind": "single",
            "options": "Yes\nNo\n\n",
            "opens_at": (now - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "closes_at": (now + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
            "results_visibility": "after_close",
        },
    )
    assert response.status_code == 302
    poll = Poll.objects.get(title="New bus line?")
    assert [o.label for o in poll.options.all()] == ["Yes", "No"]
    client.post(reverse("voting:manage_publish", args=[process.slug, poll.pk]))
    poll.refresh_from_db()
    assert poll.is_published
    services.vote_cast(actor=people["Ann"], poll=poll, choices=[option_ids(poll)["Yes"]])
    _close(poll)
    client.post(reverse("voting:manage_publish_results", args=[process.slug, poll.pk]))
    poll.refresh_from_db()
    assert poll.results_published_at is not None
    assert poll.tallies.count() == 1


def test_manager_form_errors(as_role, process):
    client, _ = as_role("process_manager")
    response = client.post(
        reverse("voting:manage_create", args=[process.slug]),
        {"title": "", "kind": "single", "options": "Only", "opens_at": "x"},
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "Write the question people vote on." in content
    assert "Give a date and time." in content


def test_manager_switches_delegation(as_role, process):
    client, _ = as_role("process_manager")
    client.post(reverse("voting:manage_settings", args=[process.slug]), {})
    assert VotingSettings.objects.get(process=process).delegation_enabled is False
    client.post(
        reverse("voting:manage_settings", args=[process.slug]), {"delegation_enabled": "on"}
    )
    assert VotingSettings.objects.get(process=process).delegation_enabled is True


def test_process_page_lists_the_polls(client, ranked):
    response = client.get(reverse("processes:detail", args=[ranked.process.slug]))
    content = response.content.decode()
    assert ranked.title in content
    assert "Vote in the polls" in content
