import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django.utils import timezone

from wegov.accounts.models import User
from wegov.accounts.rules import is_blocked, is_participant
from wegov.accounts.tests.factories import UserFactory
from wegov.core.activity import VISIBILITY_EVENT
from wegov.core.models import AuditEntry, Moderated
from wegov.moderation import services
from wegov.moderation.models import Block, BlockAppeal, Flag, ModerationCase
from wegov.reports.models import Report

from .factories import flag_by_many, moderation_mails, report_by

pytestmark = pytest.mark.django_db


def flag(user, report, reason="spam", details=""):
    return services.flag(
        user=user, kind="report", object_id=report.pk, reason=reason, details=details
    )


# --- Flags and the threshold ----------------------------------------------------------


def test_hidden_exactly_when_the_nth_distinct_person_flags(
    report, threshold, captured, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = flag_by_many(report, threshold - 1)
    report.refresh_from_db()
    assert not report.is_hidden
    assert not any(f.hid_target for f in first)
    case = ModerationCase.objects.get(target_kind="report", target_id=report.pk)
    assert case.state == "pending" and case.flag_count == threshold - 1
    assert case.author_id == report.reporter_id
    assert not [e for e in captured if e[0] == VISIBILITY_EVENT]

    with django_capture_on_commit_callbacks(execute=True):
        (last,) = flag_by_many(report, 1)
    assert last.hid_target
    report.refresh_from_db()
    assert report.is_hidden
    case.refresh_from_db()
    assert case.state == "pending" and case.flag_count == threshold
    assert case.auto_hidden_at is not None
    assert (
        VISIBILITY_EVENT,
        {"kind": "report", "object_id": report.pk, "hidden": True},
    ) in captured
    entry = AuditEntry.objects.get(action="moderation.hidden_pending_review")
    assert entry.actor is None and entry.target_id == str(report.pk)
    assert entry.after["threshold"] == threshold


def test_threshold_zero_never_hides(report, settings):
    settings.WEGOV_MODERATION_HIDE_AFTER_FLAGS = 0
    flag_by_many(report, 5)
    report.refresh_from_db()
    assert not report.is_hidden
    assert ModerationCase.objects.get().flag_count == 5


def test_same_person_twice_gets_a_clear_message(report, other_citizen):
    flag(other_citizen, report)
    with pytest.raises(ValidationError) as exc:
        flag(other_citizen, report, reason="offensive")
    assert exc.value.messages == ["You have already reported this. Moderators will look at it."]
    assert Flag.objects.count() == 1
    assert ModerationCase.objects.get().flag_count == 1


def test_own_content_cannot_be_flagged(report, citizen):
    with pytest.raises(ValidationError) as exc:
        flag(citizen, report)
    assert exc.value.messages == ["You cannot report your own contribution."]
    assert not Flag.objects.exists() and not ModerationCase.objects.exists()


def test_blocked_user_cannot_flag_nor_take_part(report, other_citizen):
    other_citizen.blocked_at = timezone.now()
    other_citizen.save()
    assert is_blocked(other_citizen) and not is_participant(other_citizen)
    with pytest.raises(PermissionDenied):
        flag(other_citizen, report)
    assert not other_citizen.has_perm("moderation.flag")
    assert not Flag.objects.exists()


def test_anonymous_cannot_flag(report):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        flag(AnonymousUser(), report)


@pytest.mark.parametrize(
    ("kind", "object_id"), [("report", 999999), ("nonsense", 1), ("report", "x"), ("report", -1)]
)
def test_unknown_targets_are_404(other_citizen, kind, object_id):
    with pytest.raises(Http404):
        services.flag(user=other_citizen, kind=kind, object_id=object_id, reason="spam")


@pytest.mark.parametrize(
    ("reason", "details", "field", "message"),
    [
        ("", "", "reason", "Choose why you are reporting this."),
        ("rude", "", "reason", "Choose why you are reporting this."),
        ("other", "   ", "details", "Tell the moderators what is wrong."),
        ("spam", "x" * 1001, "details", "Use at most 1000 characters (you wrote 1001)."),
    ],
)
def test_bad_flag_input(report, other_citizen, reason, details, field, message):
    with pytest.raises(ValidationError) as exc:
        flag(other_citizen, report, reason=reason, details=details)
    assert exc.value.message_dict == {field: [message]}
    assert not Flag.objects.exists() and not ModerationCase.objects.exists()


def test_details_are_stored_as_plain_text(report, other_citizen):
    made = flag(
        other_citizen, report, reason="other", details=" <script>x</script> names a neighbour "
    )
    assert made.details == "<script>x</script> names a neighbour"


def test_hidden_content_cannot_be_flagged(report, other_citizen):
    Report.objects.filter(pk=report.pk).update(is_hidden=True)
    with pytest.raises(ValidationError) as exc:
        flag(other_citizen, report)
    assert exc.value.messages == ["This is already hidden by the moderators."]


def test_not_flaggable_kind(report, other_citizen, monkeypatch):
    from dataclasses import replace

    from wegov.core import registry

    kind = registry.get_kind("report")
    monkeypatch.setitem(registry._kinds, "report", replace(kind, flaggable=False))
    with pytest.raises(ValidationError) as exc:
        flag(other_citizen, report)
    assert exc.value.messages == ["This cannot be reported."]


# --- Hide and restore --------------------------------------------------------------------


def test_moderator_hides_with_a_public_reason(
    report, moderator, captured, django_capture_on_commit_callbacks
):
    flag_by_many(report, 1)
    with django_capture_on_commit_callbacks(execute=True):
        case = services.hide(
            moderator=moderator,
            kind="report",
            object_id=report.pk,
            public_reason="  Insults another resident.  ",
            internal_note="Second time this week.",
        )
    report.refresh_from_db()
    assert report.is_hidden
    assert case.state == "hidden" and case.public_reason == "Insults another resident."
    assert case.decided_by == moderator and case.decided_at is not None
    assert "Mo Moderator: Second time this week." in case.internal_note
    assert (
        VISIBILITY_EVENT,
        {"kind": "report", "object_id": report.pk, "hidden": True},
    ) in captured
    activity = [p for name, p in captured if name == "activity.published"]
    assert activity == [
        {
            "verb": "moderation.hidden",
            "actor_id": moderator.pk,
            "target_kind": "report",
            "target_id": report.pk,
            "context": {},
            "notify_user_ids": [report.reporter_id],
            "public": False,
            "extra": {"reason": "Insults another resident."},
        }
    ]
    entry = AuditEntry.objects.get(action="moderation.hidden")
    assert entry.actor == moderator
    assert entry.target_type == "reports.report" and entry.target_id == str(report.pk)
    assert entry.after["reason"] == "Insults another resident."


def test_hiding_what_flags_already_hid_emits_no_second_visibility_event(
    report, moderator, threshold, captured, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        flag_by_many(report, threshold)
        services.hide(moderator=moderator, kind="report", object_id=report.pk, public_reason="Spam")
    assert [p for name, p in captured if name == VISIBILITY_EVENT] == [
        {"kind": "report", "object_id": report.pk, "hidden": True}
    ]


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("", "Give the reason the public will see instead of it."),
        ("   ", "Give the reason the public will see instead of it."),
        ("x" * 301, "Use at most 300 characters (you wrote 301)."),
    ],
)
def test_hide_needs_a_reason(report, moderator, reason, message):
    with pytest.raises(ValidationError) as exc:
        services.hide(moderator=moderator, kind="report", object_id=report.pk, public_reason=reason)
    assert exc.value.message_dict == {"public_reason": [message]}
    report.refresh_from_db()
    assert not report.is_hidden and not ModerationCase.objects.exists()


