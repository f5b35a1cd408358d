"""opinions.maths: groups found, projection, repness, consensus, labels (no database)."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.decomposition import PCA
from sklearn.metrics import adjusted_rand_score

from wegov.opinions import maths
from wegov.opinions.synthetic import planted


def analyse(conv, **kwargs):
    return maths.analyse(
        conv.rows,
        conv.cols,
        conv.values,
        conv.participant_numbers,
        conv.statement_numbers,
        **kwargs,
    )


def ari(conv, analysis):
    found = analysis.labels_by_member()
    members = sorted(found)
    return adjusted_rand_score(conv.groups[members], [found[m] for m in members])


@pytest.mark.parametrize("groups", [2, 3, 4])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_planted_groups_are_found(groups, seed):
    conv = planted(participants=300, statements=60, groups=groups, seed=seed)
    analysis = analyse(conv)
    assert analysis.group_count == groups
    assert ari(conv, analysis) >= 0.9


def test_sparse_voters_are_kept_out_below_min_votes():
    conv = planted(participants=90, statements=40, groups=2, seed=4)
    # Participants 90..99 vote on 6 statements each: one short of min_votes.
    extra_rows = np.repeat(np.arange(90, 100), 6)
    extra_cols = np.tile(np.arange(6), 10)
    analysis = maths.analyse(
        np.concatenate([conv.rows, extra_rows]), np.concatenate([conv.cols, extra_cols]),
        np.concatenate([conv.values, np.ones(60, dtype=int)]), np.arange(100),
        conv.statement_numbers, min_votes=7,
    )  # fmt: skip
    grouped = analysis.labels_by_member()
    assert not set(range(90, 100)) & set(grouped)
    assert len(grouped) == analysis.grouped_count == 90
    assert analysis.participant_count == 100
    assert analysis.vote_count == len(conv.values) + 60
    assert maths.analyse(
        np.concatenate([conv.rows, extra_rows]), np.concatenate([conv.cols, extra_cols]),
        np.concatenate([conv.values, np.ones(60, dtype=int)]), np.arange(100),
        conv.statement_numbers, min_votes=6,
    ).grouped_count == 100  # fmt: skip
    # With fewer statements than min_votes, voting on all of them is enough.
    few = planted(participants=30, statements=5, groups=2, seed=4, density=(1.0, 1.0))
    assert analyse(few, min_votes=7).grouped_count == 30


def test_too_few_participants_give_no_analysis():
    conv = planted(participants=3, statements=10, groups=2, seed=1, density=(1, 1))
    assert analyse(conv) is None
    assert maths.analyse([], [], [], [], []) is None


def test_everyone_voting_alike_gives_no_groups():
    rows = np.repeat(np.arange(10), 8)
    cols = np.tile(np.arange(8), 10)
    assert maths.analyse(rows, cols, np.ones(80), np.arange(10), np.arange(8)) is None


def _dense_imputed(rows, cols, values, shape):
    dense = np.full(shape, np.nan)
    dense[rows, cols] = values
    means = np.nanmean(dense, axis=0)
    return np.where(np.isnan(dense), means, dense)


@pytest.mark.parametrize("gram", [True, False], ids=["gram-eigh", "svds"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_sparse_projection_equals_pca_of_dense_imputed_matrix(monkeypatch, gram, seed):
    monkeypatch.setattr(maths, "GRAM_MAX_STATEMENTS", 10_000 if gram else 0)
    conv = planted(participants=60, statements=25, groups=3, seed=seed, density=(0.3, 0.8))
    shape = (60, 25)
    dense = _dense_imputed(conv.rows, conv.cols, conv.values, shape)
    pca = PCA(n_components=2).fit(dense)
    ours = maths.project(conv.rows, conv.cols, conv.values.astype(float), shape, seed=seed)
    for mine, theirs in zip(ours.components, pca.components_, strict=True):
        assert abs(abs(mine @ theirs) - 1) < 1e-8  # the same axis, up to sign
    signs = np.sign(np.sum(ours.components * pca.components_, axis=1))
    voted = np.bincount(conv.rows, minlength=60)
    unscaled = ours.points / np.sqrt(25 / voted)[:, None]
    np.testing.assert_allclose(unscaled, pca.transform(dense) * signs, atol=1e-9)
    np.testing.assert_allclose(
        ours.explained_variance_ratio, pca.explained_variance_ratio_, rtol=1e-8
    )


def test_projection_scales_sparse_voters_outwards():
    # Participant 2 votes like participant 0 on half the statements only.
    rows = np.array([0, 0, 0, 0, 1, 1, 1, 1, 2, 2])
    cols = np.array([0, 1, 2, 3, 0, 1, 2, 3, 0, 1])
    values = np.array([1, 1, -1, -1, -1, -1, 1, 1, 1, 1], dtype=float)
    points = maths.project(rows, cols, values, (3, 4)).points
    centred, _ = maths.centred_matrix(rows, cols, values, (3, 4))
    components, _ = maths.principal_components(centred)
    raw = centred @ components.T
    np.testing.assert_allclose(points[2], raw[2] * math.sqrt(4 / 2))
    np.testing.assert_allclose(points[0], raw[0])


def test_pol_is_tests_by_hand():
    # 3 of 3 agree in the group, 0 of 3 outside.
    assert maths.prop_test(3, 3) == pytest.approx(2 * 2 * (4 / 4 - 0.5))
    p_hat = 5 / 8
    expected = (4 / 4 - 1 / 4) / math.sqrt(p_hat * (1 - p_hat) * (1 / 4 + 1 / 4))
    assert maths.two_prop_test(3, 0, 3, 3) == pytest.approx(expected)
    assert maths.two_prop_test(3, 3, 3, 3) == pytest.approx(0)
    assert float(maths.smoothed(3, 3)) == pytest.approx(0.8)


def test_repness_on_a_hand_computed_case():
    # Two groups of 3 and 3; statement 10: group A agrees 3/3, group B disagrees 3/3;
    # statement 11: both agree 3/3 (not representative); statement 12: A 1 agree,
    # 1 disagree, 1 pass.
    agree = np.array([[3, 3, 1], [0, 3, 0]])
    disagree = np.array([[0, 0, 1], [3, 0, 1]])
    seen = np.array([[3, 3, 3], [3, 3, 1]])
    stats = maths.repness(agree, disagree, seen)
    assert stats["pa"][0, 0] == pytest.approx(0.8)
    assert stats["pa_rest"][0, 0] == pytest.approx(0.2)
    assert stats["ra"][0, 0] == pytest.approx(4.0)
    assert stats["pat"][0, 0] == pytest.approx(2.0)
    z_rest = 0.75 / math.sqrt(5 / 8 * 3 / 8 * 0.5)
    assert stats["rat"][0, 0] == pytest.approx(z_rest)
    numbers = np.array([10, 11, 12])
    rep_a = maths.representative(stats, agree, disagree, seen, 0, numbers)
    assert rep_a == [
        {
            "statement": 10,
            "direction": "agree",
            "agree": 3,
            "disagree": 0,
            "pass": 0,
            "p": 0.8,
            "p_rest": 0.2,
            "ratio": 4.0,
            "z": 2.0,
            "z_rest": round(z_rest, 4),
        }
    ]
    assert 4.0 * z_rest * 0.8 * 2.0 == pytest.approx(14.0217, abs=1e-4)  # its repness metric
    rep_b = maths.representative(stats, agree, disagree, seen, 1, numbers)
    assert [(r["statement"], r["direction"]) for r in rep_b] == [(10, "disagree")]
    assert rep_b[0]["p"] == pytest.approx(0.8) and rep_b[0]["p_rest"] == pytest.approx(0.2)


def test_representative_statements_are_ranked_and_at_most_five():
    conv = planted(participants=200, statements=40, groups=2, seed=5, shared=0)
    analysis = analyse(conv)
    for group in analysis.groups:
        reps = group.representative
        assert 1 <= len(reps) <= maths.REPRESENTATIVE_MAX
        metric = [r["ratio"] * r["z_rest"] * r["p"] * r["z"] for r in reps]
        assert metric == sorted(metric, reverse=True)
        assert all(r["z"] > maths.Z_90 and r["z_rest"] > maths.Z_90 for r in reps)
        for r in reps:
            counts = analysis.statements[str(r["statement"])]["groups"][str(group.label)]
            assert (r["agree"], r["disagree"], r["pass"]) == (
                counts["agree"], counts["disagree"], counts["pass"]
            )  # fmt: skip


def test_consensus_and_divisive_on_a_constructed_case():
    # Groups 1 and 2; statements 20..24.
    agree = np.array([[9, 9, 0, 5, 2], [8, 0, 1, 5, 1]])
    disagree = np.array([[0, 1, 9, 5, 0], [1, 9, 8, 4, 0]])
    seen = np.array([[10, 10, 10, 10, 2], [10, 10, 10, 10, 1]])
    consensus, divisive = maths.consensus_and_divisive(
        agree, disagree, seen, [1, 2], np.array([20, 21, 22, 23, 24])
    )
    assert [(c["statement"], c["direction"]) for c in consensus] == [
        (20, "agree"),
        (22, "disagree"),
    ]
    assert consensus[0]["score"] == pytest.approx(10 / 12 * 9 / 12, abs=1e-4)
    assert consensus[0]["p_groups"] == {"1": round(10 / 12, 4), "2": 0.75}
    assert consensus[1]["score"] == pytest.approx(10 / 12 * 9 / 12, abs=1e-4)
    assert [d["statement"] for d in divisive] == [21]
    assert divisive[0]["spread"] == pytest.approx(10 / 12 - 1 / 12, abs=1e-4)
    assert divisive[0]["p_groups"] == {"1": round(10 / 12, 4), "2": round(1 / 12, 4)}


def test_planted_consensus_statements_are_found():
    conv = planted(participants=300, statements=40, groups=3, seed=6, shared=0.3)
    analysis = analyse(conv)
    assert analysis.consensus and analysis.divisive
    scores = [c["score"] for c in analysis.consensus]
    assert scores == sorted(scores, reverse=True)
    spreads = [d["spread"] for d in analysis.divisive]
    assert spreads == sorted(spreads, reverse=True)
    for c in analysis.consensus:
        assert all(p > 0.5 for p in c["p_groups"].values())
    for d in analysis.divisive:
        assert max(d["p_groups"].values()) > 0.5


def test_stable_labels():
    a, b, c = np.array([1, 2, 3]), np.array([4, 5]), np.array([6, 7])
    assert maths.stable_labels([a, b], None) == [1, 2]
    # Matched by overlap, whatever the order.
    assert maths.stable_labels([b, a], {1: [1, 2, 3], 2: [4, 5]}) == [2, 1]
    assert maths.stable_labels([a, b], {5: [4, 5, 9], 3: [1, 2]}) == [3, 5]
    # A new group takes the smallest free label; an old one with no overlap is not reused.
    assert maths.stable_labels([a, b, c], {2: [1, 2, 3], 4: [8, 9]}) == [2, 1, 3]
    # Two new groups overlapping one old: the bigger overlap keeps the label.
    assert maths.stable_labels([np.array([1]), np.array([2, 3])], {1: [1, 2, 3]}) == [2, 1]


def test_labels_stay_when_votes_are_added():
    conv = planted(participants=300, statements=60, groups=3, seed=7)
    rng = np.random.default_rng(0)
    early = rng.random(len(conv.values)) < 0.7
    first = maths.analyse(
        conv.rows[early], conv.cols[early], conv.values[early], conv.participant_numbers,
        conv.statement_numbers,
    )  # fmt: skip
    # Relabel the previous groups (as if older analyses had used other labels).
    relabel = {1: 3, 2: 1, 3: 2}
    previous = {relabel[g.label]: g.members.tolist() for g in first.groups}
    second = analyse(conv, previous=previous)
    before = {n: relabel[label] for n, label in first.labels_by_member().items()}
    after = second.labels_by_member()
    same = sum(before[n] == after[n] for n in before if n in after)
    assert same / len(before) > 0.9
    for group in second.groups:  # each group kept the label of the group it overlaps most
        overlap = {label: len(set(members) & set(group.members.tolist()))
                   for label, members in previous.items()}  # fmt: skip
        assert group.label == max(overlap, key=overlap.get)
    assert sorted(g.label for g in second.groups) == [1, 2, 3]


def test_json_document_matches_the_contract():
    conv = planted(participants=120, statements=30, groups=2, seed=8)
    doc = analyse(conv, min_votes=7, seed=0).as_json()
    assert doc["version"] == 1
    assert doc["parameters"] == {"min_votes": 7, "k_min": 2, "k_max": 5, "seed": 0}
    assert len(doc["explained_variance"]) == 2
    assert [g["label"] for g in doc["groups"]] == [1, 2]
    assert doc["groups"][0]["size"] >= doc["groups"][1]["size"]
    for g in doc["groups"]:
        assert g["members"] == sorted(g["members"]) and g["size"] == len(g["members"])
        assert len(g["center"]) == 2
    points = {p[0]: p[3] for p in doc["points"]}
    assert points == {m: g["label"] for g in doc["groups"] for m in g["members"]}
    assert set(doc["statements"]) == {str(n) for n in range(30)}
    total = doc["statements"]["0"]
    assert total["agree"] + total["disagree"] + total["pass"] == int(np.sum(conv.cols == 0))
    assert set(total["groups"]) == {"1", "2"}
    import json

    assert json.loads(json.dumps(doc)) == doc


@settings(max_examples=8, deadline=None)
@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_participant_and_vote_order_do_not_change_the_groups(shuffle_seed):
    conv = planted(participants=80, statements=20, groups=3, seed=9)
    rng = np.random.default_rng(shuffle_seed)
    # Participant i is stored at index perm[i]; the votes come in a random order.
    perm = rng.permutation(80)
    numbers = np.empty(80, dtype=np.int64)
    numbers[perm] = conv.participant_numbers
    order = rng.permutation(len(conv.values))
    shuffled = maths.analyse(
        perm[conv.rows][order], conv.cols[order], conv.values[order], numbers,
        conv.statement_numbers,
    )  # fmt: skip
    assert shuffled.as_json() == analyse(conv).as_json()


def test_the_results_page_states_the_same_minimum_as_the_maths():
    from wegov.opinions.selectors import PARTICIPANTS_NEEDED

    assert PARTICIPANTS_NEEDED == maths.MIN_GROUPABLE
