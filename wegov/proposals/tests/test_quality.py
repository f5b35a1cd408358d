"""Quality scores of proposals: computed on create and edit, similar titles in
the same process as possible duplicates, never shown to participants."""

import pytest
from django.urls import reverse

from wegov.processes.tests.factories import ProcessFactory
from wegov.proposals import quality, services
from wegov.proposals.models import Proposal
from wegov.proposals.tests.factories import ProposalFactory

pytestmark = pytest.mark.django_db

BODY = (
    "We want more trees and benches on the market square instead of parked cars, "
    "so that people can meet there."
)


def data(**overrides):
    values = {"title": "A car-free market square", "body": BODY}
    values.update(overrides)
    return services.ProposalData(**values)


def test_create_and_edit_store_the_score(process, citizen):
    proposal = services.proposal_create(actor=citizen, process=process, data=data())
    stored = Proposal.objects.get(pk=proposal.pk)
    assert stored.quality_score == 100
    assert stored.quality_parts[0]["reason"] == "Location: none given (not needed here)"
    services.proposal_update(actor=citizen, proposal=stored, data=data(body="Trees!!!!!!!!"))
    stored.refresh_from_db()
    assert stored.quality_score == 75  # very short: -10; repeated characters: -15
    reasons = [p["reason"] for p in stored.quality_parts]
    assert "Signs of spam: %(issues)s" in reasons


def test_similar_title_in_the_same_process_is_a_possible_duplicate(process, citizen):
    first = ProposalFactory(process=process, title="A car free Market Square!")
    ProposalFactory(process=ProcessFactory(), title="A car-free market square")  # elsewhere
    proposal = services.proposal_create(actor=citizen, process=process, data=data())
    duplicate = next(p for p in proposal.quality_parts if p["name"] == "duplicate")
    assert duplicate["points"] == 0
    assert duplicate["params"]["id"] == first.pk
    assert duplicate["params"]["percent"] == 100


def test_different_titles_are_no_duplicates(process, citizen):
    ProposalFactory(process=process, title="A market square with a fountain and cafés")
    proposal = services.proposal_create(actor=citizen, process=process, data=data())
    duplicate = next(p for p in proposal.quality_parts if p["name"] == "duplicate")
    assert duplicate["points"] == 20


@pytest.mark.parametrize(
    ("a", "b", "similar"),
    [
        ("More benches along the river", "more benches along the River!", True),
        ("More benches along the river", "Fewer cars along the canal", False),
        ("A car-free market square", "The market square, car free", True),
        ("Café on the square", "Cafe on the square", True),
    ],
)
def test_title_similarity(a, b, similar):
    assert (quality.jaccard(quality.tokens(a), quality.tokens(b)) >= 0.6) is similar


def test_duplicate_search_is_one_bounded_query(process, django_assert_num_queries):
    for n in range(5):
        ProposalFactory(process=process, title=f"Unrelated idea number {n}")
    proposal = ProposalFactory(process=process, title="More benches along the river")
    with django_assert_num_queries(1) as captured:
        assert quality.find_duplicate(proposal) is None
    sql = captured.captured_queries[0]["sql"]
    assert "LIKE" in sql.upper() and "LIMIT 200" in sql.upper()


@pytest.mark.parametrize("role", ["anonymous", "citizen", "other_citizen"])
def test_participants_never_see_the_score(as_role, role, process, citizen):
    proposal = services.proposal_create(
        actor=citizen, process=process, data=data(body="Trees!!!!!!!!")
    )
    client, _user = as_role(role)
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert "Signs of spam" not in page and "Quality" not in page
    api = client.get(f"/api/v1/proposals/{proposal.pk}")
    assert api.status_code == 200
    assert "quality" not in api.content.decode()
    listing = client.get(reverse("proposals:list", args=[process.slug])).content.decode()
    assert "Quality" not in listing
