import dataclasses

import pytest

from wegov.budgeting.pb import (
    REASONS,
    Instance,
    PabulibError,
    Project,
    Vote,
    input_hash,
    read,
    satisfied_voter_share,
    tally,
    votes_and_scores,
)

from .data import FILES

GREEDY_FILES = [p for p in FILES if read(p).meta["rule"].startswith("greedy")]


def test_greedy_files_cover_the_three_variants():
    rules = {read(p).meta["rule"] for p in GREEDY_FILES}
    assert rules == {"greedy", "greedy-threshold", "greedy-no-skip"}


@pytest.mark.parametrize("path", GREEDY_FILES, ids=lambda p: p.stem)
def test_greedy_reproduces_the_city_outcome(path):
    instance = read(path)
    outcome = tally(instance, "greedy")
    with_column = [p for p in instance.projects.values() if "selected" in p.fields]
    if with_column:
        expected = {p.id for p in with_column if p.fields["selected"] == "1"}
        assert set(outcome.selected) == expected
    else:  # Amsterdam 523 publishes no outcome: check the rule's own invariants
        assert outcome.selected == ["41597", "41600"]
    spent = sum(instance.projects[p].cost for p in outcome.selected)
    assert spent <= instance.budget
    assert int(outcome.detail["spent"]) == spent
    assert list(outcome.projects) == list(instance.projects)
    for project_id, result in outcome.projects.items():
        assert result.id == project_id
        assert result.reason in REASONS
        assert result.selected == (project_id in outcome.selected)
        if result.selected:
            assert outcome.selected[result.round - 1] == project_id
        else:
            assert result.round is None
        if "votes" in instance.projects[project_id].fields:
            assert result.votes == int(instance.projects[project_id].fields["votes"])
        if "score" in instance.projects[project_id].fields:
            assert result.score == int(instance.projects[project_id].fields["score"])
    assert outcome.input_hash == input_hash(instance)


def test_threshold_and_no_skip_come_from_meta():
    miedzeszyn = next(p for p in GREEDY_FILES if "Miedzeszyn" in p.name)
    instance = read(miedzeszyn)
    outcome = tally(instance, "greedy")
    assert outcome.options == {"threshold": 46, "no_skip": False}
    assert outcome.projects["380"].reason == "did_not_fit"
    stricter = tally(instance, "greedy", threshold=195)
    assert stricter.selected == ["1002"]
    assert stricter.projects["378"].reason == "below_threshold"
    wroclaw = read(next(p for p in GREEDY_FILES if "Wroclaw" in p.name))
    outcome = tally(wroclaw, "greedy")
    assert outcome.options["no_skip"] is True
    assert outcome.projects["150"].reason == "did_not_fit"  # withdrawn: costs over the budget
    assert outcome.projects["571"].reason == "did_not_fit"


def _vote(i, spec):
    """ "ab" = approves a and b; ["10", "9"] = ids longer than a letter;
    ("ab", (1, 4)) = cumulative points."""
    if isinstance(spec, tuple):
        return Vote(str(i), tuple(spec[0]), tuple(spec[1]))
    return Vote(str(i), tuple(spec))


def small(votes, costs, budget, vote_type="approval", **meta):
    return Instance(
        meta={"budget": str(budget), "vote_type": vote_type, **meta},
        projects={pid: Project(pid, cost) for pid, cost in costs.items()},
        votes=[_vote(i, spec) for i, spec in enumerate(votes)],
    )


def test_greedy_skips_what_does_not_fit_and_explains():
    instance = small(["abc", "ab", "a", "c"], {"a": 60, "b": 50, "c": 30}, 100)
    outcome = tally(instance, "greedy")
    assert outcome.selected == ["a", "c"]
    b = outcome.projects["b"]
    assert (b.reason, b.votes, b.detail["remaining_before"]) == ("did_not_fit", 2, "40")
    c = outcome.projects["c"]
    assert (c.reason, c.round, c.detail["remaining_after"]) == ("funded", 2, "10")


