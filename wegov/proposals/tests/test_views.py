"""The pages: what people see and can do."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from wegov.accounts.tests.factories import UserFactory
from wegov.processes.models import PhaseKind, Process
from wegov.processes.tests.factories import ProcessFactory, TopicFactory, set_active_phase
from wegov.proposals import services
from wegov.proposals.models import Coauthorship, Proposal, Support
from wegov.proposals.views import ORDER_COOKIE, ORDER_STARTS, PER_PAGE

from .conftest import jpeg_upload, pdf_upload
from .factories import CoauthorshipFactory, ProposalFactory

pytestmark = pytest.mark.django_db

XSS = "<script>alert(1)</script>"


def url(name, proposal=None, process=None, **query):
    if proposal is not None:
        path = reverse(f"proposals:{name}", args=[proposal.process.slug, proposal.pk])
    else:
        path = reverse(f"proposals:{name}", args=[process.slug])
    if query:
        path += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return path


def text_of(response) -> str:
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def titles_on(response) -> list[str]:
    return re.findall(
        r'<h3 class="govuk-heading-s[^"]*"><a class="govuk-link" href="[^"]+">([^<]+)</a>',
        response.content.decode(),
    )


# --- The list ------------------------------------------------------------------------------------


def test_list_shows_proposals_never_hidden_ones(client, process):
    ProposalFactory(process=process, title="Visible idea", support_count=4)
    ProposalFactory(process=process, title="Hidden idea", is_hidden=True)
    ProposalFactory(
        process=process, title="Withdrawn idea", state="withdrawn", withdrawn_at=timezone.now()
    )
    ProposalFactory(title="Other process idea")
    response = client.get(url("list", process=process))
    assert response.status_code == 200
    assert titles_on(response) == ["Visible idea"]
    page = text_of(response)
    assert "1 proposal" in page and "4 supports" in page and "Log in to write a proposal" in page
    withdrawn = client.get(url("list", process=process, withdrawn="on"))
    assert titles_on(withdrawn) == ["Withdrawn idea"]
    assert "Hidden idea" not in withdrawn.content.decode()


def test_list_of_unknown_or_unpublished_process_is_404(client, process):
    assert client.get("/processes/nope/proposals/").status_code == 404
    Process.objects.filter(pk=process.pk).update(is_published=False)
    assert client.get(url("list", process=process)).status_code == 404


def test_list_filters_and_search(client, process, city):
    mobility = TopicFactory(name="Mobility", slug="mobility")
    ProposalFactory(process=process, title="Bicycle lanes", topic=mobility, district=city)
    ProposalFactory(
        process=process,
        title="Trees on the square",
        answer_state="accepted",
        answered_at=timezone.now(),
    )
    assert titles_on(client.get(url("list", process=process, topic="mobility"))) == [
        "Bicycle lanes"
    ]
    assert titles_on(client.get(url("list", process=process, district="centrum"))) == [
        "Bicycle lanes"
    ]
    assert titles_on(client.get(url("list", process=process, answer_state="accepted"))) == [
        "Trees on the square"
    ]
    assert titles_on(client.get(url("list", process=process, q="trees"))) == ["Trees on the square"]
    nothing = client.get(url("list", process=process, q="%22*"))
    assert nothing.status_code == 200 and "No proposals match" in text_of(nothing)
    # Unknown filter values are ignored, never a 500.
    odd = client.get(url("list", process=process, topic="x", order="sideways", page="abc"))
    assert odd.status_code == 200


def test_list_orderings(client, process):
    ProposalFactory(process=process, title="Few", support_count=1, comment_count=9)
    ProposalFactory(process=process, title="Many", support_count=9, comment_count=0)
    assert titles_on(client.get(url("list", process=process, order="supported"))) == [
        "Many",
        "Few",
    ]
    assert titles_on(client.get(url("list", process=process, order="commented"))) == [
        "Few",
        "Many",
    ]
    assert titles_on(client.get(url("list", process=process, order="newest"))) == ["Many", "Few"]


def test_random_order_is_the_default_and_stable_across_pages(client, process):
    ProposalFactory.create_batch(PER_PAGE * 2 + 5, process=process)
    first = [titles_on(client.get(url("list", process=process, page=n))) for n in (1, 2, 3)]
    assert 0 <= int(client.cookies[ORDER_COOKIE].value) < ORDER_STARTS
    flat = [t for page in first for t in page]
    assert len(flat) == len(set(flat)) == PER_PAGE * 2 + 5
    again = [titles_on(client.get(url("list", process=process, page=n))) for n in (1, 2, 3)]
    assert again == first, "the visitor's seed keeps the order"
    newest = [p.title for p in Proposal.objects.order_by("-created_at", "-id")[:PER_PAGE]]
    assert first[0] != newest


def test_list_query_count(as_role, process, django_assert_max_num_queries):
    people = UserFactory.create_batch(3)
    topic = TopicFactory()
    for n in range(PER_PAGE + 5):
        ProposalFactory(process=process, author=people[n % 3], topic=topic)
    client, user = as_role("citizen")
    services.support_add(actor=user, proposal=Proposal.objects.first())
    client.get(url("list", process=process))  # the visitor gets a starting point
    # 12 for the page (a page of the random order where it wraps around costs
    # up to 3: the rows from the start, how many there are, the rows after the
    # wrap), 1 for the header's unread-notification count, 1 more for the wrap.
    with django_assert_max_num_queries(14):
        response = client.get(url("list", process=process, page=2))
    assert response.status_code == 200 and len(titles_on(response)) == 5
    # 12 for the page, 1 for the header's unread-notification count.
    with django_assert_max_num_queries(13):
        response = client.get(url("list", process=process, order="supported"))
    assert len(titles_on(response)) == PER_PAGE and "You support this" in text_of(response)


def test_list_tells_why_nobody_can_propose(client, department):
    process = ProcessFactory(organisation=department, phase=PhaseKind.EVALUATION)
    page = text_of(client.get(url("list", process=process)))
    assert "“Evaluation” phase: it takes no new proposals now" in page
    assert "Write a proposal" not in page


def test_list_asks_anonymous_visitors_to_log_in(client, process):
    page = text_of(client.get(url("list", process=process)))
    assert "Log in to write a proposal" in page


# --- Writing -------------------------------------------------------------------------------------


def form_data(**overrides):
    values = {
        "title": "A playground in the park",
        "body": "Swings and a sandpit.\nNear the pond.",
        "topic": "",
        "district": "",
        "lat": "",
        "lon": "",
        "address": "",
        "action": "check",
    }
    values.update(overrides)
    return values


def test_create_needs_log_in(client, process):
    response = client.get(url("create", process=process))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_create_without_similar_goes_to_the_last_step(as_role, process):
    client, user = as_role("citizen")
    page = client.get(url("create", process=process))
    assert page.status_code == 200
    html = page.content.decode()
    assert f'hx-get="{url("similar", process=process)}"' in html and 'id="similar-live"' in html
    checked = client.post(url("create", process=process), form_data())
    assert "Check and publish" in text_of(checked)
    assert not Proposal.objects.exists()
    response = client.post(
        url("create", process=process),
        {
            **form_data(action="submit"),
            "attachment": pdf_upload(),
            "attachment_title": "Sketch",
        },
    )
    proposal = Proposal.objects.get()
    assert response.status_code == 302 and response["Location"] == url("detail", proposal)
    assert proposal.author == user and proposal.body == "Swings and a sandpit.\nNear the pond."
    assert proposal.attachments.get().title == "Sketch"
    detail = client.get(response["Location"])
    assert "your proposal is published" in text_of(detail)


def test_create_shows_similar_proposals_first(as_role, process):
    ProposalFactory(
        process=process, title="Playground in the park", body="Swings for small children."
    )
    client, _user = as_role("citizen")
    response = client.post(url("create", process=process), form_data())
    page = text_of(response)
    assert "Is your idea already proposed?" in page and "Playground in the park" in page
    html = response.content.decode()
    assert 'type="hidden" name="title" value="A playground in the park"' in html
    details = client.post(url("create", process=process), form_data(action="details"))
    assert "Check and publish" in text_of(details)
    back = client.post(url("create", process=process), form_data(action="edit"))
    assert (
        "Write a proposal" in text_of(back) and "A playground in the park" in back.content.decode()
    )
    assert Proposal.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": ""}, "Give your proposal a title."),
        ({"body": ""}, "Describe your proposal."),
        ({"title": "x" * 151}, "at most 150 characters"),
        ({"body": "x" * 5001}, "at most 5000 characters"),
        ({"body": XSS}, "HTML tags such as &lt;script&gt; are not allowed"),
        ({"lat": "52.1"}, "Give both latitude and longitude"),
        ({"lat": "north", "lon": "5"}, "Enter the latitude as a number"),
        ({"topic": "999"}, "Choose one of the listed categories"),
    ],
)
def test_create_bad_input_is_explained(as_role, process, overrides, message):
    client, _user = as_role("citizen")
    for action in ("check", "submit"):
        response = client.post(
            url("create", process=process), form_data(action=action, **overrides)
        )
        assert response.status_code == 200
        assert message in response.content.decode()
        assert "There is a problem" in text_of(response)
    assert not Proposal.objects.exists()


def test_create_bad_attachment_keeps_the_text(as_role, process):
    client, _user = as_role("citizen")
    response = client.post(
        url("create", process=process),
        {
            **form_data(action="submit"),
            "attachment": pdf_upload("x.pdf", b"not a pdf at all"),
            "attachment_title": "X",
        },
    )
    page = text_of(response)
    assert "Attach a PDF, JPEG or PNG file." in page and "Check and publish" in page
    assert not Proposal.objects.exists()


def test_create_refused_outside_the_proposals_phase(as_role, department):
    process = ProcessFactory(organisation=department, phase=PhaseKind.DEBATE)
    client, _user = as_role("citizen")
    response = client.get(url("create", process=process))
    assert response.status_code == 403
    assert "takes no new proposals now" in text_of(response)
    response = client.post(url("create", process=process), form_data(action="submit"))
    assert response.status_code == 403 and not Proposal.objects.exists()


def test_similar_partial_for_htmx_and_page_without(client, process):
    ProposalFactory(process=process, title="Trees on the square", body="Lime trees.")
    partial = client.get(
        url("similar", process=process, title="trees square"), headers={"HX-Request": "true"}
    )
    assert partial.status_code == 200
    html = partial.content.decode()
    assert "Trees on the square" in html and "<html" not in html
    page = client.get(url("similar", process=process, title="trees square"))
    assert "<html" in page.content.decode() and "Trees on the square" in page.content.decode()
    empty = client.get(url("similar", process=process, title='"*'), headers={"HX-Request": "true"})
    assert empty.status_code == 200 and "Trees" not in empty.content.decode()


# --- A proposal's page ---------------------------------------------------------------------------


def test_detail_shows_the_proposal(client, proposal, coauthor, city):
    Proposal.objects.filter(pk=proposal.pk).update(
        body=f"First line\nSecond {XSS}", lat=52.155, lon=5.39, address="Marktplein", district=city
    )
    CoauthorshipFactory(proposal=proposal, user=UserFactory(display_name="Pending Person"))
    response = client.get(url("detail", proposal))
    assert response.status_code == 200
    html = response.content.decode()
    assert XSS not in html and "&lt;script&gt;" in html
    assert "<p>First line<br>Second" in html
    page = text_of(response)
    assert proposal.author.public_name in page and "Cora Coauthor" in page
    assert "Pending Person" not in page
    assert "Marktplein" in page and "Open in OpenStreetMap" in page and "Centrum" in page
    assert f"/people/{proposal.author.public_id}/" in html
    assert "0 of the 3 supports needed to qualify" in page
    assert "Log in to support this proposal" in page
    assert "Not answered yet." in page


def test_detail_of_wrong_process_or_unknown_is_404(client, proposal):
    other = ProcessFactory()
    assert client.get(f"/processes/{other.slug}/proposals/{proposal.pk}/").status_code == 404
    assert client.get(f"/processes/{proposal.process.slug}/proposals/99999/").status_code == 404


def test_hidden_proposal_page_shows_only_the_reason(as_role, proposal):
    Proposal.objects.filter(pk=proposal.pk).update(
        is_hidden=True, hidden_reason="Personal attacks.", hidden_at=timezone.now()
    )
    for role in ("anonymous", "citizen", "moderator"):
        client, _user = as_role(role)
        response = client.get(url("detail", proposal))
        assert response.status_code == 200
        page = text_of(response)
        assert "This proposal is hidden" in page and "Personal attacks." in page
        assert proposal.title not in page and "benches" not in page
    client, _user = as_role("citizen")
    assert client.post(url("support", proposal)).status_code == 404
    assert client.get(url("edit", proposal)).status_code == 404


def test_detail_shows_the_answer(client, proposal, staff):
    services.proposal_answer(
        actor=staff, proposal=proposal, state="rejected", text="Too expensive.\nSorry."
    )
    page = text_of(client.get(url("detail", proposal)))
    assert "Rejected" in page and "Too expensive." in page and "Public Works" in page


# --- Supporting ----------------------------------------------------------------------------------


def test_support_and_take_it_back(as_role, proposal):
    client, _user = as_role("citizen")
    response = client.post(url("support", proposal), {"action": "add"}, follow=True)
    assert "Thank you: you support this proposal." in text_of(response)
    assert "You support this proposal." in text_of(response)
    proposal.refresh_from_db()
    assert proposal.support_count == 1
    response = client.post(url("support", proposal), {"action": "remove"}, follow=True)
    assert "You no longer support this proposal." in text_of(response)
    proposal.refresh_from_db()
    assert proposal.support_count == 0


def test_support_with_htmx_returns_the_box(as_role, proposal):
    client, _user = as_role("citizen")
    response = client.post(
        url("support", proposal), {"action": "add"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert response.status_code == 200 and html.strip().startswith('<div id="support-box"')
    assert "Withdraw my support" in html and "1 of the 3 supports" in text_of(response)


def test_support_refused_is_explained(as_role, proposal):
    set_active_phase(proposal.process, PhaseKind.EVALUATION)
    client, _user = as_role("citizen")
    response = client.post(url("support", proposal), {"action": "add"}, follow=True)
    assert "supports are closed" in text_of(response)
    assert not Support.objects.exists()
    response = client.post(url("support", proposal), headers={"HX-Request": "true"})
    assert "supports are closed" in text_of(response)


def test_support_anonymous_goes_to_log_in(client, proposal):
    response = client.post(url("support", proposal))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get(url("support", proposal)).status_code == 405


# --- Edit, withdraw ------------------------------------------------------------------------------


def test_author_edits(client, proposal):
    client.force_login(proposal.author)
    page = client.get(url("edit", proposal))
    assert page.status_code == 200 and "A car-free market square" in page.content.decode()
    response = client.post(
        url("edit", proposal),
        form_data(
            title="A car-free and green square", attachment=jpeg_upload(), attachment_title="Sketch"
        ),
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.title == "A car-free and green square"
    assert proposal.attachments.get().kind == "image"
    response = client.post(url("edit", proposal), form_data(title=""))
    assert "Give your proposal a title." in response.content.decode()


def test_edit_after_the_grace_period_is_refused_with_the_reason(client, proposal):
    Proposal.objects.filter(pk=proposal.pk).update(created_at=timezone.now() - dt.timedelta(days=2))
    client.force_login(proposal.author)
    response = client.get(url("edit", proposal))
    assert response.status_code == 403
    assert "for 1440 minutes after publishing" in text_of(response)


def test_withdraw(client, proposal):
    client.force_login(proposal.author)
    page = client.get(url("withdraw", proposal))
    assert "Withdraw the proposal?" in text_of(page)
    response = client.post(url("withdraw", proposal), follow=True)
    page = text_of(response)
    assert "Your proposal is withdrawn." in page and "Withdrawn" in page
    assert "takes no more supports" in page
    proposal.refresh_from_db()
    assert proposal.is_withdrawn


# --- Co-authors ----------------------------------------------------------------------------------


def test_invite_and_accept(client, proposal, other_citizen):
    client.force_login(proposal.author)
    response = client.post(
        url("coauthor_invite", proposal), {"email": other_citizen.email}, follow=True
    )
    assert "they are invited now" in text_of(response)
    unknown = client.post(
        url("coauthor_invite", proposal), {"email": "x@nowhere.example"}, follow=True
    )
    assert "they are invited now" in text_of(unknown), "the same answer for unknown addresses"
    bad = client.post(url("coauthor_invite", proposal), {"email": "nope"})
    assert "Enter an email address like" in text_of(bad)

    client.force_login(other_citizen)
    page = text_of(client.get(url("detail", proposal)))
    assert "invited you to co-author this proposal" in page
    assert client.get(url("coauthor_invitation", proposal)).status_code == 200
    response = client.post(url("coauthor_invitation", proposal), {"action": "accept"}, follow=True)
    assert "You are now a co-author" in text_of(response)
    assert Coauthorship.objects.get().accepted_at is not None
    assert client.get(url("coauthor_invitation", proposal)).status_code == 404
    assert client.get(url("edit", proposal)).status_code == 200


def test_decline(client, proposal, other_citizen):
    CoauthorshipFactory(proposal=proposal, user=other_citizen)
    client.force_login(other_citizen)
    response = client.post(url("coauthor_invitation", proposal), {"action": "decline"}, follow=True)
    assert "You declined the invitation." in text_of(response)
    assert not Coauthorship.objects.exists()


def test_only_the_author_invites(client, proposal, other_citizen):
    client.force_login(other_citizen)
    response = client.get(url("coauthor_invite", proposal))
    assert response.status_code == 403


def test_the_author_removes_a_coauthor_and_withdraws_an_invitation(
    client, proposal, coauthor, other_citizen
):
    CoauthorshipFactory(proposal=proposal, user=other_citizen)  # not answered yet
    client.force_login(proposal.author)
    page = text_of(client.get(url("coauthor_invite", proposal)))
    assert "Remove – Cora Coauthor" in page
    assert f"Withdraw the invitation – {other_citizen.public_name}" in page
    response = client.post(
        url("coauthor_remove", proposal), {"person": str(coauthor.public_id)}, follow=True
    )
    assert "Cora Coauthor is no longer a co-author of this proposal." in text_of(response)
    client.post(url("coauthor_remove", proposal), {"person": str(other_citizen.public_id)})
    assert not Coauthorship.objects.filter(proposal=proposal).exists()
    assert "Cora Coauthor" not in text_of(client.get(url("detail", proposal)))
    gone = client.post(url("coauthor_remove", proposal), {"person": str(coauthor.public_id)})
    assert gone.status_code == 404
    assert "not a co-author" in text_of(gone)


def test_a_coauthor_leaves(client, proposal, coauthor):
    client.force_login(coauthor)
    page = text_of(client.get(url("detail", proposal)))
    assert "Stop being a co-author" in page
    response = client.post(
        url("coauthor_remove", proposal), {"person": str(coauthor.public_id)}, follow=True
    )
    assert "You are no longer a co-author of this proposal." in text_of(response)
    assert not Coauthorship.objects.exists()
    assert client.get(url("edit", proposal)).status_code == 403


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("anonymous", False),
        ("citizen", False),
        ("other_citizen", False),
        ("other_staff", False),
        ("moderator", False),
        ("admin_user", False),
        ("author", True),
        ("coauthor", True),
    ],
)
def test_coauthor_removal_permission_matrix(as_role, role, allowed, proposal, coauthor):
    client, _user = as_role(role)
    response = client.post(url("coauthor_remove", proposal), {"person": str(coauthor.public_id)})
    assert Coauthorship.objects.filter(user=coauthor).exists() is not allowed
    if role == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response.url
    elif not allowed:
        assert response.status_code == 403


def test_coauthor_removal_takes_post_only(client, proposal, coauthor):
    client.force_login(proposal.author)
    assert client.get(url("coauthor_remove", proposal)).status_code == 405


# --- Answers -------------------------------------------------------------------------------------


def test_staff_answers(as_role, proposal):
    client, user = as_role("staff")
    page = client.get(url("answer", proposal))
    assert page.status_code == 200 and "Official answer" in text_of(page)
    missing = client.post(url("answer", proposal), {"answer_state": "accepted", "answer_text": ""})
    assert "needs a reason" in text_of(missing)
    response = client.post(
        url("answer", proposal),
        {"answer_state": "accepted", "answer_text": "We build it next spring."},
        follow=True,
    )
    page = text_of(response)
    assert "The answer is published." in page and "We build it next spring." in page
    assert "Change the official answer" in page
    proposal.refresh_from_db()
    assert proposal.answer_state == "accepted" and proposal.answered_by == user


def test_citizens_cannot_answer(as_role, proposal):
    client, _user = as_role("citizen")
    assert client.get(url("answer", proposal)).status_code == 403
    response = client.post(
        url("answer", proposal), {"answer_state": "accepted", "answer_text": "x"}
    )
    assert response.status_code == 403
    proposal.refresh_from_db()
    assert not proposal.is_answered
