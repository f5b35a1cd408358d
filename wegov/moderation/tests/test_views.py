from dataclasses import replace

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import ROLES
from wegov.accounts.tests.factories import UserFactory
from wegov.core import registry
from wegov.core.models import AuditEntry
from wegov.moderation import services
from wegov.moderation.models import Block, BlockAppeal, Flag, ModerationCase
from wegov.reports.models import Report

from .factories import flag_by_many, moderation_mails, report_by

pytestmark = pytest.mark.django_db

MODERATORS = {"moderator", "admin_user"}
ALL_ROLES = [*ROLES, "staff", "process_manager"]
XSS = "<script>alert(1)</script>"


def is_login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def expect(response, role, allowed, ok=200):
    if role == "anonymous":
        assert is_login_redirect(response), response.status_code
    elif role in allowed:
        assert response.status_code == ok, (role, response.status_code)
    else:
        assert response.status_code == 403, (role, response.status_code)


def text(response) -> str:
    return response.content.decode()


def flag_url(report, **query) -> str:
    url = reverse("moderation:flag", args=["report", report.pk])
    if query:
        from urllib.parse import urlencode

        url += "?" + urlencode(query)
    return url


def case_url(report, action="case") -> str:
    return reverse(f"moderation:{action}", args=["report", report.pk])


# --- Flagging ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ALL_ROLES)
def test_flag_page_matrix(as_role, role, report):
    client, _user = as_role(role)
    response = client.get(flag_url(report))
    # citizen wrote the report: refused; everyone else signed in may flag.
    expect(response, role, set(ALL_ROLES) - {"anonymous", "citizen"})
    if role == "citizen":
        assert "You cannot report your own contribution." in text(response)
        assert 'id="flag-form"' not in text(response)
    elif role != "anonymous":
        html = text(response)
        assert 'id="flag-form"' in html
        for label in ("Spam or advertising", "Off-topic", "Personal data about someone"):
            assert label in html
        assert 'type="radio" value="illegal"' in html


def test_flag_and_come_back_with_a_confirmation(client, other_citizen, report):
    client.force_login(other_citizen)
    back = f"/reports/{report.pk}/"
    response = client.post(
        flag_url(report), {"reason": "offensive", "details": "Insults.", "next": back}
    )
    assert response.status_code == 302 and response["Location"] == back
    flag = Flag.objects.get()
    assert (flag.reporter, flag.reason, flag.details) == (other_citizen, "offensive", "Insults.")
    follow = client.get(back)
    assert "Thank you for your report. The moderators will look at it." in text(follow)
    page = client.get(flag_url(report))
    assert "You have already reported this. Moderators will look at it." in text(page)


def test_flag_redirects_to_the_content_without_next(client, other_citizen, report):
    client.force_login(other_citizen)
    response = client.post(flag_url(report), {"reason": "spam"})
    assert response["Location"] == reverse("reports:detail", args=[report.pk])


def test_flag_ignores_an_outside_next(client, other_citizen, report):
    client.force_login(other_citizen)
    response = client.post(flag_url(report), {"reason": "spam", "next": "https://evil.example/"})
    assert response["Location"] == reverse("reports:detail", args=[report.pk])


def test_double_flag_post_shows_the_message(client, other_citizen, report):
    services.flag(user=other_citizen, kind="report", object_id=report.pk, reason="spam")
    client.force_login(other_citizen)
    response = client.post(flag_url(report), {"reason": "offensive"})
    assert response.status_code == 200
    assert "You have already reported this. Moderators will look at it." in text(response)
    assert Flag.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Choose why you are reporting this."),
        ({"reason": "nonsense"}, "Select a valid choice."),
        ({"reason": "other", "details": "  "}, "Tell the moderators what is wrong."),
        (
            {"reason": "spam", "details": "x" * 1001},
            "Use at most 1000 characters (you wrote 1001).",
        ),
    ],
)
def test_flag_form_errors(client, other_citizen, report, data, message):
    client.force_login(other_citizen)
    response = client.post(flag_url(report), data)
    assert response.status_code == 400
    html = text(response)
    assert "There is a problem" in html and message in html
    assert not Flag.objects.exists()


