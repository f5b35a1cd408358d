from collections import Counter

import pytest

from wegov.budgeting.pb import Instance, PabulibError, Project, Vote, dumps, loads, read, write

from .data import DATA, FILES


def test_the_reference_files_are_there():
    assert len(FILES) == 10


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_every_real_file_loads(path):
    instance = read(path)
    meta = instance.meta
    assert instance.budget > 0
    assert len(instance.projects) == int(meta["num_projects"])
    assert len(instance.votes) == int(meta["num_votes"])
    assert instance.vote_type in ("approval", "ordinal", "cumulative", "choose-1")
    # the PROJECTS 'votes' column counts the ballots naming the project
    counts = Counter(p for vote in instance.votes for p in vote.projects)
    for project in instance.projects.values():
        assert project.cost >= 0
        if "votes" in project.fields:
            assert counts[project.id] == int(project.fields["votes"]), project.id
    for vote in instance.votes:
        if instance.vote_type == "cumulative":
            assert len(vote.points) == len(vote.projects)
            assert sum(vote.points) <= int(meta["max_sum_points"])
        else:
            assert vote.points == ()
        if instance.vote_type == "choose-1":
            assert len(vote.projects) == 1


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_every_real_file_round_trips(path, tmp_path):
    instance = read(path)
    assert loads(dumps(instance)) == instance
    write(instance, tmp_path / "x.pb")
    assert read(tmp_path / "x.pb") == instance


def test_vote_types_are_all_represented():
    types = {read(path).vote_type for path in FILES}
    assert types == {"approval", "ordinal", "cumulative", "choose-1"}


def test_details_of_known_files():
    krakow = read(DATA / "Poland_Krakow_2019_Bienczyce.pb")
    assert krakow.vote_type == "ordinal"
    assert krakow.votes[0] == Vote(
        voter_id="12", projects=("4", "11", "14"), fields={"voting_method": "internet"}
    )
    czesto = read(DATA / "Poland_Czestochowa_2024_Stare_Miasto.pb")
    assert czesto.votes[0].points == (10,)
    assert czesto.projects["587"].cost == 16000
    assert czesto.projects["587"].fields["selected"] == "1"
    assert czesto.meta["currency"] == "PLN"
    wieliczka = read(DATA / "Poland_Wieliczka_2023_Green_Budget.pb")
    assert wieliczka.projects["24"].fields["latitude"] == "49.9873919"
    assert wieliczka.projects["24"].name.startswith("Zakup 10 fotopułapek")


TEXT = """META
key;value
budget;100
vote_type;cumulative
PROJECTS
project_id;cost;name;category
a;60;"Park; with a semicolon";green
b;50;"A ""quoted"" name";
VOTES
voter_id;vote;points;age
1;a,b;3,2;40
2;b;5;
3;;;
"""


def test_quoting_points_and_empty_cells():
    instance = loads(TEXT)
    assert instance.budget == 100
    assert instance.projects["a"] == Project(
        "a", 60, "Park; with a semicolon", {"category": "green"}
    )
    assert instance.projects["b"].name == 'A "quoted" name'
    assert instance.projects["b"].fields == {}
    assert instance.votes == [
        Vote("1", ("a", "b"), (3, 2), {"age": "40"}),
        Vote("2", ("b",), (5,)),
        Vote("3", ()),
    ]
    assert loads(dumps(instance)) == instance


def test_crlf_bom_and_decimal_costs():
    text = "\ufeff" + TEXT.replace("a;60;", "a;60.0;").replace("\n", "\r\n")
    instance = loads(text)
    assert instance.projects["a"].cost == 60
    assert instance == loads(TEXT)


def test_a_built_instance_round_trips():
    instance = Instance(
        meta={"budget": "10", "vote_type": "ordinal", "description": "Ünïcode; text"},
        projects={"p1": Project("p1", 4, "One"), "p2": Project("p2", 7)},
        votes=[Vote("v1", ("p2", "p1")), Vote("v2", ("p1",), fields={"sex": "F"})],
    )
    assert loads(dumps(instance)) == instance


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("budget;1\n", "does not start"),
        ("META\nkey;value\nbudget;1\n", "no PROJECTS"),
        ("PROJECTS\nproject_id;name\na;x\n", "lacks cost"),
        ("PROJECTS\nproject_id;cost\na;ten\n", "not a number"),
        ("PROJECTS\nproject_id;cost\na;10.5\n", "not a whole number"),
        ("PROJECTS\nproject_id;cost\na;-1\n", "negative"),
        ("PROJECTS\nproject_id;cost\na;1\na;2\n", "twice"),
        ("PROJECTS\nproject_id;cost\na;1;3\n", "cells"),
        ("PROJECTS\nproject_id;cost\na;1\nVOTES\nvoter_id;vote\n1;b\n", "unknown project"),
        ("PROJECTS\nproject_id;cost\na;1\nVOTES\nvoter_id;vote\n1;a\n1;a\n", "appears twice"),
        ("PROJECTS\nproject_id;cost\na;1\nVOTES\nvoter_id;vote\n1;a,a\n", "twice"),
        ("PROJECTS\nproject_id;cost\na;1\nVOTES\nvoter_id;vote;points\n1;a;1,2\n", "points"),
        ("PROJECTS\nproject_id;cost\na;1\nPROJECTS\nproject_id;cost\n", "twice"),
    ],
)
def test_bad_text_is_refused_with_a_reason(text, message):
    with pytest.raises(PabulibError, match=message):
        loads(text)


def test_missing_budget_is_reported():
    with pytest.raises(PabulibError, match="no budget"):
        loads("PROJECTS\nproject_id;cost\na;1\n").budget  # noqa: B018
