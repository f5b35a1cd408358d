import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from PIL import Image

from wegov.accountability import services
from wegov.accountability.models import Milestone, Result, ResultPhoto, ResultUpdate, Status
from wegov.accounts.tests.factories import UserFactory
from wegov.core.models import AuditEntry
from wegov.proposals.tests.factories import ProposalFactory
from wegov.social.models import Activity, Follow, Notification

from .conftest import jpeg_with_gps
from .factories import MilestoneFactory

pytestmark = pytest.mark.django_db


def _update(result, actor, status, progress=None, note="", cancel_reason=""):
    return services.result_update_status(
        actor=actor,
        result=result,
        status=status,
        progress=progress,
        note=note,
        cancel_reason=cancel_reason,
    )


# --- result_track ------------------------------------------------------------------------


def test_track_copies_title_place_and_process_from_the_source(accepted_proposal, staff, city):
    result = services.result_track(actor=staff, source=accepted_proposal)
    assert result.title == "Benches on the market square"
    assert (result.source_kind, result.source_id) == ("proposal", accepted_proposal.pk)
    assert (result.lat, result.lon) == (accepted_proposal.lat, accepted_proposal.lon)
    assert result.district == city
    assert result.process == accepted_proposal.process
    assert result.department == accepted_proposal.process.organisation
    assert (result.status, result.progress) == (Status.PLANNED, 0)
    log = list(result.updates.all())
    assert len(log) == 1 and log[0].is_start
    assert AuditEntry.objects.filter(action="result.tracked", target_id=str(result.pk)).exists()


def test_track_is_idempotent_per_source(accepted_proposal, staff, admin_user):
    first = services.result_track(actor=staff, source=accepted_proposal)
    again = services.result_track(actor=admin_user, source=accepted_proposal, title="Other title")
    assert again.pk == first.pk
    assert again.title == first.title
    assert Result.objects.count() == 1
    assert ResultUpdate.objects.count() == 1


def test_track_takes_a_given_title_and_status(accepted_proposal, staff):
    result = services.result_track(
        actor=staff,
        source=accepted_proposal,
        title="Six benches on Marktplein",
        status=Status.IN_PROGRESS,
        progress=40,
        budget_amount=12000,
    )
    assert (result.title, result.status, result.progress) == (
        "Six benches on Marktplein",
        "in_progress",
        40,
    )
    assert result.budget_amount == 12000


def test_track_refuses_a_proposal_not_accepted(process, staff):
    proposal = ProposalFactory(process=process)
    with pytest.raises(ValidationError, match="accepted"):
        services.result_track(actor=staff, source=proposal)
    assert not Result.objects.exists()


def test_track_refuses_a_hidden_proposal(accepted_proposal, staff):
    accepted_proposal.is_hidden = True
    accepted_proposal.save(update_fields=["is_hidden"])
    with pytest.raises(ValidationError, match="hidden"):
        services.result_track(actor=staff, source=accepted_proposal)


def test_track_refuses_what_is_not_a_contribution(staff, department):
    with pytest.raises(ValidationError):
        services.result_track(actor=staff, source=department)


def test_track_refuses_a_result_as_source(result, admin_user):
    with pytest.raises(ValidationError, match="another result"):
        services.result_track(actor=admin_user, source=result)


@pytest.mark.parametrize("role", ["citizen", "other_staff", "moderator"])
def test_track_needs_a_responsible_role(accepted_proposal, request, role):
    with pytest.raises(PermissionDenied):
        services.result_track(actor=request.getfixturevalue(role), source=accepted_proposal)
    assert not Result.objects.exists()


def test_track_refuses_anonymous(accepted_proposal):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        services.result_track(actor=AnonymousUser(), source=accepted_proposal)


def test_track_bad_initial_progress(accepted_proposal, staff):
    with pytest.raises(ValidationError):
        services.result_track(
            actor=staff, source=accepted_proposal, status="in_progress", progress=100
        )
    with pytest.raises(ValidationError):
        services.result_track(actor=staff, source=accepted_proposal, status="cancelled")


