"""The services: what they write, what they refuse and say, what they publish."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from PIL import Image

from wegov.accounts.tests.factories import UserFactory, make_resident
from wegov.core.models import AuditEntry
from wegov.places import services as places
from wegov.processes.models import PhaseKind, Process
from wegov.processes.tests.factories import ProcessFactory, TopicFactory, set_active_phase
from wegov.proposals import services
from wegov.proposals.models import Coauthorship, Proposal, ProposalAttachment, Support

from .conftest import jpeg_upload, pdf_upload, png_upload
from .factories import CoauthorshipFactory, ProposalFactory

pytestmark = pytest.mark.django_db

XSS = "<script>alert(1)</script>"


def data(**overrides):
    values = {"title": "A car-free market square", "body": "Trees instead of parked cars."}
    values.update(overrides)
    return services.ProposalData(**values)


# --- create --------------------------------------------------------------------------------------


def test_create_publishes_a_proposal(process, citizen, activity):
    topic = TopicFactory(name="Mobility", slug="mobility")
    proposal = services.proposal_create(
        actor=citizen,
        process=process,
        data=data(title="  A car-free square  ", body="Line one\r\nLine two", topic=topic),
    )
    proposal.refresh_from_db()
    assert proposal.title == "A car-free square"
    assert proposal.body == "Line one\nLine two"
    assert proposal.author == citizen and proposal.topic == topic
    assert proposal.state == "published" and proposal.answer_state == "not_answered"
    assert proposal.support_count == 0
    assert [a["verb"] for a in activity] == ["proposal.created"]
    assert activity[0]["context"] == {"process": process.pk, "district": None, "topic": topic.pk}
    assert activity[0]["target_kind"] == "proposal" and activity[0]["target_id"] == proposal.pk


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"title": "   "}, "title", "Give your proposal a title."),
        ({"title": "x" * 151}, "title", "at most 150 characters"),
        ({"title": "two\nlines"}, "title", "must be one line"),
        ({"title": XSS}, "title", "HTML tags such as <script> are not allowed"),
        ({"body": ""}, "body", "Describe your proposal."),
        ({"body": "\x00\x01 "}, "body", "Describe your proposal."),
        ({"body": "x" * 5001}, "body", "at most 5000 characters"),
        ({"body": f"Nice {XSS}"}, "body", "HTML tags"),
        ({"body": 'Click <a href="x">here</a>'}, "body", "HTML tags"),
        ({"address": "x" * 251}, "address", "at most 250"),
        ({"lat": 52.15}, "location", "both latitude and longitude"),
        ({"lat": 95.0, "lon": 5.0}, "location", "not a valid location"),
    ],
)
def test_create_refuses_bad_input_and_saves_nothing(process, citizen, overrides, field, message):
    with pytest.raises(ValidationError) as exc:
        services.proposal_create(actor=citizen, process=process, data=data(**overrides))
    assert message in " ".join(exc.value.message_dict[field])
    assert not Proposal.objects.exists()


def test_plain_comparisons_are_not_taken_for_html(process, citizen):
    proposal = services.proposal_create(
        actor=citizen, process=process, data=data(body="Speed < 30 km/h and noise > 60 dB.")
    )
    assert proposal.body == "Speed < 30 km/h and noise > 60 dB."


def test_location_outside_the_city_is_refused(process, citizen, city):
    with pytest.raises(ValidationError) as exc:
        services.proposal_create(actor=citizen, process=process, data=data(lat=48.0, lon=2.0))
    assert "outside the city" in str(exc.value)


def test_district_comes_from_the_location(process, citizen, city):
    proposal = services.proposal_create(
        actor=citizen, process=process, data=data(lat=52.155, lon=5.39)
    )
    assert proposal.district == city and proposal.lat == 52.155


def test_chosen_district_without_location(process, citizen, city):
    proposal = services.proposal_create(actor=citizen, process=process, data=data(district=city))
    assert proposal.district == city and proposal.lat is None


def test_district_process_keeps_proposals_in_its_district(citizen, department, city):
    west = places.area_save(
        kind="district",
        name="West",
        slug="west",
        geometry={
            "type": "Polygon",
            "coordinates": [[[5.0, 52.0], [5.1, 52.0], [5.1, 52.1], [5.0, 52.1], [5.0, 52.0]]],
        },
    )
    process = ProcessFactory(organisation=department, scope=Process.Scope.DISTRICT, district=city)
    proposal = services.proposal_create(actor=citizen, process=process, data=data(district=west))
    assert proposal.district == city
    proposal = services.proposal_create(
        actor=citizen, process=process, data=data(lat=52.15, lon=5.39)
    )
    assert proposal.district == city


def test_create_needs_a_participant(process, citizen):
    with pytest.raises(PermissionDenied):
        services.proposal_create(actor=None, process=process, data=data())
    citizen.blocked_at = timezone.now()
    citizen.save()
    with pytest.raises(PermissionDenied, match="blocked"):
        services.proposal_create(actor=citizen, process=process, data=data())
    assert not Proposal.objects.exists()


@pytest.mark.parametrize("phase", [k for k in PhaseKind.values if k != PhaseKind.PROPOSALS])
def test_create_only_in_the_proposals_phase(citizen, department, phase):
    process = ProcessFactory(organisation=department, phase=phase)
    with pytest.raises(ValidationError, match="takes no new proposals"):
        services.proposal_create(actor=citizen, process=process, data=data())


def test_create_not_in_an_unpublished_process(citizen, process):
    Process.objects.filter(pk=process.pk).update(is_published=False)
    process.refresh_from_db()
    with pytest.raises(ValidationError):
        services.proposal_create(actor=citizen, process=process, data=data())


def test_create_with_attachments(process, citizen):
    proposal = services.proposal_create(
        actor=citizen,
        process=process,
        data=data(),
        attachments=[
            services.NewAttachment(file=jpeg_upload(gps=True), title="Sketch"),
            services.NewAttachment(file=pdf_upload(), title="Plan"),
            services.NewAttachment(file=png_upload(), title="Map"),
        ],
    )
    kinds = {a.title: (a.kind, a.content_type) for a in proposal.attachments.all()}
    assert kinds == {
        "Sketch": ("image", "image/jpeg"),
        "Plan": ("pdf", "application/pdf"),
        "Map": ("image", "image/png"),
    }
    sketch = proposal.attachments.get(title="Sketch")
    with Image.open(sketch.file.path) as img:
        assert not img.getexif(), "EXIF (GPS, camera) is removed"
    assert not sketch.file.name.endswith("sketch.jpg"), "the upload's name is not kept"


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (pdf_upload("evil.pdf", b"MZ\x90\x00 not a pdf"), "PDF, JPEG or PNG"),
        (pdf_upload("broken.pdf", b"%PDF-1.4 but no end"), "damaged"),
        (pdf_upload("page.jpg", b"<html><script>alert(1)</script></html>"), "PDF, JPEG or PNG"),
        (pdf_upload("empty.pdf", b""), "empty"),
    ],
)
def test_bad_attachments_refuse_the_proposal(process, citizen, upload, message):
    with pytest.raises(ValidationError) as exc:
        services.proposal_create(
            actor=citizen,
            process=process,
            data=data(),
            attachments=[services.NewAttachment(file=upload, title="File")],
        )
    assert message in " ".join(exc.value.message_dict["attachment"])
    assert not Proposal.objects.exists() and not ProposalAttachment.objects.exists()


def test_attachment_limits(process, citizen, monkeypatch):
    from wegov.proposals import attachments

    items = [services.NewAttachment(file=pdf_upload(), title=f"P{i}") for i in range(4)]
    with pytest.raises(ValidationError, match="at most 3 attachments"):
        services.proposal_create(actor=citizen, process=process, data=data(), attachments=items)
    with pytest.raises(ValidationError, match="title"):
        services.proposal_create(
            actor=citizen,
            process=process,
            data=data(),
            attachments=[services.NewAttachment(file=pdf_upload(), title=" ")],
        )
    monkeypatch.setattr(attachments, "MAX_BYTES", 10)
    with pytest.raises(ValidationError, match="at most 10 MB"):
        services.proposal_create(
            actor=citizen,
            process=process,
            data=data(),
            attachments=[services.NewAttachment(file=pdf_upload(), title="Big")],
        )
    assert not Proposal.objects.exists()


# --- update --------------------------------------------------------------------------------------


def test_author_and_coauthor_edit_within_the_grace_period(proposal, coauthor):
    services.proposal_update(actor=proposal.author, proposal=proposal, data=data(title="New"))
    services.proposal_update(actor=coauthor, proposal=proposal, data=data(body="Better text"))
    proposal.refresh_from_db()
    assert proposal.title == "A car-free market square" and proposal.body == "Better text"


def test_edit_refused_after_the_grace_period(proposal):
    Proposal.objects.filter(pk=proposal.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=proposal.process.proposal_edit_minutes + 1)
    )
    proposal.refresh_from_db()
    with pytest.raises(ValidationError, match="minutes after publishing"):
        services.proposal_update(actor=proposal.author, proposal=proposal, data=data(title="New"))


def test_edit_refused_for_others_and_pending_coauthors(proposal, other_citizen):
    CoauthorshipFactory(proposal=proposal, user=other_citizen)  # not accepted
    with pytest.raises(PermissionDenied):
        services.proposal_update(actor=other_citizen, proposal=proposal, data=data())


def test_edit_refused_once_answered_or_withdrawn(proposal, process_staff):
    services.proposal_answer(actor=process_staff, proposal=proposal, state="evaluating", text="")
    proposal.refresh_from_db()
    with pytest.raises(ValidationError, match="answered"):
        services.proposal_update(actor=proposal.author, proposal=proposal, data=data())


def test_edit_adds_and_removes_attachments(proposal):
    services.proposal_update(
        actor=proposal.author,
        proposal=proposal,
        data=data(),
        add_attachments=[services.NewAttachment(file=pdf_upload(), title="Plan")],
    )
    plan = proposal.attachments.get()
    services.proposal_update(
        actor=proposal.author,
        proposal=proposal,
        data=data(),
        add_attachments=[services.NewAttachment(file=png_upload(), title="Map")],
        remove_attachments=[plan.pk],
    )
    assert list(proposal.attachments.values_list("title", flat=True)) == ["Map"]


def test_bad_edit_changes_nothing(proposal):
    with pytest.raises(ValidationError):
        services.proposal_update(actor=proposal.author, proposal=proposal, data=data(title=""))
    proposal.refresh_from_db()
    assert proposal.title == "A car-free market square"


# --- withdraw ------------------------------------------------------------------------------------


def test_withdraw(proposal, activity):
    services.proposal_withdraw(actor=proposal.author, proposal=proposal)
    proposal.refresh_from_db()
    assert proposal.state == "withdrawn" and proposal.withdrawn_at is not None
    assert [a["verb"] for a in activity] == ["proposal.withdrawn"]
    with pytest.raises(ValidationError, match="already withdrawn"):
        services.proposal_withdraw(actor=proposal.author, proposal=proposal)


def test_only_the_author_withdraws(proposal, coauthor, other_citizen):
    for person in (coauthor, other_citizen):
        with pytest.raises(PermissionDenied):
            services.proposal_withdraw(actor=person, proposal=proposal)
    proposal.refresh_from_db()
    assert proposal.state == "published"


# --- co-authors ----------------------------------------------------------------------------------


def test_invite_accept_decline(proposal, other_citizen, activity):
    invitation = services.coauthor_invite(
        actor=proposal.author, proposal=proposal, email=other_citizen.email.upper()
    )
    assert invitation.user == other_citizen and invitation.accepted_at is None
    assert activity[-1]["verb"] == "proposal.coauthor_invited"
    assert activity[-1]["notify"] == [other_citizen.pk] and activity[-1]["public"] is False
    # Inviting again changes nothing and notifies nobody again.
    again = services.coauthor_invite(
        actor=proposal.author, proposal=proposal, email=other_citizen.email
    )
    assert again == invitation and len(activity) == 1
    services.coauthor_respond(actor=other_citizen, proposal=proposal, accept=True)
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    with pytest.raises(ValidationError, match="no open invitation"):
        services.coauthor_respond(actor=other_citizen, proposal=proposal, accept=False)


def test_decline_removes_the_invitation(proposal, other_citizen):
    services.coauthor_invite(actor=proposal.author, proposal=proposal, email=other_citizen.email)
    services.coauthor_respond(actor=other_citizen, proposal=proposal, accept=False)
    assert not Coauthorship.objects.exists()


def test_invite_unknown_address_reveals_nothing(proposal, activity):
    assert (
        services.coauthor_invite(actor=proposal.author, proposal=proposal, email="no@one.example")
        is None
    )
    assert not Coauthorship.objects.exists() and not activity


@pytest.mark.parametrize("email", ["", "not-an-email", "a@b"])
def test_invite_bad_address(proposal, email):
    with pytest.raises(ValidationError, match="email address like"):
        services.coauthor_invite(actor=proposal.author, proposal=proposal, email=email)


def test_invite_rules(proposal, other_citizen, coauthor):
    with pytest.raises(ValidationError, match="author already"):
        services.coauthor_invite(
            actor=proposal.author, proposal=proposal, email=proposal.author.email
        )
    with pytest.raises(PermissionDenied):
        services.coauthor_invite(actor=coauthor, proposal=proposal, email=other_citizen.email)
    for _n in range(4):
        CoauthorshipFactory(proposal=proposal)
    with pytest.raises(ValidationError, match="at most 5 co-authors"):
        services.coauthor_invite(
            actor=proposal.author, proposal=proposal, email=other_citizen.email
        )


# --- supports ------------------------------------------------------------------------------------


def test_support_add_and_remove(proposal, citizen):
    assert services.support_add(actor=citizen, proposal=proposal) is True
    assert proposal.support_count == 1
    assert services.support_add(actor=citizen, proposal=proposal) is False
    proposal.refresh_from_db()
    assert proposal.support_count == 1 and Support.objects.count() == 1
    assert services.support_remove(actor=citizen, proposal=proposal) is True
    assert services.support_remove(actor=citizen, proposal=proposal) is False
    proposal.refresh_from_db()
    assert proposal.support_count == 0 and not Support.objects.exists()


def test_support_is_refused_with_reasons(proposal, citizen):
    with pytest.raises(PermissionDenied, match="Log in"):
        services.support_add(actor=None, proposal=proposal)
    set_active_phase(proposal.process, PhaseKind.EVALUATION)
    with pytest.raises(ValidationError, match="“Evaluation” phase: supports are closed"):
        services.support_add(actor=citizen, proposal=proposal)
    with pytest.raises(ValidationError, match="supports are closed"):
        services.support_remove(actor=citizen, proposal=proposal)


def test_withdrawn_or_hidden_proposals_take_no_supports(proposal, citizen):
    services.proposal_withdraw(actor=proposal.author, proposal=proposal)
    proposal.refresh_from_db()
    with pytest.raises(ValidationError, match="withdrawn"):
        services.support_add(actor=citizen, proposal=proposal)
    hidden = ProposalFactory(process=proposal.process, is_hidden=True)
    with pytest.raises(ValidationError, match="hidden"):
        services.support_add(actor=citizen, proposal=hidden)
    assert not Support.objects.exists()


def test_residence_required(proposal, citizen):
    Process.objects.filter(pk=proposal.process_id).update(supports_require_residence=True)
    proposal.process.refresh_from_db()
    with pytest.raises(PermissionDenied, match="verified residents"):
        services.support_add(actor=citizen, proposal=proposal)
    resident = make_resident()
    assert services.support_add(actor=resident, proposal=proposal)


def test_blocked_users_cannot_support(proposal, citizen):
    citizen.blocked_at = timezone.now()
    citizen.save()
    with pytest.raises(PermissionDenied, match="blocked"):
        services.support_add(actor=citizen, proposal=proposal)


def test_threshold_qualifies_once_and_tells_the_organisation(
    proposal, process_staff, staff, activity
):
    assert proposal.process.support_threshold == 3
    supporters = [UserFactory() for _n in range(4)]
    for person in supporters[:2]:
        services.support_add(actor=person, proposal=proposal)
    assert proposal.qualified_at is None and not [
        a for a in activity if a["verb"] == "proposal.qualified"
    ]
    services.support_add(actor=supporters[2], proposal=proposal)
    proposal.refresh_from_db()
    first = proposal.qualified_at
    assert first is not None
    qualified = [a for a in activity if a["verb"] == "proposal.qualified"]
    assert len(qualified) == 1
    assert set(qualified[0]["notify"]) == {process_staff.pk, staff.pk}
    assert qualified[0]["actor"] is None
    # Falling below and rising again does not qualify it a second time.
    services.support_remove(actor=supporters[0], proposal=proposal)
    services.support_add(actor=supporters[3], proposal=proposal)
    proposal.refresh_from_db()
    assert proposal.qualified_at == first
    assert len([a for a in activity if a["verb"] == "proposal.qualified"]) == 1


def test_unique_constraint_is_the_last_word(proposal, citizen, monkeypatch):
    """If the existence check misses a concurrent insert, the IntegrityError is handled."""
    Support.objects.create(proposal=proposal, user=citizen)
    real_filter = Support.objects.filter

    class Missing:
        def exists(self):
            return False

    monkeypatch.setattr(
        Support.objects,
        "filter",
        lambda *a, **k: Missing() if "user" in k else real_filter(*a, **k),
    )
    assert services.support_add(actor=citizen, proposal=proposal) is False
    proposal.refresh_from_db()
    assert proposal.support_count == 0, "the failed insert rolled the increment back"


# --- answers -------------------------------------------------------------------------------------


def test_answer_publishes_and_audits(proposal, coauthor, process_staff, activity):
    CoauthorshipFactory(proposal=proposal)  # a pending invitation: not notified
    services.proposal_answer(
        actor=process_staff, proposal=proposal, state="accepted", text="We will do it in 2027."
    )
    proposal.refresh_from_db()
    assert proposal.answer_state == "accepted" and proposal.answered_by == process_staff
    assert proposal.answer_text == "We will do it in 2027." and proposal.answered_at
    answered = [a for a in activity if a["verb"] == "proposal.answered"]
    assert len(answered) == 1
    assert set(answered[0]["notify"]) == {proposal.author_id, coauthor.pk}
    assert answered[0]["extra"] == {"answer_state": "accepted"}
    entry = AuditEntry.objects.get(action="proposal.answered")
    assert entry.actor == process_staff
    assert entry.before["answer_state"] == "not_answered"
    assert entry.after == {"answer_state": "accepted", "answer_text": "We will do it in 2027."}


@pytest.mark.parametrize(
    ("state", "text", "field", "message"),
    [
        ("accepted", "  ", "answer_text", "needs a reason"),
        ("rejected", "", "answer_text", "needs a reason"),
        ("not_answered", "x", "answer_state", "Choose"),
        ("maybe", "x", "answer_state", "Choose"),
        ("rejected", "x" * 5001, "answer_text", "at most 5000"),
        ("rejected", XSS, "answer_text", "HTML"),
    ],
)
def test_answer_bad_input(proposal, process_staff, state, text, field, message):
    with pytest.raises(ValidationError) as exc:
        services.proposal_answer(actor=process_staff, proposal=proposal, state=state, text=text)
    assert message in " ".join(exc.value.message_dict[field])
    proposal.refresh_from_db()
    assert proposal.answer_state == "not_answered"
    assert not AuditEntry.objects.filter(action="proposal.answered").exists()


def test_evaluating_needs_no_text_and_answers_can_change(proposal, process_manager):
    services.proposal_answer(actor=process_manager, proposal=proposal, state="evaluating", text="")
    services.proposal_answer(
        actor=process_manager, proposal=proposal, state="rejected", text="Too expensive."
    )
    proposal.refresh_from_db()
    assert proposal.answer_state == "rejected"
    assert AuditEntry.objects.filter(action="proposal.answered").count() == 2


def test_answer_refused_on_withdrawn(proposal, admin_user):
    services.proposal_withdraw(actor=proposal.author, proposal=proposal)
    with pytest.raises(ValidationError, match="withdrawn"):
        services.proposal_answer(actor=admin_user, proposal=proposal, state="rejected", text="No")


def test_comment_count_store(proposal):
    services.comment_count_store(proposal_id=proposal.pk, count=7)
    proposal.refresh_from_db()
    assert proposal.comment_count == 7
    services.comment_count_store(proposal_id=proposal.pk, count=-3)
    proposal.refresh_from_db()
    assert proposal.comment_count == 0
