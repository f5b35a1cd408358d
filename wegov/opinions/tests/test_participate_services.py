"""services.py: participants, votes, next statement, statements."""

import sys
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from wegov.accounts.tests.factories import UserFactory
from wegov.core.models import AuditEntry
from wegov.opinions import services
from wegov.opinions.models import Conversation, Participant, Statement, Vote

from .participate_support import SEEDS, make_conversation, make_participant

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def schedule():
    """The recomputation is the maths helper's; here only whether it is queued."""
    with mock.patch("wegov.opinions.tasks.schedule_recompute") as schedule:
        yield schedule


@pytest.fixture
def conversation():
    return make_conversation(statements=SEEDS, allow_anonymous=True)


# --- participant_for --------------------------------------------------------------------


def test_participant_numbers_are_the_next_free_number(conversation, citizen, other_citizen):
    assert services.participant_for(conversation, user=citizen) is None
    first = services.participant_for(conversation, user=citizen, create=True)
    second = services.participant_for(conversation, user=other_citizen, create=True)
    third = services.participant_for(conversation, browser_key="a" * 64, create=True)
    assert [first.number, second.number, third.number] == [1, 2, 3]
    assert services.participant_for(conversation, user=citizen, create=True) == first
    assert services.participant_for(conversation, browser_key="a" * 64) == third
    assert third.user is None and third.browser_key == "a" * 64
    assert first.browser_key == ""


def test_participant_numbers_are_per_conversation(conversation, citizen):
    other = make_conversation(statements=SEEDS)
    services.participant_for(conversation, user=citizen, create=True)
    assert services.participant_for(other, user=citizen, create=True).number == 1


def test_participant_for_nobody_is_none(conversation):
    from django.contrib.auth.models import AnonymousUser

    assert services.participant_for(conversation, create=True) is None
    assert services.participant_for(conversation, user=AnonymousUser(), create=True) is None


def test_signed_in_user_is_not_merged_with_the_browser(conversation, citizen):
    browser = services.participant_for(conversation, browser_key="b" * 64, create=True)
    mine = services.participant_for(conversation, user=citizen, browser_key="b" * 64, create=True)
    assert mine != browser and mine.user == citizen


def test_participant_for_retries_after_a_number_collision(conversation, citizen):
    """Another request took the number in between (the unique constraint says
    so where rows are not locked): look again and retry."""
    from django.db import IntegrityError

    real_create = Participant.objects.create
    calls = []

    def racing_create(**kwargs):
        calls.append(kwargs["number"])
        if len(calls) == 1:
            raise IntegrityError("opinions_participant_number_unique")
        return real_create(**kwargs)

    with mock.patch.object(Participant.objects, "create", side_effect=racing_create):
        participant = services.participant_for(conversation, user=citizen, create=True)
    assert calls == [1, 1]
    assert participant.user == citizen


def test_browser_key_is_the_sha256_of_the_token():
    token = services.new_browser_token()
    assert len(token) >= 40
    key = services.browser_key_of(token)
    assert len(key) == 64 and key != token
    assert services.browser_key_of("") == ""
    assert services.browser_key_of("x" * 500) == ""


# --- cast_vote ----------------------------------------------------------------------------


def _statement(conversation, number):
    return Statement.objects.get(conversation=conversation, number=number)


def test_cast_vote_records_and_changes(
    conversation, citizen, schedule, django_capture_on_commit_callbacks
):
    participant = services.participant_for(conversation, user=citizen, create=True)
    statement = _statement(conversation, 1)
    with django_capture_on_commit_callbacks(execute=True):
        vote = services.cast_vote(participant=participant, statement=statement, value=1)
    schedule.assert_called_once_with(conversation.pk)
    first = Vote.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        changed = services.cast_vote(participant=participant, statement=statement, value=-1)
    assert schedule.call_count == 2  # queued again; tasks.schedule_recompute debounces
    assert changed.pk == vote.pk == first.pk
    again = Vote.objects.get()
    assert again.value == -1 and again.conversation_id == conversation.pk
    assert again.created_at == first.created_at  # first voted
    assert again.updated_at >= first.updated_at  # last changed
    services.cast_vote(participant=participant, statement=statement, value=-1)
    assert Vote.objects.get().value == -1


def test_cast_vote_schedules_only_on_commit(conversation, citizen):
    participant = services.participant_for(conversation, user=citizen, create=True)
    with mock.patch("wegov.opinions.tasks.schedule_recompute") as schedule:
        services.cast_vote(participant=participant, statement=_statement(conversation, 1), value=0)
        # The test's transaction never commits: nothing queued.
        schedule.assert_not_called()