def test_track_notifies_the_author_and_followers_of_the_source(
    accepted_proposal, staff, other_citizen, django_capture_on_commit_callbacks
):
    Follow.objects.create(
        user=other_citizen, target_kind="proposal", target_id=accepted_proposal.pk
    )
    with django_capture_on_commit_callbacks(execute=True):
        result = services.result_track(actor=staff, source=accepted_proposal)
    activity = Activity.objects.get(verb="result.tracked", target_id=result.pk)
    assert (activity.parent_kind, activity.parent_id) == ("proposal", accepted_proposal.pk)
    recipients = set(
        Notification.objects.filter(activity=activity).values_list("recipient_id", flat=True)
    )
    assert {accepted_proposal.author_id, other_citizen.pk} <= recipients
    assert staff.pk not in recipients


# --- result_create / result_edit ----------------------------------------------------------


def test_create_without_source(staff, department):
    result = services.result_create(
        actor=staff,
        data=services.ResultData(title="Resurface the canal path", department=department),
    )
    assert result.department == department and not result.has_source
    assert result.updates.count() == 1


def test_create_needs_the_department_staff(other_staff, department):
    with pytest.raises(PermissionDenied):
        services.result_create(
            actor=other_staff, data=services.ResultData(title="X", department=department)
        )


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "a\nb"}, "title"),
        ({"title": "<b>bold</b>"}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"title": "ok", "lat": 52.1}, "location"),
        ({"title": "ok", "lat": 95.0, "lon": 5.0}, "location"),
        (
            {"title": "ok", "starts_on": dt.date(2026, 5, 1), "ends_on": dt.date(2026, 4, 1)},
            "ends_on",
        ),
        ({"title": "ok", "budget_amount": -5}, "budget_amount"),
    ],
)
def test_create_bad_input(admin_user, data, field):
    with pytest.raises(ValidationError) as exc:
        services.result_create(actor=admin_user, data=services.ResultData(**data))
    assert field in exc.value.message_dict


def test_create_refuses_a_place_outside_the_city(admin_user, city):
    data = services.ResultData(title="A bridge elsewhere", lat=48.85, lon=2.35)
    with pytest.raises(ValidationError) as exc:
        services.result_create(actor=admin_user, data=data)
    assert exc.value.message_dict["location"] == ["This place is outside the city."]


def test_edit_changes_details_and_audits(result, staff):
    services.result_edit(
        actor=staff,
        result=result,
        data=services.ResultData(
            title="Benches, phase 1", description="Six benches.", budget_amount=9000
        ),
    )
    result.refresh_from_db()
    assert (result.title, result.budget_amount) == ("Benches, phase 1", 9000)
    assert result.department is not None  # an empty department keeps the current one
    entry = AuditEntry.objects.get(action="result.edited")
    assert (
        entry.before["title"].startswith("New benches")
        and entry.after["title"] == "Benches, phase 1"
    )


def test_edit_cannot_hand_over_to_a_department_one_is_not_in(result, staff, other_department):
    with pytest.raises(PermissionDenied):
        services.result_edit(
            actor=staff,
            result=result,
            data=services.ResultData(title="x", department=other_department),
        )


# --- status transitions ------------------------------------------------------------------


def test_progress_then_done(result, staff):
    _update(result, staff, "in_progress", 30, note="Foundations poured.")
    assert (result.status, result.progress) == ("in_progress", 30)
    _update(result, staff, "in_progress", 70)
    _update(result, staff, "done", note="All benches placed.")
    result.refresh_from_db()
    assert (result.status, result.progress) == ("done", 100)
    log = list(result.updates.order_by("created_at", "id"))
    assert [(u.previous_status, u.status, u.progress) for u in log] == [
        ("planned", "in_progress", 30),
        ("in_progress", "in_progress", 70),
        ("in_progress", "done", 100),
    ]
    assert [u.progress for u in log] == [30, 70, 100]
    assert log[0].previous_status == "planned" and log[0].note == "Foundations poured."
    assert AuditEntry.objects.filter(action="result.status_changed").count() == 3


def test_planned_means_zero_and_done_means_hundred(result, staff):
    _update(result, staff, "done", progress=12)
    assert result.progress == 100
    _update(result, staff, "in_progress", 50, note="A bench was damaged: one to replace.")
    assert result.progress == 50


