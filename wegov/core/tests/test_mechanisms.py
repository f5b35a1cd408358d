"""Domain events, audit log, sanitising, contribution registry."""

import pytest
from django.db import transaction

from wegov.core import events, registry
from wegov.core.audit import audit
from wegov.core.models import AuditEntry
from wegov.core.sanitize import clean_rich_text


@pytest.fixture
def recorder():
    calls = []

    def handler(**payload):
        calls.append(payload)

    events.subscribe("test.happened")(handler)
    yield calls
    events.unsubscribe("test.happened", handler)


@pytest.mark.django_db(transaction=True)
def test_event_handlers_run_after_commit(recorder):
    with transaction.atomic():
        events.emit("test.happened", item=1)
        assert recorder == []  # not before the write is durable
    assert recorder == [{"item": 1}]


@pytest.mark.django_db(transaction=True)
def test_event_of_rolled_back_write_is_never_dispatched(recorder):
    with pytest.raises(RuntimeError), transaction.atomic():
        events.emit("test.happened", item=2)
        raise RuntimeError("boom")
    assert recorder == []


@pytest.mark.django_db(transaction=True)
def test_failing_handler_does_not_stop_others(recorder):
    def broken(**payload):
        raise ValueError("broken subscriber")

    events.subscribe("test.happened")(broken)
    try:
        events.emit("test.happened", item=3)
    finally:
        events.unsubscribe("test.happened", broken)
    assert recorder == [{"item": 3}]


def test_subscribing_twice_registers_once(recorder):
    handler = events.handlers_for("test.happened")[0]
    events.subscribe("test.happened")(handler)
    assert events.handlers_for("test.happened").count(handler) == 1


@pytest.mark.django_db
def test_audit_records_who_what_and_states(citizen, admin_user):
    entry = audit(
        actor=admin_user,
        action="user.roles_changed",
        target=citizen,
        before={"is_moderator": False},
        after={"is_moderator": True},
    )
    entry.refresh_from_db()
    assert entry.actor == admin_user
    assert entry.target_type == "accounts.user"
    assert entry.target_id == str(citizen.pk)
    assert entry.before == {"is_moderator": False}
    assert entry.after == {"is_moderator": True}


@pytest.mark.django_db
def test_audit_of_anonymous_actor_has_no_actor():
    from django.contrib.auth.models import AnonymousUser

    entry = audit(actor=AnonymousUser(), action="something")
    assert entry.actor is None
    assert AuditEntry.objects.count() == 1


@pytest.mark.parametrize(
    ("dirty", "forbidden"),
    [
        ("<script>alert(1)</script><p>hi</p>", "<script"),
        ('<img src=x onerror="alert(1)">', "onerror"),
        ('<a href="javascript:alert(1)">x</a>', "javascript:"),
        ('<p style="color:red" onclick="x()">y</p>', "onclick"),
        ("<iframe src='https://evil.example'></iframe>", "<iframe"),
        ("<svg><script>alert(1)</script></svg>", "<svg"),
    ],
)
def test_rich_text_is_sanitised(dirty, forbidden):
    assert forbidden not in clean_rich_text(dirty).lower()


def test_rich_text_keeps_safe_markup_and_marks_links():
    html = clean_rich_text('<p><strong>Yes</strong> <a href="https://x.example/">link</a></p>')
    assert "<strong>Yes</strong>" in html
    assert 'rel="noopener noreferrer nofollow ugc"' in html


def test_registry_refuses_two_models_under_one_kind():
    from wegov.accounts.models import Organisation

    kind = registry.ContributionKind(
        kind="dup", label="Dup", model=AuditEntry, author_field="actor", present=lambda o: None
    )
    registry.register(kind)
    try:
        with pytest.raises(ValueError, match="already registered"):
            registry.register(
                registry.ContributionKind(
                    kind="dup",
                    label="Dup",
                    model=Organisation,
                    author_field="x",
                    present=lambda o: None,
                )
            )
    finally:
        registry.unregister("dup")