def test_blocked_user_sees_why_and_the_appeal_link(client, other_citizen, report):
    other_citizen.blocked_at = timezone.now()
    other_citizen.save()
    client.force_login(other_citizen)
    response = client.get(flag_url(report))
    assert response.status_code == 403
    assert "Your account is blocked" in text(response)
    assert reverse("moderation:appeal") in text(response)
    assert client.post(flag_url(report), {"reason": "spam"}).status_code == 403
    assert not Flag.objects.exists()


@pytest.mark.parametrize("path", ["/moderation/flag/report/999999/", "/moderation/flag/nope/1/"])
def test_flag_unknown_target_404(client, other_citizen, path):
    client.force_login(other_citizen)
    assert client.get(path).status_code == 404


def test_flag_page_hides_a_hidden_contributions_title(client, other_citizen, report, moderator):
    services.hide(moderator=moderator, kind="report", object_id=report.pk, public_reason="Spam")
    client.force_login(other_citizen)
    response = client.get(flag_url(report))
    assert "This is already hidden by the moderators." in text(response)
    assert report.title not in text(response)


def test_reaching_the_threshold_through_the_page_hides(client, report, threshold):
    flag_by_many(report, threshold - 1)
    last = UserFactory()
    client.force_login(last)
    client.post(flag_url(report), {"reason": "spam"})
    report.refresh_from_db()
    assert report.is_hidden


def test_a_report_hidden_by_flags_shows_the_reason_in_the_readers_language(
    client, report, threshold
):
    flag_by_many(report, threshold)
    report.refresh_from_db()
    assert report.is_hidden and report.hidden_at is not None
    page = text(client.get(reverse("reports:detail", args=[report.pk])))
    assert "This report is hidden" in page and report.title not in page
    assert "Hidden while moderators review reports about it" in page
    client.post("/i18n/setlang/", {"language": "nl"})
    dutch = text(client.get(reverse("reports:detail", args=[report.pk])))
    assert "Verborgen terwijl moderatoren meldingen erover beoordelen" in dutch


def test_a_moderators_public_reason_is_shown_on_the_hidden_report(client, report, moderator):
    services.hide(
        moderator=moderator,
        kind="report",
        object_id=report.pk,
        public_reason="Insults a neighbour.",
    )
    page = text(client.get(reverse("reports:detail", args=[report.pk])))
    assert "Insults a neighbour." in page


# --- The queue ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ALL_ROLES)
def test_queue_matrix(as_role, role, report):
    flag_by_many(report, 1)
    client, _user = as_role(role)
    response = client.get(reverse("moderation:queue"))
    expect(response, role, MODERATORS)
    if role in MODERATORS:
        assert report.title in text(response)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_case_and_blocked_pages_matrix(as_role, role, report):
    client, _user = as_role(role)
    expect(client.get(case_url(report)), role, MODERATORS)
    expect(client.get(reverse("moderation:blocked_users")), role, MODERATORS)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_actions_matrix(as_role, role, report, other_citizen):
    client, _user = as_role(role)
    if role == "other_citizen":  # someone else to block
        other_citizen = UserFactory()
    response = client.post(case_url(report, "hide"), {"public_reason": "Spam."})
    expect(response, role, MODERATORS, ok=302)
    report.refresh_from_db()
    assert report.is_hidden == (role in MODERATORS)
    response = client.post(case_url(report, "restore"), {"note": ""})
    expect(response, role, MODERATORS, ok=302)
    response = client.post(
        reverse("moderation:block_user", args=[other_citizen.public_id]), {"notice": "Spam."}
    )
    expect(response, role, MODERATORS, ok=302)
    other_citizen.refresh_from_db()
    assert other_citizen.is_blocked == (role in MODERATORS)


def test_queue_shows_hidden_content_flags_author_and_links(as_role, report, threshold):
    quiet = report_by(UserFactory(display_name="Quiet Writer"), title="Only one flag")
    flag_by_many(quiet, 1, reason="off_topic")
    flag_by_many(report, threshold, reason="offensive")
    client, _ = as_role("moderator")
    html = text(client.get(reverse("moderation:queue")))
    assert "Broken bench at the station" in html  # hidden, still shown to moderators
    assert "Hidden pending review" in html
    assert "Offensive, insulting or hateful: 3" in html
    assert "Off-topic: 1" in html
    assert "Anna Citizen" in html and "Quiet Writer" in html
    assert case_url(report) in html and f"/reports/{report.pk}/" in html
    # Hidden pending review comes first.
    assert html.index("Broken bench at the station") < html.index("Only one flag")