def test_no_skip_stops_at_the_first_project_that_does_not_fit():
    instance = small(["abc", "ab", "a", "c"], {"a": 60, "b": 50, "c": 30}, 100)
    outcome = tally(instance, "greedy", no_skip=True)
    assert outcome.selected == ["a"]
    assert outcome.projects["c"].reason == "greedy_stopped"
    assert outcome.projects["c"].detail["stopped_at"] == "b"


def test_ties_go_to_the_lower_id_as_text():
    instance = small([["x"], ["10"], ["9"]], {"9": 60, "10": 60, "x": 60}, 100)
    assert tally(instance, "greedy").selected == ["10"]
    assert tally(instance, "greedy").projects["9"].reason == "did_not_fit"


def test_below_threshold():
    instance = small(["a", "a", "b"], {"a": 10, "b": 10}, 100, min_project_score_threshold="2")
    outcome = tally(instance, "greedy")
    assert outcome.selected == ["a"]
    assert outcome.projects["b"].reason == "below_threshold"
    assert outcome.projects["b"].detail["threshold"] == "2"


def test_cumulative_and_ordinal_scores():
    cumulative = small(
        [("ab", (1, 4)), ("a", (2,)), ("b", (1,))], {"a": 50, "b": 50}, 50, "cumulative"
    )
    assert votes_and_scores(cumulative) == ({"a": 2, "b": 2}, {"a": 3, "b": 5})
    assert tally(cumulative, "greedy").selected == ["b"]
    ordinal = small(["ab", "ba", "b"], {"a": 50, "b": 50}, 50, "ordinal", max_length="3")
    assert votes_and_scores(ordinal)[1] == {"a": 3 + 2, "b": 2 + 3 + 3}
    without_max = dataclasses.replace(ordinal, meta={"budget": "50", "vote_type": "ordinal"})
    assert votes_and_scores(without_max)[1] == {"a": 2 + 1, "b": 1 + 2 + 2}


def test_unknown_rule_or_option_is_refused():
    instance = small(["a"], {"a": 1}, 1)
    with pytest.raises(PabulibError, match="unknown rule"):
        tally(instance, "borda")
    with pytest.raises(TypeError, match="unknown greedy options: skip"):
        tally(instance, "greedy", skip=True)


def test_input_hash_depends_on_what_decides_the_outcome_only():
    instance = small(["ab", "a"], {"a": 60, "b": 50}, 100)
    digest = input_hash(instance)
    assert len(digest) == 64
    renamed = dataclasses.replace(
        instance,
        votes=[Vote("z", ("a",)), Vote("y", ("b", "a"), fields={"age": "30"})],
        projects={pid: dataclasses.replace(p, name="x") for pid, p in instance.projects.items()},
    )
    assert input_hash(renamed) == digest
    assert input_hash(small(["ab", "a"], {"a": 60, "b": 50}, 101)) != digest
    assert input_hash(small(["ab", "b"], {"a": 60, "b": 50}, 100)) != digest
    assert input_hash(small(["ab", "a"], {"a": 60, "b": 51}, 100)) != digest
    assert input_hash(small(["ab", "a", "a"], {"a": 60, "b": 50}, 100)) != digest
    # for ranked ballots the order counts
    ranked = small(["ab"], {"a": 1, "b": 1}, 1, "ordinal")
    assert input_hash(ranked) != input_hash(small(["ba"], {"a": 1, "b": 1}, 1, "ordinal"))


def test_satisfied_voter_share():
    instance = small(["ab", "a", "c", "bc"], {"a": 1, "b": 1, "c": 1}, 1)
    assert satisfied_voter_share(instance, ["a"]) == 0.5
    assert satisfied_voter_share(instance, ["a", "c"]) == 1.0
    assert satisfied_voter_share(instance, []) == 0.0
    assert satisfied_voter_share(small([], {"a": 1}, 1), ["a"]) == 0.0