@pytest.mark.parametrize("progress", [None, -1, 100, 140])
def test_in_progress_needs_0_to_99(result, staff, progress):
    with pytest.raises(ValidationError) as exc:
        _update(result, staff, "in_progress", progress)
    assert "progress" in exc.value.message_dict


def test_cancel_needs_a_reason_and_keeps_progress(result, staff):
    _update(result, staff, "in_progress", 20)
    with pytest.raises(ValidationError) as exc:
        _update(result, staff, "cancelled")
    assert "cancel_reason" in exc.value.message_dict
    _update(result, staff, "cancelled", cancel_reason="The square will be rebuilt in 2028.")
    result.refresh_from_db()
    assert (result.status, result.progress) == ("cancelled", 20)
    assert result.cancel_reason == "The square will be rebuilt in 2028."


def test_cancel_reason_only_when_cancelling(result, staff):
    with pytest.raises(ValidationError) as exc:
        _update(result, staff, "in_progress", 10, cancel_reason="why")
    assert "cancel_reason" in exc.value.message_dict


def test_reviving_a_cancelled_result_clears_the_reason_and_needs_a_note(result, staff):
    _update(result, staff, "cancelled", cancel_reason="No money this year.")
    with pytest.raises(ValidationError) as exc:
        _update(result, staff, "planned")
    assert "note" in exc.value.message_dict
    _update(result, staff, "planned", note="Funded in the 2027 budget.")
    result.refresh_from_db()
    assert (result.status, result.cancel_reason) == ("planned", "")


@pytest.mark.parametrize(
    ("start", "target"),
    [("done", "planned"), ("done", "cancelled"), ("in_progress", "planned")],
)
def test_refused_transitions(result, staff, start, target):
    Result.objects.filter(pk=result.pk).update(
        status=start, progress=100 if start == "done" else 40
    )
    result.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        _update(result, staff, target, note="x", cancel_reason="x" if target == "cancelled" else "")
    assert "status" in exc.value.message_dict


def test_unknown_status(result, staff):
    with pytest.raises(ValidationError):
        _update(result, staff, "finished")


def test_going_down_needs_a_note(result, staff):
    _update(result, staff, "in_progress", 60)
    with pytest.raises(ValidationError) as exc:
        _update(result, staff, "in_progress", 50)
    assert "note" in exc.value.message_dict
    _update(result, staff, "in_progress", 50, note="Part of the paving had to be redone.")
    assert result.progress == 50


def test_nothing_changed_is_refused_but_a_note_alone_is_news(result, staff):
    with pytest.raises(ValidationError):
        _update(result, staff, "planned")
    _update(result, staff, "planned", note="The tender is out.")
    assert result.updates.filter(note="The tender is out.").exists()


def test_note_must_be_plain_text(result, staff):
    with pytest.raises(ValidationError) as exc:
        _update(result, staff, "in_progress", 5, note="<script>alert(1)</script>")
    assert "note" in exc.value.message_dict


@pytest.mark.parametrize("role", ["citizen", "other_staff", "moderator"])
def test_status_needs_a_responsible_role(result, request, role):
    with pytest.raises(PermissionDenied):
        _update(result, request.getfixturevalue(role), "in_progress", 10)
    assert not ResultUpdate.objects.exists()


@pytest.mark.parametrize("role", ["staff", "process_manager", "admin_user"])
def test_status_by_responsible_roles(result, request, role):
    _update(result, request.getfixturevalue(role), "in_progress", 10)
    assert result.updates.get().author == request.getfixturevalue(role)


def test_status_change_notifies_followers_of_result_process_and_source(
    accepted_proposal, staff, citizen, other_citizen, django_capture_on_commit_callbacks
):
    result = services.result_track(actor=staff, source=accepted_proposal)
    watcher = UserFactory()
    Follow.objects.create(user=citizen, target_kind="result", target_id=result.pk)
    Follow.objects.create(user=other_citizen, target_kind="process", target_id=result.process_id)
    Follow.objects.create(user=watcher, target_kind="proposal", target_id=accepted_proposal.pk)
    with django_capture_on_commit_callbacks(execute=True):
        _update(result, staff, "in_progress", 25, note="Work started.")
    activity = Activity.objects.get(verb="result.status_changed")
    assert activity.extra == {"status": "in_progress", "progress": 25}
    recipients = set(
        Notification.objects.filter(activity=activity).values_list("recipient_id", flat=True)
    )
    assert {citizen.pk, other_citizen.pk, watcher.pk, accepted_proposal.author_id} <= recipients