def test_queue_order_pending_then_hidden(as_role, moderator):
    hidden = report_by(UserFactory(), title="Decided and hidden")
    services.hide(moderator=moderator, kind="report", object_id=hidden.pk, public_reason="Ads.")
    waiting = report_by(UserFactory(), title="Waiting one")
    flag_by_many(waiting, 1)
    restored = report_by(UserFactory(), title="Restored one")
    flag_by_many(restored, 1)
    services.unhide(moderator=moderator, kind="report", object_id=restored.pk)
    client, _ = as_role("moderator")
    html = text(client.get(reverse("moderation:queue")))
    assert html.index("Waiting one") < html.index("Decided and hidden")
    assert "Restored one" not in html
    only_restored = text(client.get(reverse("moderation:queue"), {"state": "restored"}))
    assert "Restored one" in only_restored and "Waiting one" not in only_restored
    only_hidden = text(client.get(reverse("moderation:queue"), {"state": "hidden"}))
    assert "Decided and hidden" in only_hidden and "Waiting one" not in only_hidden


def test_queue_filters_by_kind_and_rejects_bad_filters(as_role, report, monkeypatch):
    flag_by_many(report, 1)
    monkeypatch.setitem(
        registry._kinds, "report_copy", replace(registry.get_kind("report"), kind="report_copy")
    )
    client, _ = as_role("moderator")
    response = client.get(reverse("moderation:queue"), {"kind": "report_copy"})
    assert response.status_code == 200 and report.title not in text(response)
    response = client.get(reverse("moderation:queue"), {"kind": "report"})
    assert report.title in text(response)
    response = client.get(reverse("moderation:queue"), {"kind": "bogus", "state": "x"})
    assert response.status_code == 400 and "There is a problem" in text(response)


def test_queue_escapes_content(as_role):
    evil = report_by(UserFactory(display_name=XSS), title=XSS, description=XSS)
    flag_by_many(evil, 1)
    client, _ = as_role("moderator")
    html = text(client.get(reverse("moderation:queue")))
    assert XSS not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def _cases(count, kind="report"):
    for _ in range(count):
        target = report_by(UserFactory())
        case = ModerationCase.objects.create(
            target_kind=kind, target_id=target.pk, author=target.reporter, flag_count=2
        )
        for reason in ("spam", "offensive"):
            Flag.objects.create(
                case=case,
                target_kind=kind,
                target_id=target.pk,
                reporter=UserFactory(),
                reason=reason,
            )


def test_queue_query_count_is_flat_over_mixed_kinds(
    as_role, monkeypatch, django_assert_num_queries, django_assert_max_num_queries
):
    monkeypatch.setitem(
        registry._kinds, "report_copy", replace(registry.get_kind("report"), kind="report_copy")
    )
    client, _ = as_role("moderator")
    _cases(2)
    _cases(1, kind="report_copy")
    client.get(reverse("moderation:queue"))  # warm the session and caches

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("moderation:queue")).status_code == 200
    _cases(12)
    _cases(8, kind="report_copy")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("moderation:queue"))
    assert response.status_code == 200
    assert len(response.context["rows"]) == 23


# --- A case --------------------------------------------------------------------------------


def test_case_page_shows_everything(as_role, report, threshold):
    flags = flag_by_many(report, threshold, reason="personal_data")
    Flag.objects.filter(pk=flags[0].pk).update(details="Has my phone number in it.")
    client, _ = as_role("moderator")
    html = text(client.get(case_url(report)))
    assert "Broken bench at the station" in html
    assert "The paving stone is loose" in html  # the full text, though hidden
    assert "Has my phone number in it." in html
    assert "Personal data about someone" in html
    assert flags[1].reporter.public_name in html
    assert "Anna Citizen" in html
    assert 'id="hide-form"' in html and 'id="restore-form"' in html and 'id="block-form"' in html
    assert "Hidden by flags until review" in html


def test_case_page_without_flags_offers_hide_only(as_role, report):
    client, _ = as_role("moderator")
    html = text(client.get(case_url(report)))
    assert "Nobody has flagged it." in html
    assert 'id="hide-form"' in html and 'id="restore-form"' not in html
    assert not ModerationCase.objects.exists()  # looking creates nothing


