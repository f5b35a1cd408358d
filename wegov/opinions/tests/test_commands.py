"""polis_import, polis_export and opinion_groups, run with call_command on the real exports."""

import filecmp
import io
import json

import pytest
from django.core.management import CommandError, call_command

from wegov.opinions import polis
from wegov.opinions.management.commands import opinion_groups
from wegov.opinions.models import Conversation, OpinionAnalysis, Statement, Vote

from .polis_data import POLIS_DATA, REAL_EXPORTS, REAL_NAMES

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("directory", REAL_EXPORTS, ids=REAL_NAMES)
def test_import_prints_only_the_id_and_export_writes_it_back(directory, tmp_path):
    output = run("polis_import", str(directory))
    conversation = Conversation.objects.get()
    assert output == f"{conversation.pk}\n"
    assert not conversation.is_published and not conversation.is_open
    assert run("polis_export", str(conversation.pk), str(tmp_path / "out")) == ""
    original, exported = polis.read_export(directory), polis.read_export(tmp_path / "out")
    assert {k: v.vote for k, v in exported.latest_votes().items()} == {
        k: v.vote for k, v in original.latest_votes().items()
    }
    assert [(c.id, c.body) for c in exported.comments] == sorted(
        (c.id, c.body) for c in original.comments
    )


def test_import_with_publish_and_slug():
    output = run(
        "polis_import", str(POLIS_DATA / "brexit-consensus"), "--publish", "--slug", "brexit"
    )
    conversation = Conversation.objects.get(pk=int(output))
    assert (conversation.slug, conversation.is_published, conversation.is_open) == (
        "brexit",
        True,
        False,
    )
    assert Vote.objects.filter(conversation=conversation).count() == 5303


def test_export_replaces_files_in_an_existing_directory(tmp_path):
    pk = int(run("polis_import", str(POLIS_DATA / "london.youth.policing")))
    (tmp_path / "comments.csv").write_text("old")
    run("polis_export", str(pk), str(tmp_path))
    assert polis.read_export(tmp_path).topic.startswith("What is the best way")
    run("polis_export", str(pk), str(tmp_path / "again"))
    for name in polis.FILES:
        assert filecmp.cmp(tmp_path / name, tmp_path / "again" / name, shallow=False)


# -- errors: one line, no traceback ---------------------------------------


def _one_line_error(*args) -> str:
    with pytest.raises(CommandError) as info:
        run(*args)
    message = str(info.value)
    assert "\n" not in message and "Traceback" not in message
    return message


def test_import_of_a_missing_directory(tmp_path):
    message = _one_line_error("polis_import", str(tmp_path / "nowhere"))
    assert "is not a directory" in message


def test_import_of_a_directory_without_votes(tmp_path):
    polis.write_export(tmp_path, polis.read_export(POLIS_DATA / "london.youth.policing"))
    (tmp_path / "votes.csv").unlink()
    assert "votes.csv is missing" in _one_line_error("polis_import", str(tmp_path))
    assert not Conversation.objects.exists()


def test_import_of_a_bad_csv(tmp_path):
    polis.write_export(tmp_path, polis.read_export(POLIS_DATA / "london.youth.policing"))
    text = (tmp_path / "votes.csv").read_text().replace(",1\n", ",yes\n", 1)
    (tmp_path / "votes.csv").write_text(text)
    assert "vote is not a whole number" in _one_line_error("polis_import", str(tmp_path))
    assert not Conversation.objects.exists()


def test_import_of_an_inconsistent_export(tmp_path):
    export = polis.read_export(POLIS_DATA / "london.youth.policing")
    export.comments = [c for c in export.comments if c.id != 5]
    polis.write_export(tmp_path, export)
    message = _one_line_error("polis_import", str(tmp_path))
    assert "Cannot import" in message and "lacks: 5" in message
    assert not Conversation.objects.exists()


@pytest.mark.parametrize(
    ("slug", "message"),
    [("bad slug", "is not an address"), ("x" * 81, "is not an address"), ("manage", "taken")],
)
def test_import_with_an_unusable_slug(slug, message):
    assert message in _one_line_error(
        "polis_import", str(POLIS_DATA / "london.youth.policing"), "--slug", slug
    )
    assert not Conversation.objects.exists()


def test_import_with_a_slug_in_use():
    run("polis_import", str(POLIS_DATA / "london.youth.policing"), "--slug", "policing")
    assert "taken" in _one_line_error(
        "polis_import", str(POLIS_DATA / "london.youth.policing"), "--slug", "policing"
    )


@pytest.mark.parametrize("command", ["polis_export", "opinion_groups"])
@pytest.mark.parametrize(
    ("value", "message"),
    [("999999", "There is no conversation with id 999999."), ("abc", "is not a conversation id")],
)
def test_unknown_or_malformed_ids(command, value, message, tmp_path):
    args = (command, value, str(tmp_path)) if command == "polis_export" else (command, value)
    assert message in _one_line_error(*args)


