"""Downloads of the Pol.is openData files (views_export): who may, and what they hold."""

import io
import zipfile

import pytest
from django.urls import reverse

from wegov.accounts.tests.factories import UserFactory
from wegov.opinions import importexport, polis
from wegov.opinions.models import Conversation, Participant, Statement, Vote
from wegov.processes.tests.factories import ProcessFactory

from .polis_data import POLIS_DATA

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "citizen",
    "other_staff",
    "moderator",
    "staff",
    "process_manager",
    "admin_user",
]
MANAGERS = {"process_manager", "admin_user"}
NAMES = ["comments", "votes", "participants-votes", "summary"]


@pytest.fixture
def policing():
    export = polis.read_export(POLIS_DATA / "london.youth.policing")
    return importexport.import_export(export, publish=True)


def _url(conversation, name):
    if name == "zip":
        return reverse("opinions:export_zip", args=[conversation.slug])
    return reverse("opinions:export", args=[conversation.slug, name])


def _make(state, conversation):
    if state == "unpublished":
        conversation.is_published = False
    elif state == "in an unpublished process":
        conversation.process = ProcessFactory(is_published=False)
    conversation.save()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("state", ["published", "unpublished", "in an unpublished process"])
@pytest.mark.parametrize("name", [*NAMES, "zip"])
def test_who_may_download(as_role, policing, role, state, name):
    _make(state, policing)
    client, _ = as_role(role)
    response = client.get(_url(policing, name))
    allowed = state == "published" or role in MANAGERS
    assert response.status_code == (200 if allowed else 404)


@pytest.mark.parametrize("name", NAMES)
def test_a_csv_file_is_an_attachment_in_the_polis_format(client, policing, name):
    response = client.get(_url(policing, name))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="london-youth-policing-{name}.csv"'
    )
    exported = importexport.export_conversation(policing, public=True)
    assert response.content.decode() == polis.WRITERS[f"{name}.csv"](exported)


def test_the_zip_holds_the_four_files_which_read_as_an_export(client, policing, tmp_path):
    response = client.get(_url(policing, "zip"))
    assert response["Content-Type"] == "application/zip"
    assert (
        response["Content-Disposition"] == 'attachment; filename="london-youth-policing-polis.zip"'
    )
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert sorted(archive.namelist()) == sorted(
            f"london-youth-policing/{name}" for name in polis.FILES
        )
        archive.extractall(tmp_path)
    export = polis.read_export(tmp_path / "london-youth-policing")
    original = polis.read_export(POLIS_DATA / "london.youth.policing")
    assert export.matrix_votes() == original.matrix_votes()
    # Removed statements keep their number and votes, not their text.
    assert {c.id for c in export.comments if c.body == ""} == original.removed_comment_ids()


@pytest.mark.parametrize("name", ["other", "comments.json", "polis", "../summary", "COMMENTS"])
def test_other_names_are_404(client, policing, name):
    assert client.get(f"/conversations/{policing.slug}/export/{name}.csv").status_code == 404


def test_unknown_conversation_is_404(client):
    assert client.get("/conversations/nothing/export/votes.csv").status_code == 404
    assert client.get("/conversations/nothing/export/polis.zip").status_code == 404


def test_post_is_refused(client, policing):
    assert client.post(_url(policing, "votes")).status_code == 405
    assert client.post(_url(policing, "zip")).status_code == 405


def test_participants_are_numbers_never_users_or_names(client, monkeypatch):
    # summary.csv links the detail page, which is the participation helper's
    monkeypatch.setattr(Conversation, "get_absolute_url", lambda c: f"/conversations/{c.slug}/")
    conversation = Conversation.objects.create(slug="ours", topic="Ours", is_published=True)
    user = UserFactory(display_name="Zelda Uniquename", email="zelda@example.org")
    participant = Participant.objects.create(conversation=conversation, number=3, user=user)
    Participant.objects.create(conversation=conversation, number=0, browser_key="b" * 64)
    statement = Statement.objects.create(
        conversation=conversation, number=0, text="=HYPERLINK(1)", author=user, state="accepted"
    )
    Statement.objects.create(
        conversation=conversation, number=1, text="Pending words", author=user, state="pending"
    )
    Vote.objects.create(
        conversation=conversation, participant=participant, statement=statement, value=1
    )
    texts = [client.get(_url(conversation, name)).content.decode() for name in NAMES]
    everything = "\n".join(texts)
    for secret in ("Zelda", "Uniquename", "zelda@example.org", "b" * 64, "Pending words"):
        assert secret not in everything
    # votes.csv and participants-votes.csv name participant 3, never user.pk
    assert texts[1].splitlines()[1].split(",")[2:] == ["0", "3", "1"]
    assert [row.split(",")[0] for row in texts[2].splitlines()[1:]] == ["3"]
    assert "'=HYPERLINK(1)" in texts[0]  # a formula is quoted for spreadsheets


def test_the_download_query_count_is_flat(client, policing, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        assert client.get(_url(policing, "votes")).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(_url(policing, "zip")).status_code == 200