@pytest.mark.parametrize("role", ["citizen", "other_citizen", "staff", "process_manager"])
def test_only_moderators_hide(request, report, role):
    user = request.getfixturevalue(role)
    with pytest.raises(PermissionDenied):
        services.hide(moderator=user, kind="report", object_id=report.pk, public_reason="No")
    with pytest.raises(PermissionDenied):
        services.unhide(moderator=user, kind="report", object_id=report.pk)
    report.refresh_from_db()
    assert not report.is_hidden


def test_administrator_moderates(report, admin_user):
    services.hide(moderator=admin_user, kind="report", object_id=report.pk, public_reason="Spam")
    report.refresh_from_db()
    assert report.is_hidden


def test_unhide_restores_and_dismisses_flags(
    report, moderator, threshold, captured, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        flag_by_many(report, threshold)
    captured.clear()
    with django_capture_on_commit_callbacks(execute=True):
        case = services.unhide(
            moderator=moderator, kind="report", object_id=report.pk, note="Fair criticism."
        )
    report.refresh_from_db()
    assert not report.is_hidden
    assert case.state == "restored" and case.flag_count == 0 and case.auto_hidden_at is None
    assert not Flag.objects.filter(dismissed_at__isnull=True).exists()
    assert Flag.objects.count() == threshold  # kept, as history
    assert (
        VISIBILITY_EVENT,
        {"kind": "report", "object_id": report.pk, "hidden": False},
    ) in captured
    entry = AuditEntry.objects.get(action="moderation.restored")
    assert entry.before == {"hidden": True, "open_flags": threshold}

    # The same people cannot flag again; new people start a new count.
    flag_by_many(report, threshold - 1)
    case.refresh_from_db()
    report.refresh_from_db()
    assert case.state == "pending" and case.flag_count == threshold - 1
    assert not report.is_hidden
    flag_by_many(report, 1)
    report.refresh_from_db()
    assert report.is_hidden


def test_visibility_changes_use_moderated_fields():
    now = timezone.now()
    hide = services.visibility_changes(
        Moderated, "is_hidden", hidden=True, reason="r" * 400, now=now, was_hidden=False
    )
    assert hide == {"is_hidden": True, "hidden_reason": "r" * 300, "hidden_at": now}
    # Re-hiding keeps the first time it was hidden.
    again = services.visibility_changes(
        Moderated, "is_hidden", hidden=True, reason="new", now=now, was_hidden=True
    )
    assert again == {"is_hidden": True, "hidden_reason": "new"}
    show = services.visibility_changes(
        Moderated, "is_hidden", hidden=False, reason="", now=now, was_hidden=True
    )
    assert show == {"is_hidden": False, "hidden_reason": "", "hidden_at": None}
    # Reports have the same columns (not through Moderated): the reason is kept.
    assert services.visibility_changes(
        Report, "is_hidden", hidden=True, reason="x", now=now, was_hidden=False
    ) == {"is_hidden": True, "hidden_reason": "x", "hidden_at": now}
    # A model without those columns only gets its hidden flag.
    from wegov.social.models import Activity

    assert services.visibility_changes(
        Activity, "is_hidden", hidden=True, reason="x", now=now, was_hidden=False
    ) == {"is_hidden": True}


# --- Blocks and appeals -----------------------------------------------------------------


def test_block_sets_the_user_emails_and_announces(
    other_citizen, moderator, mailoutbox, captured, django_capture_on_commit_callbacks
):
    other_citizen.preferred_language = "nl"
    other_citizen.save()
    with django_capture_on_commit_callbacks(execute=True):
        block = services.block_user(
            moderator=moderator, user=other_citizen, notice="Repeated insults in comments."
        )
    other_citizen.refresh_from_db()
    assert other_citizen.blocked_at is not None
    assert other_citizen.blocked_reason == "Repeated insults in comments."
    assert not is_participant(other_citizen)
    assert block.moderator == moderator and block.is_active

    (mail,) = moderation_mails(mailoutbox)
    assert mail.to == [other_citizen.email]
    assert mail.extra_headers["Content-Language"] == "nl"
    assert "Repeated insults in comments." in mail.body
    assert "Reden" in mail.body  # "Reason", in the person's language
    assert "/moderation/appeal/" in mail.body

    assert ("user.blocked", {"user_id": other_citizen.pk}) in captured
    (activity,) = [p for name, p in captured if name == "activity.published"]
    assert activity["verb"] == "moderation.user_blocked"
    assert activity["notify_user_ids"] == [other_citizen.pk] and activity["public"] is False
    assert activity["extra"] == {"reason": "Repeated insults in comments."}
    entry = AuditEntry.objects.get(action="moderation.user_blocked")
    assert entry.actor == moderator and entry.target_id == str(other_citizen.pk)


def test_block_email_in_english_for_english_speakers(
    other_citizen, moderator, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.block_user(moderator=moderator, user=other_citizen, notice="Spam.")
    (mail,) = moderation_mails(mailoutbox)
    assert mail.extra_headers["Content-Language"] == "en"
    assert "Reason:" in mail.body


@pytest.mark.parametrize(
    ("who", "notice", "message"),
    [
        ("moderator", "Bye.", "You cannot block yourself."),
        ("admin_user", "Bye.", "Administrators cannot be blocked."),
        ("other_citizen", " ", "Write the notice the person gets: which rule, and why."),
        ("other_citizen", "x" * 2001, "Use at most 2000 characters (you wrote 2001)."),
    ],
)
def test_block_refusals(request, moderator, mailoutbox, who, notice, message):
    person = request.getfixturevalue(who)
    with pytest.raises(ValidationError) as exc:
        services.block_user(moderator=moderator, user=person, notice=notice)
    assert exc.value.messages == [message]
    person.refresh_from_db()
    assert (
        person.blocked_at is None
        and not Block.objects.exists()
        and moderation_mails(mailoutbox) == []
    )


def test_block_twice_is_refused(other_citizen, moderator):
    services.block_user(moderator=moderator, user=other_citizen, notice="Spam.")
    with pytest.raises(ValidationError) as exc:
        services.block_user(moderator=moderator, user=other_citizen, notice="Spam again.")
    assert exc.value.messages == ["This account is already blocked."]
    assert Block.objects.count() == 1


def test_citizens_cannot_block(other_citizen, citizen, staff):
    for actor in (citizen, staff):
        with pytest.raises(PermissionDenied):
            services.block_user(moderator=actor, user=other_citizen, notice="x")


def test_unblock(
    other_citizen, moderator, mailoutbox, captured, django_capture_on_commit_callbacks
):
    services.block_user(moderator=moderator, user=other_citizen, notice="Spam.")
    with django_capture_on_commit_callbacks(execute=True):
        block = services.unblock_user(moderator=moderator, user=other_citizen, note="Apologised.")
    other_citizen.refresh_from_db()
    assert other_citizen.blocked_at is None and other_citizen.blocked_reason == ""
    assert is_participant(other_citizen)
    assert block.lifted_by == moderator and block.lift_note == "Apologised."
    assert ("user.unblocked", {"user_id": other_citizen.pk}) in captured
    assert AuditEntry.objects.filter(action="moderation.user_unblocked", actor=moderator).exists()
    assert [m.to for m in moderation_mails(mailoutbox)] == [[other_citizen.email]]
    with pytest.raises(ValidationError):
        services.unblock_user(moderator=moderator, user=other_citizen)


def test_appeal_flow_upheld_then_granted(
    other_citizen, moderator, admin_user, mailoutbox, django_capture_on_commit_callbacks
):
    services.block_user(moderator=moderator, user=other_citizen, notice="Spam.")
    appeal = services.appeal(user=other_citizen, text="I only posted once.")
    assert appeal.is_open and appeal.block.user == other_citizen
    assert AuditEntry.objects.filter(action="moderation.appeal_sent", actor=other_citizen).exists()

    with pytest.raises(ValidationError) as exc:
        services.appeal(user=other_citizen, text="Please!")
    assert exc.value.messages == ["You already sent an appeal. Moderators will answer it first."]

    with django_capture_on_commit_callbacks(execute=True):
        decided = services.decide_appeal(
            moderator=admin_user, appeal=appeal, lift=False, response="Five posts, all ads."
        )
    assert decided.decision == "upheld" and decided.decided_by == admin_user
    other_citizen.refresh_from_db()
    assert other_citizen.is_blocked
    assert "Five posts, all ads." in moderation_mails(mailoutbox)[-1].body
    with pytest.raises(ValidationError):
        services.decide_appeal(moderator=admin_user, appeal=appeal, lift=True, response="Oops")

    second = services.appeal(user=other_citizen, text="I will stop.")
    with django_capture_on_commit_callbacks(execute=True):
        services.decide_appeal(
            moderator=moderator, appeal=second, lift=True, response="Welcome back."
        )
    other_citizen.refresh_from_db()
    assert not other_citizen.is_blocked
    assert Block.objects.get().lifted_by == moderator
    assert "Welcome back." in moderation_mails(mailoutbox)[-1].body
    assert AuditEntry.objects.filter(action="moderation.appeal_decided").count() == 2


def test_only_blocked_people_appeal(other_citizen):
    with pytest.raises(ValidationError) as exc:
        services.appeal(user=other_citizen, text="Why?")
    assert exc.value.messages == ["Your account is not blocked: there is nothing to appeal."]
    assert not BlockAppeal.objects.exists()


def test_appeal_needs_text(other_citizen, moderator):
    services.block_user(moderator=moderator, user=other_citizen, notice="Spam.")
    for text, message in [
        ("  ", "Explain why the block should be lifted."),
        ("x" * 2001, "Use at most 2000 characters (you wrote 2001)."),
    ]:
        with pytest.raises(ValidationError) as exc:
            services.appeal(user=other_citizen, text=text)
        assert exc.value.message_dict == {"text": [message]}


def test_unblocking_closes_the_open_appeal(other_citizen, moderator):
    services.block_user(moderator=moderator, user=other_citizen, notice="Spam.")
    appeal = services.appeal(user=other_citizen, text="Sorry.")
    services.unblock_user(moderator=moderator, user=other_citizen, note="OK.")
    appeal.refresh_from_db()
    assert appeal.decision == "lifted" and appeal.decided_by == moderator


def test_a_blocked_moderator_cannot_lift_their_own_block(moderator, admin_user):
    other_mod = UserFactory(is_moderator=True)
    services.block_user(moderator=other_mod, user=moderator, notice="Abuse of powers.")
    with pytest.raises(ValidationError):
        services.unblock_user(moderator=moderator, user=moderator)
    appeal = services.appeal(user=moderator, text="Mistake.")
    with pytest.raises(ValidationError):
        services.decide_appeal(moderator=moderator, appeal=appeal, lift=True, response="Mine.")
    assert User.objects.get(pk=moderator.pk).is_blocked


def test_personal_data_export_and_erase(report, other_citizen, moderator):
    from wegov.core import personal_data

    flag(other_citizen, report, reason="other", details="Names my neighbour.")
    services.block_user(moderator=moderator, user=other_citizen, notice="Spam.")
    services.appeal(user=other_citizen, text="Sorry.")
    section = next(s for s in personal_data.sections() if s.name == "moderation")
    exported = section.export(other_citizen)
    assert exported["flags"][0]["details"] == "Names my neighbour."
    assert exported["appeals"][0]["text"] == "Sorry."
    assert exported["blocks"][0]["notice"] == "Spam."
    section.erase(other_citizen)
    assert Flag.objects.get().details == ""
    assert BlockAppeal.objects.get().text == ""


# --- Races --------------------------------------------------------------------------------


def _run_at_once(fn, args_list):
    errors = []

    def run(*args):
        try:
            fn(*args)
        except ValidationError as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=args) for args in args_list]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def _skip_in_memory_sqlite():
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith("file:memory"):
        pytest.skip("in-memory SQLite is one connection")


@pytest.mark.django_db(transaction=True)
def test_concurrent_flags_hide_exactly_at_the_threshold(settings):
    _skip_in_memory_sqlite()
    settings.WEGOV_MODERATION_HIDE_AFTER_FLAGS = 3
    report = report_by(UserFactory())
    people = [UserFactory() for _ in range(6)]
    errors = _run_at_once(lambda p: flag(p, report), [(p,) for p in people])
    # The case lock serialises them: three count, the rest find it hidden.
    assert [e.messages for e in errors] == [["This is already hidden by the moderators."]] * 3
    case = ModerationCase.objects.get()
    assert case.flag_count == 3 == Flag.objects.count()
    report.refresh_from_db()
    assert report.is_hidden
    assert AuditEntry.objects.filter(action="moderation.hidden_pending_review").count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_double_flag_counts_once():
    _skip_in_memory_sqlite()
    report = report_by(UserFactory())
    person = UserFactory()
    errors = _run_at_once(lambda p: flag(p, report), [(person,)] * 4)
    assert Flag.objects.count() == 1
    assert len(errors) == 3
    assert ModerationCase.objects.get().flag_count == 1