def test_hide_from_the_case_page(as_role, report):
    client, moderator = as_role("moderator")
    response = client.post(
        case_url(report, "hide"), {"public_reason": "Advertising.", "internal_note": ""}
    )
    assert response["Location"] == case_url(report)
    page = client.get(response["Location"])
    assert "Hidden. The public now sees your reason instead." in text(page)
    report.refresh_from_db()
    assert report.is_hidden
    assert AuditEntry.objects.filter(action="moderation.hidden", actor=moderator).exists()


def test_hide_without_reason_is_a_form_error(as_role, report):
    client, _ = as_role("moderator")
    response = client.post(case_url(report, "hide"), {"public_reason": "  "})
    assert response.status_code == 400
    assert "Give the reason the public will see instead of it." in text(response)
    report.refresh_from_db()
    assert not report.is_hidden


def test_restore_from_the_case_page(as_role, report, threshold):
    flag_by_many(report, threshold)
    client, _ = as_role("moderator")
    response = client.post(case_url(report, "restore"), {"note": "Fine."}, follow=True)
    assert "Restored: it is visible and its flags are dismissed." in text(response)
    report.refresh_from_db()
    assert not report.is_hidden


def test_block_author_from_the_case_page(
    as_role, report, citizen, mailoutbox, django_capture_on_commit_callbacks
):
    client, _ = as_role("moderator")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(case_url(report, "block_author"), {"notice": "Repeated spam."})
    assert response["Location"] == case_url(report)
    citizen.refresh_from_db()
    assert citizen.is_blocked and citizen.blocked_reason == "Repeated spam."
    assert [m.to for m in moderation_mails(mailoutbox)] == [[citizen.email]]
    page = text(client.get(case_url(report)))
    assert "Blocked since" in page and 'id="block-form"' not in page


def test_block_author_needs_a_notice(as_role, report, citizen):
    client, _ = as_role("moderator")
    response = client.post(case_url(report, "block_author"), {"notice": ""})
    assert response.status_code == 400
    assert "Write the notice the person gets" in text(response)
    citizen.refresh_from_db()
    assert not citizen.is_blocked


def test_administrators_cannot_be_blocked_from_a_case(as_role, admin_user):
    report = report_by(admin_user)
    client, _ = as_role("moderator")
    assert "This author cannot be blocked here." in text(client.get(case_url(report)))
    response = client.post(case_url(report, "block_author"), {"notice": "No."})
    assert response.status_code == 400 and "Administrators cannot be blocked." in text(response)


# --- Blocked accounts and appeals --------------------------------------------------------


def test_blocked_users_list_and_appeal_decision(
    as_role, other_citizen, moderator, mailoutbox, django_capture_on_commit_callbacks
):
    services.block_user(moderator=moderator, user=other_citizen, notice="Ads everywhere.")
    appeal = services.appeal(user=other_citizen, text="It was my shop's opening.")
    client, _ = as_role("admin_user")
    html = text(client.get(reverse("moderation:blocked_users")))
    assert "Bram Other" in html and "Ads everywhere." in html
    assert "It was my shop&#x27;s opening." in html and "Appeal waiting" in html

    url = reverse("moderation:decide_appeal", args=[appeal.pk])
    response = client.post(url, {"decision": "lift"})
    assert response.status_code == 400 and "Write the answer the person gets." in text(response)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"decision": "lift", "response": "Fair enough."})
    assert response["Location"] == reverse("moderation:blocked_users")
    other_citizen.refresh_from_db()
    assert not other_citizen.is_blocked
    assert "Fair enough." in moderation_mails(mailoutbox)[-1].body
    again = client.post(url, {"decision": "uphold", "response": "No."}, follow=True)
    assert "This appeal was already decided." in text(again)


def test_unblock_from_the_list(as_role, other_citizen, moderator):
    services.block_user(moderator=moderator, user=other_citizen, notice="Spam.")
    client, _ = as_role("admin_user")
    url = reverse("moderation:unblock_user", args=[other_citizen.public_id])
    response = client.post(url, {"note": "Second chance."}, follow=True)
    assert "Bram Other can take part again." in text(response)
    other_citizen.refresh_from_db()
    assert not other_citizen.is_blocked
    assert Block.objects.get().lift_note == "Second chance."
    response = client.post(url, {"note": ""}, follow=True)
    assert "This account is not blocked." in text(response)


