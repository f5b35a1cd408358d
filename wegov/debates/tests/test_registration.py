"""Debates in the contribution registry: presentation, comment policy, personal data."""

import pytest

from wegov.core import personal_data, registry
from wegov.debates import services
from wegov.debates.tests.factories import DebateFactory
from wegov.processes.models import PhaseKind
from wegov.processes.tests.factories import ProcessFactory, TopicFactory, set_active_phase

pytestmark = pytest.mark.django_db


def test_the_debate_kind_is_registered_with_stances():
    kind = registry.get_kind("debate")
    assert kind.comment_stances is True
    assert kind.commentable and kind.flaggable
    assert kind.hidden_field == "is_hidden"


def test_present(citizen):
    topic = TopicFactory(slug="green")
    debate = DebateFactory(author=citizen, topic=topic, description="d" * 300)
    shown = registry.kind_of(debate).present(debate)
    assert shown.kind == "debate" and shown.id == debate.pk
    assert shown.url == f"/processes/{debate.process.slug}/debates/{debate.pk}/"
    assert shown.process_id == debate.process_id and shown.author_id == citizen.pk
    assert shown.status == "open" and shown.category == "green"
    assert len(shown.summary) == 200 and shown.public
    debate.is_hidden = True
    assert not registry.kind_of(debate).present(debate).public


def test_comment_policy(citizen):
    policy = registry.get_kind("debate").comment_policy
    debate = DebateFactory()  # debate phase: takes comments and debates
    assert policy(citizen, debate) is None
    set_active_phase(debate.process, PhaseKind.PROPOSALS)  # comments, not debates
    assert policy(citizen, debate) is None
    set_active_phase(debate.process, PhaseKind.EVALUATION)  # neither
    assert "current phase" in policy(citizen, debate)
    closed = DebateFactory(closed=True)
    assert policy(citizen, closed) == "This debate is closed."
    hidden = DebateFactory(is_hidden=True)
    assert "hidden" in policy(citizen, hidden)
    unpublished = DebateFactory(process=ProcessFactory(is_published=False, phase=PhaseKind.DEBATE))
    assert policy(citizen, unpublished) is not None


def test_personal_data_export_and_erase(citizen, staff):
    own = DebateFactory(author=citizen)
    closed = DebateFactory(author=citizen)
    closed = services.debate_close(actor=citizen, debate=closed, conclusion="Enough said.")
    exported = list(registry.get_kind("debate").authored_by(citizen))
    assert {d.pk for d in exported} == {own.pk, closed.pk}
    row = registry.get_kind("debate").export_row(closed)
    assert row["conclusion"] == "Enough said." and row["title"] == closed.title
    (section,) = [s for s in personal_data.sections() if s.name == "debates"]
    assert [d["id"] for d in section.export(citizen)["closed_debates"]] == [closed.pk]
    section.erase(citizen)  # debates stay: others argued in them
    assert own.__class__.objects.filter(author=citizen).count() == 2
