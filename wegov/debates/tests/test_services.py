"""Opening, changing, closing and reopening debates: who may, and what it does."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from wegov.accounts.tests.factories import MembershipFactory, UserFactory
from wegov.core import activity
from wegov.core.events import subscribe, unsubscribe
from wegov.core.models import AuditEntry
from wegov.debates import services
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


@pytest.fixture
def user_of(request):
    def get(role):
        if role == "anonymous":
            from django.contrib.auth.models import AnonymousUser

            return AnonymousUser()
        return request.getfixturevalue(role)

    return get


@pytest.fixture
def process(department):
    return ProcessFactory(
        organisation=department, phase=PhaseKind.DEBATE, citizens_may_open_debates=True
    )


@pytest.fixture
def published_events():
    """The activity the services publish (after commit)."""
    seen = []

    def record(**payload):
        seen.append(payload)

    subscribe(activity.ACTIVITY_EVENT)(record)
    yield seen
    unsubscribe(activity.ACTIVITY_EVENT, record)


def create(actor, process, **overrides):
    data = {
        "title": "Should the market square be car-free?",
        "description": "Cars park there every day.",
    }
    data.update(overrides)
    return services.debate_create(actor=actor, process=process, **data)


# --- Opening ------------------------------------------------------------------------


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize(
    ("citizens_may", "phase", "citizens_allowed"),
    [
        (True, PhaseKind.DEBATE, True),
        (False, PhaseKind.DEBATE, False),
        (True, PhaseKind.PROPOSALS, False),
        (True, PhaseKind.EVALUATION, False),
        (True, "", False),  # no phase at all
    ],
)
def test_who_may_open_a_debate(role, citizens_may, phase, citizens_allowed, user_of, department):
    process = ProcessFactory(
        organisation=department, phase=phase, citizens_may_open_debates=citizens_may
    )
    user = user_of(role)
    allowed = role in ADMINISTRATION or (role != "anonymous" and citizens_allowed)
    assert (services.open_refusal(user, process) is None) is allowed
    assert user.has_perm("debates.open_debate", process) is allowed
    if not allowed:
        with pytest.raises(PermissionDenied):
            create(user, process)
        assert not Debate.objects.exists()
        return
    debate = create(user, process)
    if role in ADMINISTRATION:
        assert debate.opened_by_organisation == department
        assert debate.opened_by_label == "Public Works"
    else:
        assert debate.opened_by_organisation is None
        assert debate.opened_by_label == user.display_name
    assert debate.author == user and debate.is_open


@pytest.mark.parametrize("role", ALL_ROLES)
def test_nobody_opens_a_debate_in_an_unpublished_process(role, user_of, department):
    process = ProcessFactory(
        organisation=department,
        phase=PhaseKind.DEBATE,
        citizens_may_open_debates=True,
        is_published=False,
    )
    user = user_of(role)
    assert services.open_refusal(user, process) is not None
    with pytest.raises(PermissionDenied):
        create(user, process)


def test_refusals_say_why(process, citizen, staff):
    from django.contrib.auth.models import AnonymousUser

    assert services.open_refusal(AnonymousUser(), process) == "Log in to open a debate."
    process.citizens_may_open_debates = False
    assert services.open_refusal(citizen, process) == (
        "In this process only the administration opens debates."
    )
    assert services.open_refusal(staff, process) is None
    process.citizens_may_open_debates = True
    from wegov.processes.tests.factories import set_active_phase

    set_active_phase(process, PhaseKind.PROPOSALS)
    assert "debate phase" in services.open_refusal(citizen, process)


@pytest.mark.parametrize("role", ["citizen", "staff", "admin_user"])
def test_blocked_users_never_open_debates(role, request, process):
    user = request.getfixturevalue(role)
    user.blocked_at = timezone.now()
    user.save(update_fields=["blocked_at"])
    assert "blocked" in services.open_refusal(user, process)
    with pytest.raises(PermissionDenied):
        create(user, process)


def test_staff_of_another_organisation_opens_as_a_citizen(process, other_staff):
    debate = create(other_staff, process)
    assert debate.opened_by_organisation is None
    process.citizens_may_open_debates = False
    process.save()
    with pytest.raises(PermissionDenied):
        create(other_staff, process, title="Another question")


@pytest.mark.parametrize(
    ("field", "overrides", "message"),
    [
        ("title", {"title": ""}, "Give the debate a title."),
        ("title", {"title": "   \n "}, "Give the debate a title."),
        ("title", {"title": "x" * 151}, "Use at most 150 characters (you used 151)."),
        ("description", {"description": ""}, "Describe what the debate is about."),
        ("description", {"description": "y" * 5001}, "Use at most 5000"),
        ("description", {"description": "bad\x00byte"}, "control characters"),
    ],
)
def test_bad_input_is_refused_with_a_message(process, citizen, field, overrides, message):
    with pytest.raises(ValidationError) as exc:
        create(citizen, process, **overrides)
    assert message in " ".join(exc.value.message_dict[field])
    assert not Debate.objects.exists()


def test_text_is_stored_as_typed_and_trimmed(process, citizen):
    debate = create(citizen, process, title="  <script>alert(1)</script>  ", description=" a\nb ")
    assert debate.title == "<script>alert(1)</script>"  # escaped by the templates
    assert debate.description == "a\nb"


def test_a_second_click_does_not_open_the_debate_twice(process, citizen):
    create(citizen, process)
    with pytest.raises(ValidationError) as exc:
        create(citizen, process)
    assert "already opened" in exc.value.message_dict["title"][0]
    assert Debate.objects.count() == 1


def test_district_process_debates_are_about_its_district(department, city, citizen):
    from wegov.places import services as places

    other = places.area_save(
        kind="district",
        name="Noord",
        slug="noord",
        geometry={
            "type": "Polygon",
            "coordinates": [[[5.0, 52.0], [5.1, 52.0], [5.1, 52.1], [5.0, 52.1], [5.0, 52.0]]],
        },
    )
    process = ProcessFactory(
        organisation=department,
        phase=PhaseKind.DEBATE,
        citizens_may_open_debates=True,
        scope="district",
        district=city,
    )
    with pytest.raises(ValidationError) as exc:
        create(citizen, process, district=other)
    assert "Centrum" in exc.value.message_dict["district"][0]
    assert create(citizen, process).district == city


def test_opening_publishes_and_the_administration_is_audited(
    process, staff, citizen, published_events, django_capture_on_commit_callbacks
):
    topic = TopicFactory(slug="mobility", name="Mobility")
    with django_capture_on_commit_callbacks(execute=True):
        official = create(staff, process, topic=topic)
        own = create(citizen, process, title="A citizen's question")
    assert [e["verb"] for e in published_events] == ["debate.created", "debate.created"]
    first = published_events[0]
    assert first["actor_id"] == staff.pk
    assert first["target_kind"] == "debate" and first["target_id"] == official.pk
    assert first["context"] == {"process": process.pk, "topic": topic.pk}
    assert AuditEntry.objects.filter(action="debate.opened", target_id=str(official.pk)).exists()
    assert not AuditEntry.objects.filter(target_id=str(own.pk)).exists()


def test_nothing_is_published_when_opening_fails(
    process, citizen, published_events, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        create(citizen, process, title="")
    assert published_events == []


# --- Closing ------------------------------------------------------------------------


@pytest.fixture
def citizen_debate(process, citizen):
    return DebateFactory(process=process, author=citizen)


@pytest.fixture
def official_debate(process, department):
    colleague = UserFactory(display_name="Cas Colleague")
    MembershipFactory(user=colleague, organisation=department)
    return DebateFactory(process=process, author=colleague, official=True)


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("which", ["citizen_debate", "official_debate"])
def test_who_may_close_a_debate(role, which, request, user_of):
    debate = request.getfixturevalue(which)
    user = user_of(role)
    allowed = role in ADMINISTRATION or (role == "citizen" and which == "citizen_debate")
    assert (services.close_refusal(user, debate) is None) is allowed
    assert user.has_perm("debates.close_debate", debate) is allowed
    if not allowed:
        with pytest.raises(PermissionDenied):
            services.debate_close(actor=user, debate=debate, conclusion="Done.")
        debate.refresh_from_db()
        assert debate.is_open and debate.conclusion == ""
        return
    services.debate_close(actor=user, debate=debate, conclusion="  We agree.  ")
    debate.refresh_from_db()
    assert debate.is_closed
    assert debate.conclusion == "We agree."
    assert debate.closed_by == user and debate.closed_at is not None


def test_closing_does_not_depend_on_the_phase(citizen_debate, citizen, staff):
    from wegov.processes.tests.factories import set_active_phase

    set_active_phase(citizen_debate.process, PhaseKind.EVALUATION)
    services.debate_close(actor=citizen, debate=citizen_debate, conclusion="Thanks all.")
    assert Debate.objects.get().is_closed


@pytest.mark.parametrize("conclusion", ["", "   ", "\n\t"])
def test_closing_without_a_conclusion_is_refused(citizen_debate, staff, conclusion):
    with pytest.raises(ValidationError) as exc:
        services.debate_close(actor=staff, debate=citizen_debate, conclusion=conclusion)
    assert exc.value.message_dict["conclusion"] == [
        "Write the conclusion: a debate is closed with a published conclusion."
    ]
    citizen_debate.refresh_from_db()
    assert citizen_debate.is_open and citizen_debate.closed_at is None
    assert not AuditEntry.objects.filter(action="debate.closed").exists()


def test_a_too_long_conclusion_is_refused(citizen_debate, staff):
    with pytest.raises(ValidationError) as exc:
        services.debate_close(actor=staff, debate=citizen_debate, conclusion="z" * 5001)
    assert "5000" in exc.value.message_dict["conclusion"][0]


def test_a_closed_debate_cannot_be_closed_again(citizen_debate, staff, process_manager):
    services.debate_close(actor=staff, debate=citizen_debate, conclusion="First.")
    with pytest.raises(PermissionDenied, match="already closed"):
        # A stale copy, as when two people press "close" at the same time.
        services.debate_close(actor=process_manager, debate=citizen_debate, conclusion="Second.")
    assert Debate.objects.get().conclusion == "First."


def test_closing_publishes_notifies_the_author_and_audits(
    citizen_debate, citizen, staff, published_events, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.debate_close(actor=staff, debate=citizen_debate, conclusion="We will test it.")
    (event,) = published_events
    assert event["verb"] == "debate.closed"
    assert event["actor_id"] == staff.pk
    assert event["target_kind"] == "debate" and event["target_id"] == citizen_debate.pk
    assert event["notify_user_ids"] == [citizen.pk]
    assert event["context"]["process"] == citizen_debate.process_id
    assert event["extra"] == {"conclusion": "We will test it."}
    entry = AuditEntry.objects.get(action="debate.closed")
    assert entry.actor == staff and entry.target_id == str(citizen_debate.pk)
    assert entry.after["conclusion"] == "We will test it."


def test_the_database_refuses_a_closed_debate_without_conclusion(process, citizen):
    with pytest.raises(IntegrityError), transaction.atomic():
        DebateFactory(process=process, author=citizen, state=Debate.State.CLOSED)
    with pytest.raises(IntegrityError), transaction.atomic():
        DebateFactory(
            process=process,
            author=citizen,
            state=Debate.State.CLOSED,
            conclusion="Something",
            closed_at=None,
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        DebateFactory(process=process, author=citizen, state="archived")


# --- Reopening ----------------------------------------------------------------------


@pytest.mark.parametrize("role", ALL_ROLES)
def test_only_process_managers_reopen(role, process, citizen, user_of):
    debate = DebateFactory(process=process, author=citizen, closed=True)
    user = user_of(role)
    allowed = role in {"process_manager", "admin_user"}
    assert (services.reopen_refusal(user, debate) is None) is allowed
    if not allowed:
        with pytest.raises(PermissionDenied):
            services.debate_reopen(actor=user, debate=debate)
        assert Debate.objects.get().is_closed
        return
    services.debate_reopen(actor=user, debate=debate)
    debate.refresh_from_db()
    assert debate.is_open
    assert debate.conclusion == "" and debate.closed_at is None and debate.closed_by is None
    entry = AuditEntry.objects.get(action="debate.reopened")
    assert entry.actor == user
    assert entry.before["conclusion"] == "We keep the square car-free on Saturdays."


def test_an_open_debate_cannot_be_reopened(citizen_debate, process_manager):
    with pytest.raises(PermissionDenied, match="open"):
        services.debate_reopen(actor=process_manager, debate=citizen_debate)


# --- Changing -----------------------------------------------------------------------


def test_the_author_changes_an_open_debate_without_arguments(citizen_debate, citizen):
    services.debate_update(
        actor=citizen, debate=citizen_debate, title="Better question?", description="Clearer."
    )
    citizen_debate.refresh_from_db()
    assert citizen_debate.title == "Better question?"
    assert citizen_debate.description == "Clearer."


@pytest.mark.parametrize("role", ["anonymous", "other_citizen", "staff", "admin_user"])
def test_only_the_author_changes_a_debate(role, citizen_debate, user_of):
    with pytest.raises(PermissionDenied):
        services.debate_update(
            actor=user_of(role), debate=citizen_debate, title="Hijacked", description="x"
        )
    assert Debate.objects.get().title != "Hijacked"


def test_no_changes_once_people_argued_or_it_is_closed(citizen_debate, citizen, staff):
    services.comment_count_set(debate_id=citizen_debate.pk, count=1)
    citizen_debate.refresh_from_db()
    assert "already argued" in services.edit_refusal(citizen, citizen_debate)
    with pytest.raises(PermissionDenied):
        services.debate_update(actor=citizen, debate=citizen_debate, title="New", description="x")
    services.comment_count_set(debate_id=citizen_debate.pk, count=0)
    services.debate_close(actor=staff, debate=citizen_debate, conclusion="Done.")
    citizen_debate.refresh_from_db()
    assert "closed" in services.edit_refusal(citizen, citizen_debate)


def test_changing_validates_like_opening(citizen_debate, citizen):
    with pytest.raises(ValidationError) as exc:
        services.debate_update(actor=citizen, debate=citizen_debate, title="", description="")
    assert set(exc.value.message_dict) == {"title", "description"}


# --- Comment counts -----------------------------------------------------------------


def test_comment_count_follows_the_comments_event(
    citizen_debate, django_capture_on_commit_callbacks
):
    from wegov.core.events import emit

    other = DebateFactory(process=citizen_debate.process)
    with django_capture_on_commit_callbacks(execute=True):
        emit("comment.count_changed", kind="debate", object_id=citizen_debate.pk, count=7)
        emit("comment.count_changed", kind="proposal", object_id=other.pk, count=3)
    citizen_debate.refresh_from_db()
    other.refresh_from_db()
    assert citizen_debate.comment_count == 7
    assert other.comment_count == 0