def test_block_user_page(as_role, other_citizen):
    client, _ = as_role("moderator")
    url = reverse("moderation:block_user", args=[other_citizen.public_id])
    assert 'id="block-form"' in text(client.get(url))
    assert client.post(url, {"notice": ""}).status_code == 400
    response = client.post(url, {"notice": "Harassment."})
    assert response["Location"] == reverse("moderation:blocked_users")
    other_citizen.refresh_from_db()
    assert other_citizen.is_blocked


def test_appeal_page(client, other_citizen, moderator):
    client.force_login(other_citizen)
    url = reverse("moderation:appeal")
    assert "Your account is not blocked" in text(client.get(url))
    response = client.post(url, {"text": "Why?"}, follow=True)
    assert "nothing to appeal" in text(response)
    assert not BlockAppeal.objects.exists()

    services.block_user(moderator=moderator, user=other_citizen, notice="Spam in comments.")
    html = text(client.get(url))
    assert "Spam in comments." in html and 'id="appeal-form"' in html

    response = client.post(url, {"text": ""})
    assert response.status_code == 400
    assert "Explain why the block should be lifted." in text(response)

    response = client.post(url, {"text": "I am sorry."}, follow=True)
    html = text(response)
    assert "Your appeal was sent." in html
    assert "Waiting for a moderator" in html and 'id="appeal-form"' not in html
    response = client.post(url, {"text": "Again"}, follow=True)
    assert "You already sent an appeal." in text(response)
    assert BlockAppeal.objects.count() == 1


def test_appeal_page_needs_login(client):
    assert is_login_redirect(client.get(reverse("moderation:appeal")))


def test_queue_uses_a_kinds_bulk_presentation(as_role, monkeypatch):
    """A kind whose present() needs more than its row (comments present
    themselves through their target) can present a page of rows at once."""
    calls = []
    base = registry.get_kind("report")

    def present_many(rows):
        calls.append(sorted(r.pk for r in rows))
        return {r.pk: replace(base.present(r), title=f"Bulk {r.pk}") for r in rows}

    _cases(3)  # before the kind is replaced: saving them presents them to the map index
    kind = replace(base, present_many=present_many)
    monkeypatch.setitem(registry._kinds, "report", kind)
    client, _ = as_role("moderator")
    html = text(client.get(reverse("moderation:queue")))
    assert len(calls) == 1 and len(calls[0]) == 3
    for pk in calls[0]:
        assert f"Bulk {pk}" in html


# --- Quality scores ------------------------------------------------------------------------


@pytest.mark.parametrize("role", ALL_ROLES)
def test_queue_shows_the_quality_score_to_moderators_only(as_role, role, report):
    Report.objects.filter(pk=report.pk).update(
        quality_score=35,
        quality_parts=[
            {
                "name": "spam",
                "points": 0,
                "max": 25,
                "reason": "Signs of spam: %(issues)s",
                "params": {"issues": ["many links"]},
            },
        ],
    )
    flag_by_many(report, 1)
    client, _user = as_role(role)
    response = client.get(reverse("moderation:queue"))
    case = client.get(case_url(report))
    if role in MODERATORS:
        assert 'data-quality="35"' in text(response)
        assert "Signs of spam: many links (−25)" in text(case)
    else:
        assert "data-quality" not in text(response)
        assert "Signs of spam" not in text(case)


def test_queue_sorts_by_quality_lowest_first(as_role):
    good = report_by(UserFactory(), title="Good quality report", quality_score=90)
    bad = report_by(UserFactory(), title="Poor quality report", quality_score=10)
    unscored = report_by(UserFactory(), title="Unscored report")
    for target in (unscored, good, bad):
        flag_by_many(target, 1)
    flag_by_many(good, 2)  # the most flagged: first in the usual order
    client, _ = as_role("moderator")
    usual = text(client.get(reverse("moderation:queue")))
    assert usual.index(good.title) < usual.index(bad.title)
    page = text(client.get(reverse("moderation:queue"), {"order": "quality"}))
    assert page.index(bad.title) < page.index(good.title) < page.index(unscored.title)
    assert client.get(reverse("moderation:queue"), {"order": "best"}).status_code == 400