def test_cast_vote_does_no_maths(
    conversation, citizen, schedule, django_capture_on_commit_callbacks, monkeypatch
):
    # Forgotten for this test only: monkeypatch puts the modules back, so later
    # tests that patch wegov.opinions.analysis patch the module tasks imports.
    for name in ("wegov.opinions.maths", "wegov.opinions.analysis"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    participant = services.participant_for(conversation, user=citizen, create=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.cast_vote(participant=participant, statement=_statement(conversation, 2), value=1)
    schedule.assert_called_once()
    assert "wegov.opinions.maths" not in sys.modules
    assert "wegov.opinions.analysis" not in sys.modules


@pytest.mark.parametrize("value", [2, -2, None, "agree"])
def test_cast_vote_refuses_unknown_values(conversation, citizen, value):
    participant = services.participant_for(conversation, user=citizen, create=True)
    with pytest.raises(ValidationError):
        services.cast_vote(
            participant=participant, statement=_statement(conversation, 1), value=value
        )
    assert not Vote.objects.exists()


def test_cast_vote_refuses_a_statement_of_another_conversation(conversation, citizen):
    other = make_conversation(statements=SEEDS)
    participant = services.participant_for(conversation, user=citizen, create=True)
    with pytest.raises(ValidationError, match="another conversation"):
        services.cast_vote(participant=participant, statement=_statement(other, 1), value=1)


@pytest.mark.parametrize("state", ["pending", "rejected", "hidden"])
def test_cast_vote_refuses_statements_not_shown(conversation, citizen, state):
    statement = _statement(conversation, 1)
    if state == "hidden":
        statement.is_hidden = True
    else:
        statement.state = state
        statement.rejection_reason = "Off topic" if state == "rejected" else ""
    statement.save()
    participant = services.participant_for(conversation, user=citizen, create=True)
    with pytest.raises(ValidationError, match="not open for votes"):
        services.cast_vote(participant=participant, statement=statement, value=1)


def test_cast_vote_refuses_a_closed_conversation(conversation, citizen):
    participant = services.participant_for(conversation, user=citizen, create=True)
    Conversation.objects.filter(pk=conversation.pk).update(is_open=False)
    participant.refresh_from_db()
    with pytest.raises(PermissionDenied, match="closed"):
        services.cast_vote(participant=participant, statement=_statement(conversation, 1), value=1)


def test_vote_value_parses_names_and_numbers():
    assert [services.vote_value(v) for v in ("agree", "Disagree", "pass", "1", -1, 0)] == [
        1,
        -1,
        0,
        1,
        -1,
        0,
    ]
    for bad in ("maybe", "3", None, ""):
        with pytest.raises(ValidationError):
            services.vote_value(bad)


# --- next_statement ----------------------------------------------------------------------


def test_next_statement_seeds_first_then_fewest_votes(conversation, citizen, other_citizen):
    extra = Statement.objects.create(
        conversation=conversation, number=5, text="Buses are free.", state="accepted"
    )
    me = services.participant_for(conversation, user=citizen, create=True)
    seen = []
    for _ in range(4):
        statement = services.next_statement(conversation, me)
        assert statement.is_seed
        seen.append(statement.number)
        services.cast_vote(participant=me, statement=statement, value=1)
    assert sorted(seen) == [1, 2, 3, 4]
    assert services.next_statement(conversation, me) == extra
    services.cast_vote(participant=me, statement=extra, value=0)
    assert services.next_statement(conversation, me) is None


def test_next_statement_prefers_fewest_votes_among_non_seeds(conversation, citizen):
    Statement.objects.filter(conversation=conversation).update(is_seed=False)
    voters = [make_participant(conversation) for _ in range(3)]
    for number, count in ((1, 3), (2, 1), (3, 2), (4, 3)):
        statement = _statement(conversation, number)
        for voter in voters[:count]:
            Vote.objects.create(
                conversation=conversation, participant=voter, statement=statement, value=1
            )
    me = services.participant_for(conversation, user=citizen, create=True)
    assert services.next_statement(conversation, me).number == 2


def test_next_statement_is_stable_for_a_participant(conversation, citizen):
    me = services.participant_for(conversation, user=citizen, create=True)
    first = services.next_statement(conversation, me)
    assert all(services.next_statement(conversation, me) == first for _ in range(5))


def test_next_statement_order_differs_between_participants(conversation):
    firsts = {
        services.next_statement(conversation, make_participant(conversation)).number
        for _ in range(12)
    }
    assert len(firsts) > 1


def test_next_statement_skips_hidden_and_pending(conversation):
    Statement.objects.filter(conversation=conversation, number=1).update(is_hidden=True)
    Statement.objects.filter(conversation=conversation, number__in=[2, 3]).update(state="pending")
    assert services.next_statement(conversation, None).number == 4


# --- add_statement ------------------------------------------------------------------------


def test_participant_statement_waits_under_pre_moderation(conversation, citizen):
    statement = services.add_statement(
        conversation=conversation, text="  A tram  line\nto the centre. ", user=citizen
    )
    assert statement.number == 5
    assert statement.state == Statement.State.PENDING
    assert statement.text == "A tram line to the centre."
    assert statement.author == citizen and not statement.is_seed
    participant = Participant.objects.get(conversation=conversation, user=citizen)
    assert statement.author_participant == participant
    # As in Pol.is, the author agrees with their own statement.
    assert Vote.objects.get(statement=statement).participant == participant
    assert Vote.objects.get(statement=statement).value == 1


def test_participant_statement_is_shown_at_once_under_post_moderation(
    conversation, citizen, schedule, django_capture_on_commit_callbacks
):
    conversation.moderation = Conversation.Moderation.POST
    conversation.save()
    with django_capture_on_commit_callbacks(execute=True):
        statement = services.add_statement(
            conversation=conversation, text="A tram line.", user=citizen
        )
    assert statement.state == Statement.State.ACCEPTED
    schedule.assert_called_once_with(conversation.pk)


def test_anonymous_participant_statement(conversation):
    participant = services.participant_for(conversation, browser_key="c" * 64, create=True)
    statement = services.add_statement(
        conversation=conversation, text="A tram line.", participant=participant
    )
    assert statement.author is None and statement.author_participant == participant


def test_seed_statements_are_accepted(conversation, process_manager):
    statement = services.add_statement(
        conversation=conversation, text="Parking fees double.", user=process_manager, seed=True
    )
    assert statement.state == Statement.State.ACCEPTED and statement.is_seed
    assert statement.moderated_by == process_manager
    assert not Vote.objects.filter(statement=statement).exists()


def test_only_organisers_write_seed_statements(conversation, citizen):
    with pytest.raises(PermissionDenied):
        services.add_statement(conversation=conversation, text="Seed?", user=citizen, seed=True)


@pytest.mark.parametrize(
    "text",
    [
        "cars should NOT enter the old town.",
        "  Cars   should not enter\tthe old town. ",
        "CARS SHOULD NOT ENTER THE OLD TOWN.",
    ],
)
def test_duplicate_statements_are_refused(conversation, citizen, text):
    with pytest.raises(ValidationError) as info:
        services.add_statement(conversation=conversation, text=text, user=citizen)
    assert "already in the conversation" in " ".join(info.value.messages)
    assert Statement.objects.filter(conversation=conversation).count() == len(SEEDS)


def test_duplicates_of_pending_statements_are_refused(conversation, citizen, other_citizen):
    services.add_statement(conversation=conversation, text="A tram line.", user=citizen)
    with pytest.raises(ValidationError):
        services.add_statement(conversation=conversation, text="a tram LINE.", user=other_citizen)


def test_the_same_text_in_another_conversation_is_fine(conversation, citizen):
    other = make_conversation(statements=SEEDS)
    services.add_statement(conversation=conversation, text="A tram line.", user=citizen)
    assert services.add_statement(conversation=other, text="A tram line.", user=citizen).number == 5


@pytest.mark.parametrize(
    ("text", "message"),
    [("", "Write your statement"), ("   ", "Write your statement"), ("x" * 281, "at most 280")],
)
def test_statement_text_is_checked(conversation, citizen, text, message):
    with pytest.raises(ValidationError, match=message):
        services.add_statement(conversation=conversation, text=text, user=citizen)


def test_280_characters_are_fine(conversation, citizen):
    assert services.add_statement(conversation=conversation, text="y" * 280, user=citizen)


def test_statements_refused_where_not_allowed(conversation, citizen):
    conversation.allow_statements = False
    conversation.save()
    with pytest.raises(PermissionDenied, match="do not take new statements"):
        services.add_statement(conversation=conversation, text="A tram line.", user=citizen)


def test_statements_refused_when_closed(conversation, citizen):
    conversation.is_open = False
    conversation.save()
    with pytest.raises(PermissionDenied, match="closed"):
        services.add_statement(conversation=conversation, text="A tram line.", user=citizen)


def test_statements_refused_to_blocked_users(conversation, citizen):
    from django.utils import timezone

    citizen.blocked_at = timezone.now()
    citizen.save()
    with pytest.raises(PermissionDenied, match="blocked"):
        services.add_statement(conversation=conversation, text="A tram line.", user=citizen)


def test_anonymous_statement_needs_allow_anonymous(citizen):
    closed_door = make_conversation(statements=SEEDS, allow_anonymous=False)
    participant = make_participant(closed_door, browser_key="d" * 64)
    with pytest.raises(PermissionDenied, match="Log in"):
        services.add_statement(
            conversation=closed_door, text="A tram line.", participant=participant
        )


# --- Moderation ----------------------------------------------------------------------------


@pytest.fixture
def pending(conversation, citizen):
    return services.add_statement(conversation=conversation, text="A tram line.", user=citizen)


@pytest.mark.parametrize("role", ["moderator", "process_manager", "admin_user"])
def test_moderators_accept(
    request, pending, role, citizen, schedule, django_capture_on_commit_callbacks
):
    moderator = request.getfixturevalue(role)
    with django_capture_on_commit_callbacks(execute=True):
        statement = services.accept_statement(moderator=moderator, statement=pending)
    assert statement.state == Statement.State.ACCEPTED
    assert statement.moderated_by == moderator and statement.moderated_at
    schedule.assert_called_once_with(pending.conversation_id)
    entry = AuditEntry.objects.get(action="opinions.statement_accepted")
    assert entry.actor == moderator and entry.target_id == str(pending.pk)
    assert entry.before == {"state": "pending", "reason": ""}


def test_moderator_rejects_with_a_reason_and_the_author_is_told(
    pending, moderator, citizen, django_capture_on_commit_callbacks
):
    from wegov.social.models import Notification

    with django_capture_on_commit_callbacks(execute=True):
        statement = services.reject_statement(
            moderator=moderator, statement=pending, reason="  Not a statement:  a question. "
        )
    assert statement.state == Statement.State.REJECTED
    assert statement.rejection_reason == "Not a statement: a question."
    entry = AuditEntry.objects.get(action="opinions.statement_rejected")
    assert entry.after["reason"] == "Not a statement: a question."
    notification = Notification.objects.get(recipient=citizen)
    assert notification.activity.verb == "moderation.statement_rejected"
    assert notification.activity.target_kind == "statement"


def test_accepting_tells_the_author(
    pending, moderator, citizen, django_capture_on_commit_callbacks
):
    from wegov.social.models import Notification

    with django_capture_on_commit_callbacks(execute=True):
        services.accept_statement(moderator=moderator, statement=pending)
    assert Notification.objects.get(recipient=citizen).activity.verb == (
        "moderation.statement_accepted"
    )


@pytest.mark.parametrize("reason", ["", "   ", "r" * 301])
def test_rejection_needs_a_reason(pending, moderator, reason):
    with pytest.raises(ValidationError):
        services.reject_statement(moderator=moderator, statement=pending, reason=reason)
    pending.refresh_from_db()
    assert pending.state == Statement.State.PENDING


@pytest.mark.parametrize("role", ["citizen", "other_citizen", "other_staff"])
def test_others_cannot_moderate(request, pending, role):
    user = request.getfixturevalue(role)
    with pytest.raises(PermissionDenied):
        services.accept_statement(moderator=user, statement=pending)
    with pytest.raises(PermissionDenied):
        services.reject_statement(moderator=user, statement=pending, reason="No")
    with pytest.raises(PermissionDenied):
        services.accept_statement(moderator=None, statement=pending)


def test_decisions_are_not_repeated(pending, moderator):
    services.accept_statement(moderator=moderator, statement=pending)
    with pytest.raises(ValidationError, match="already accepted"):
        services.accept_statement(moderator=moderator, statement=pending)
    with pytest.raises(ValidationError, match="waiting for moderation"):
        services.reject_statement(moderator=moderator, statement=pending, reason="Late")


def test_a_rejected_statement_can_be_accepted_after_all(pending, moderator):
    services.reject_statement(moderator=moderator, statement=pending, reason="Mistake")
    statement = services.accept_statement(moderator=moderator, statement=pending)
    assert statement.state == "accepted" and statement.rejection_reason == ""


# --- Concurrency (PostgreSQL: real row locks) ----------------------------------------------


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
@pytest.mark.django_db(transaction=True)
def test_concurrent_participants_get_distinct_numbers():
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    conversation = make_conversation(statements=SEEDS, allow_anonymous=True)
    keys = [f"{i:064x}" for i in range(12)]

    def join(key):
        try:
            return services.participant_for(conversation, browser_key=key, create=True).number
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=6) as pool:
        numbers = list(pool.map(join, keys))
    assert sorted(numbers) == list(range(1, 13))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
@pytest.mark.django_db(transaction=True)
def test_concurrent_statements_get_distinct_numbers_and_no_duplicates():
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    conversation = make_conversation(statements=SEEDS)
    users = [UserFactory() for _ in range(8)]
    texts = [f"Idea number {i // 2}" for i in range(8)]  # each text twice

    def write(args):
        user, text = args
        try:
            return services.add_statement(conversation=conversation, text=text, user=user).number
        except ValidationError:
            return None
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=8) as pool:
        numbers = list(pool.map(write, zip(users, texts, strict=True)))
    made = sorted(n for n in numbers if n is not None)
    assert made == [5, 6, 7, 8]
    assert Statement.objects.filter(conversation=conversation).count() == 8