def test_export_into_a_file_path(tmp_path):
    pk = int(run("polis_import", str(POLIS_DATA / "london.youth.policing")))
    (tmp_path / "file").write_text("")
    assert "file" in _one_line_error("polis_export", str(pk), str(tmp_path / "file"))


# -- opinion_groups ----------------------------------------------------------


def _fake_analysis(conversation):
    return OpinionAnalysis.objects.create(
        conversation=conversation,
        vote_count=640,
        participant_count=26,
        grouped_count=24,
        group_count=2,
        silhouette=0.4123,
        input_hash="0" * 64,
        result={
            "version": 1,
            "groups": [
                {
                    "label": 1,
                    "size": 3,
                    "members": [1, 2, 5],
                    "representative": [
                        {"statement": 4, "direction": "agree", "p": 0.83},
                        {"statement": 7, "direction": "disagree", "p": 0.6},
                    ],
                },
                {"label": 2, "size": 2, "members": [3, 4], "representative": []},
            ],
            "consensus": [{"statement": 5, "direction": "agree", "score": 0.6}],
            "divisive": [{"statement": 6, "spread": 0.7}, {"statement": 4, "spread": 0.5}],
        },
    )


@pytest.fixture
def policing(monkeypatch):
    pk = int(run("polis_import", str(POLIS_DATA / "london.youth.policing")))
    conversation = Conversation.objects.get(pk=pk)
    calls = []

    def compute(self, conversation_id):
        calls.append(conversation_id)
        return _fake_analysis(Conversation.objects.get(pk=conversation_id))

    monkeypatch.setattr(opinion_groups.Command, "compute", compute)
    conversation.calls = calls
    return conversation


def test_opinion_groups_json(policing):
    data = json.loads(run("opinion_groups", str(policing.pk), "--json"))
    assert policing.calls == [policing.pk]
    assert data == {
        "conversation": policing.pk,
        "groups": [
            {"label": 1, "size": 3, "members": [1, 2, 5]},
            {"label": 2, "size": 2, "members": [3, 4]},
        ],
        "representative": {"1": [4, 7], "2": []},
        "consensus": [5],
        "divisive": [6, 4],
    }


def test_opinion_groups_readable(policing):
    output = run("opinion_groups", str(policing.pk))
    text4 = Statement.objects.get(conversation=policing, number=4).text
    lines = output.splitlines()
    assert lines[0] == f"Conversation {policing.pk}: {policing.topic}"
    assert lines[1] == (
        "26 participants cast 640 votes; 24 are in 2 opinion groups, silhouette 0.41."
    )
    assert "Group 1: 3 participants" in lines
    assert "Group 2: 2 participants" in lines
    assert f"  #4    83% agree    {text4[:69]}" in output
    assert "  #5    all agree" in output
    assert "  #6    spread 0.70" in output


def test_opinion_groups_when_too_few_participants(monkeypatch):
    pk = int(run("polis_import", str(POLIS_DATA / "london.youth.policing")))
    monkeypatch.setattr(opinion_groups.Command, "compute", lambda self, i: None)
    assert json.loads(run("opinion_groups", str(pk), "--json")) == {
        "conversation": pk,
        "groups": [],
        "representative": {},
        "consensus": [],
        "divisive": [],
    }
    assert "Too few participants" in run("opinion_groups", str(pk))


@pytest.mark.parametrize("name", ["brexit-consensus", "london.youth.policing"])
def test_opinion_groups_on_real_data(name, tmp_path):
    pk = int(run("polis_import", str(POLIS_DATA / name)))
    data = json.loads(run("opinion_groups", str(pk), "--json"))
    analysis = OpinionAnalysis.objects.get(conversation_id=pk)
    assert data["conversation"] == pk
    assert [g["label"] for g in data["groups"]] == list(range(1, analysis.group_count + 1))
    members = [m for g in data["groups"] for m in g["members"]]
    assert len(members) == len(set(members)) == analysis.grouped_count
    assert set(members) <= set(polis.read_export(POLIS_DATA / name).voter_ids())
    assert all(g["size"] == len(g["members"]) for g in data["groups"])
    shown = set(
        Statement.objects.shown().filter(conversation_id=pk).values_list("number", flat=True)
    )
    listed = data["consensus"] + data["divisive"]
    listed += [n for numbers in data["representative"].values() for n in numbers]
    assert listed and set(listed) <= shown
    # The export names each member's group, counted from 0.
    run("polis_export", str(pk), str(tmp_path))
    groups = polis.read_export(tmp_path).groups()
    for group in data["groups"]:
        assert {groups[m] for m in group["members"]} == {group["label"] - 1}
    readable = run("opinion_groups", str(pk))
    assert f"Group 1: {data['groups'][0]['size']} participants" in readable
    assert OpinionAnalysis.objects.filter(conversation_id=pk).count() == 2