def test_a_refused_update_publishes_nothing(result, staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        _update(result, staff, "done", cancel_reason="x")
    assert not Activity.objects.exists()


# --- milestones -------------------------------------------------------------------------------


def test_milestones(result, staff):
    milestone = services.milestone_add(
        actor=staff, result=result, title="Benches ordered", due_on=dt.date(2026, 3, 1)
    )
    services.milestone_mark_reached(actor=staff, milestone=milestone)
    milestone.refresh_from_db()
    assert milestone.reached_on == timezone.localdate()
    services.milestone_mark_reached(actor=staff, milestone=milestone, reached=False)
    milestone.refresh_from_db()
    assert milestone.reached_on is None
    services.milestone_remove(actor=staff, milestone=milestone)
    assert not Milestone.objects.exists()
    actions = list(AuditEntry.objects.order_by("id").values_list("action", flat=True))
    assert actions[-4:] == [
        "result.milestone_added",
        "result.milestone_reached",
        "result.milestone_reopened",
        "result.milestone_removed",
    ]


def test_milestone_bad_input(result, staff):
    with pytest.raises(ValidationError):
        services.milestone_add(actor=staff, result=result, title="  ")
    milestone = MilestoneFactory(result=result)
    with pytest.raises(ValidationError):
        services.milestone_mark_reached(
            actor=staff, milestone=milestone, reached_on=timezone.localdate() + dt.timedelta(days=2)
        )


@pytest.mark.parametrize("role", ["citizen", "other_staff", "moderator"])
def test_milestones_need_a_responsible_role(result, request, role):
    user = request.getfixturevalue(role)
    with pytest.raises(PermissionDenied):
        services.milestone_add(actor=user, result=result, title="x")
    milestone = MilestoneFactory(result=result)
    with pytest.raises(PermissionDenied):
        services.milestone_mark_reached(actor=user, milestone=milestone)
    with pytest.raises(PermissionDenied):
        services.milestone_remove(actor=user, milestone=milestone)


# --- photos -------------------------------------------------------------------------------------


def test_photo_is_stripped_of_exif_and_gps(result, staff):
    photo = services.photo_add(
        actor=staff, result=result, image=jpeg_with_gps(), alt_text="New benches"
    )
    with photo.image.open("rb") as f, Image.open(f) as img:
        assert not img.getexif()
        assert img.format == "JPEG"
    assert (photo.width, photo.height) == (64, 48)
    assert photo.thumbnail.name


def test_photo_needs_alt_text_and_a_real_image(result, staff):
    with pytest.raises(ValidationError) as exc:
        services.photo_add(actor=staff, result=result, image=jpeg_with_gps(), alt_text=" ")
    assert "alt_text" in exc.value.message_dict
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(ValidationError) as exc:
        services.photo_add(
            actor=staff,
            result=result,
            image=SimpleUploadedFile("x.jpg", b"not an image"),
            alt_text="Benches",
        )
    assert "image" in exc.value.message_dict
    assert not ResultPhoto.objects.exists()


def test_photo_remove(result, staff, django_capture_on_commit_callbacks):
    photo = services.photo_add(
        actor=staff, result=result, image=jpeg_with_gps(), alt_text="Benches"
    )
    storage, name = photo.image.storage, photo.image.name
    with django_capture_on_commit_callbacks(execute=True):
        services.photo_remove(actor=staff, photo=photo)
    assert not ResultPhoto.objects.exists()
    assert not storage.exists(name)


def test_photo_by_others_refused(result, other_staff):
    with pytest.raises(PermissionDenied):
        services.photo_add(actor=other_staff, result=result, image=jpeg_with_gps(), alt_text="x")
