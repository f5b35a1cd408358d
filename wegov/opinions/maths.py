"""Opinion groups as Pol.is computes them, on a sparse vote matrix.

Pure numpy / scipy.sparse / scikit-learn; no Django. ``analyse`` takes the
votes as COO arrays (participant index, statement index, value in -1/0/1:
disagree/pass/agree) and returns an ``Analysis`` whose ``as_json()`` is the
``OpinionAnalysis.result`` document (docs/opinions-maths.md).

The steps follow Pol.is's published maths (polismath ``conversation.clj``,
``pca.clj``, ``repness.clj``, ``stats.clj``), written anew here:

1. Participants in the conversation ("groupable") have voted on at least
   ``min(min_votes, statements voted on)`` statements; passes count.
2. Missing votes are imputed with the statement's mean vote and the matrix is
   centred. The centred imputed matrix is exactly the sparse matrix of
   ``vote - statement mean`` at the observed entries (imputed entries centre to
   zero), so it is never made dense. Its two leading right singular vectors
   are the two principal components. As in Pol.is, the PCA reads every
   participant who voted; the groups hold the groupable ones.
3. Each participant's projection is scaled by ``sqrt(statements / own
   votes)`` so that those who voted on few statements are not drawn to the
   centre by the imputation.
4. As Pol.is: at most 100 k-means "base clusters" of the projected groupable
   participants, then for each k in ``k_min..k_max`` (at most ``2 + base
   clusters // 12``, Pol.is's ``max-k-fn``) a k-means of the base-cluster
   centres weighted by size, with a fixed seed; the k whose grouping of the
   centres has the best silhouette wins.
5. Group labels are matched to the previous analysis's groups by member
   overlap (Hungarian assignment); new groups take the smallest free labels.
6. Representative statements (Pol.is repness), consensus and divisive
   statements.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from scipy.optimize import linear_sum_assignment
from scipy.sparse.linalg import svds
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score
from threadpoolctl import threadpool_limits

VERSION = 1
MIN_GROUPABLE = 4  # fewer groupable participants than this: no groups
Z_90 = 1.2816  # one-sided 90% significance, as Pol.is's z-sig-90?
REPRESENTATIVE_MAX = 5
CONSENSUS_MAX = 10
DIVISIVE_MAX = 10
MIN_SEEN_PER_GROUP = 2  # consensus / divisive: votes a statement needs in every group
BASE_CLUSTERS = 100  # Pol.is's base-k
GRAM_MAX_STATEMENTS = 300  # at most this many statements: exact eigh of the Gram matrix
KMEANS_INITS = 10


@dataclass
class Group:
    label: int
    members: np.ndarray  # participant numbers, sorted
    center: tuple[float, float]
    representative: list[dict] = field(default_factory=list)


@dataclass
class Analysis:
    parameters: dict
    explained_variance: list[float]
    groups: list[Group]
    points: list[list]  # [number, x, y, label], grouped participants
    consensus: list[dict]
    divisive: list[dict]
    statements: dict[str, dict]
    silhouette: float | None
    vote_count: int
    participant_count: int  # participants with at least one vote
    grouped_count: int

    @property
    def group_count(self) -> int:
        return len(self.groups)

    def labels_by_member(self) -> dict[int, int]:
        return {int(n): g.label for g in self.groups for n in g.members}

    def as_json(self) -> dict:
        return {
            "version": VERSION,
            "parameters": self.parameters,
            "explained_variance": self.explained_variance,
            "groups": [
                {
                    "label": g.label,
                    "size": len(g.members),
                    "center": list(g.center),
                    "members": [int(n) for n in g.members],
                    "representative": g.representative,
                }
                for g in self.groups
            ],
            "points": self.points,
            "consensus": self.consensus,
            "divisive": self.divisive,
            "statements": self.statements,
        }


# ---------------------------------------------------------------- statistics


def prop_test(successes, trials):
    """Pol.is's one-proportion z-test that the share exceeds 1/2 (with +1 pseudo-counts)."""
    s = np.asarray(successes, dtype=float) + 1
    n = np.asarray(trials, dtype=float) + 1
    return 2 * np.sqrt(n) * (s / n - 0.5)


def two_prop_test(succ_in, succ_out, n_in, n_out):
    """Pol.is's two-proportion z-test, in-group share above the rest's (+1 pseudo-counts)."""
    s1 = np.asarray(succ_in, dtype=float) + 1
    s2 = np.asarray(succ_out, dtype=float) + 1
    n1 = np.asarray(n_in, dtype=float) + 1
    n2 = np.asarray(n_out, dtype=float) + 1
    p_hat = (s1 + s2) / (n1 + n2)
    variance = p_hat * (1 - p_hat) * (1 / n1 + 1 / n2)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (s1 / n1 - s2 / n2) / np.sqrt(variance)
    return np.where(variance > 0, z, 0.0)


def smoothed(successes, trials):
    """Share with Pol.is's pseudo-counts: (1 + successes) / (2 + trials)."""
    return (1 + np.asarray(successes, dtype=float)) / (2 + np.asarray(trials, dtype=float))


# ---------------------------------------------------------------- projection


@dataclass
class Projection:
    components: np.ndarray  # (2, statements), unit rows
    explained_variance_ratio: np.ndarray  # (2,)
    points: np.ndarray  # (participants, 2), scaled


def centred_matrix(rows, cols, values, shape) -> tuple[sparse.csr_matrix, np.ndarray]:
    """The mean-imputed, centred vote matrix (sparse) and the statement means."""
    counts = np.bincount(cols, minlength=shape[1])
    sums = np.bincount(cols, weights=values, minlength=shape[1])
    means = np.divide(sums, counts, out=np.zeros(shape[1]), where=counts > 0)
    data = values - means[cols]
    matrix = sparse.csr_matrix((data, (rows, cols)), shape=shape, dtype=np.float64)
    return matrix, means


def _orient(components: np.ndarray) -> np.ndarray:
    """Fix each component's sign: its largest-magnitude loading is positive."""
    out = components.copy()
    for i, row in enumerate(out):
        if row[np.argmax(np.abs(row))] < 0:
            out[i] = -row
    return out


def principal_components(centred: sparse.csr_matrix, *, n: int = 2, seed: int = 0):
    """The ``n`` leading right singular vectors of the centred matrix and their σ²."""
    n_rows, n_cols = centred.shape
    rank_max = min(n_rows, n_cols)
    if n_cols <= GRAM_MAX_STATEMENTS or rank_max <= n + 1:
        gram = (centred.T @ centred).toarray()  # statements x statements
        eigenvalues, vectors = np.linalg.eigh(gram)
        order = np.argsort(eigenvalues)[::-1][:n]
        sigma2 = np.clip(eigenvalues[order], 0, None)
        components = vectors[:, order].T
    else:
        v0 = np.random.default_rng(seed).uniform(-1, 1, size=rank_max)
        _, sigma, vt = svds(centred, k=n, v0=v0, solver="arpack")
        order = np.argsort(sigma)[::-1]
        sigma2 = sigma[order] ** 2
        components = vt[order]
    if components.shape[0] < n:  # fewer statements than components
        pad = np.zeros((n - components.shape[0], n_cols))
        components = np.vstack([components, pad])
        sigma2 = np.concatenate([sigma2, np.zeros(n - len(sigma2))])
    return _orient(components), sigma2


def project(rows, cols, values, shape, *, seed: int = 0) -> Projection:
    centred, _ = centred_matrix(rows, cols, values, shape)
    components, sigma2 = principal_components(centred, seed=seed)
    total = float(centred.multiply(centred).sum())
    ratio = sigma2 / total if total > 0 else np.zeros(2)
    raw = centred @ components.T  # (participants, 2)
    voted = np.bincount(rows, minlength=shape[0])
    scale = np.sqrt(shape[1] / np.maximum(voted, 1))
    return Projection(components, ratio, raw * scale[:, None])


# ---------------------------------------------------------------- clustering


def base_clusters(points: np.ndarray, *, base_k: int, seed: int):
    """Pol.is's base clusters: (centres, sizes, base cluster of each point).

    At most ``base_k`` k-means clusters of the participants; with fewer
    distinct points than that, each distinct point is its own base cluster.
    """
    centres, base_of, sizes = np.unique(
        points.round(12), axis=0, return_inverse=True, return_counts=True
    )
    base_of = base_of.reshape(-1)
    if len(centres) <= base_k:
        return centres, sizes, base_of
    km = KMeans(n_clusters=base_k, n_init=1, random_state=seed).fit(points)
    sizes = np.bincount(km.labels_, minlength=base_k)
    keep = np.flatnonzero(sizes)  # k-means may leave a cluster empty
    renumber = np.full(base_k, -1)
    renumber[keep] = np.arange(len(keep))
    return km.cluster_centers_[keep], sizes[keep], renumber[km.labels_]


def choose_clustering(
    points: np.ndarray, *, k_min: int, k_max: int, seed: int, base_k: int = BASE_CLUSTERS
):
    """Group the points as Pol.is does; (labels 0..k-1, silhouette) of the best k, or None.

    The points are first summarised by at most ``base_k`` base clusters; for
    each k in ``k_min..min(k_max, 2 + base clusters // 12)`` a k-means of the
    base-cluster centres weighted by their sizes groups them, and the k whose
    grouping of the centres has the best silhouette wins.
    """
    # One thread: the points are 2-D, and OpenMP threads cost more than they
    # save here (and would compete with other work in a Celery worker).
    with threadpool_limits(limits=1, user_api="openmp"):
        return _choose_clustering(points, k_min=k_min, k_max=k_max, seed=seed, base_k=base_k)


def _choose_clustering(points, *, k_min, k_max, seed, base_k):
    centres, sizes, base_of = base_clusters(points, base_k=base_k, seed=seed)
    n_base = len(centres)
    k_top = min(k_max, 2 + n_base // 12, n_base - 1)
    best = None
    for k in range(k_min, k_top + 1):
        km = KMeans(n_clusters=k, n_init=KMEANS_INITS, random_state=seed)
        labels = km.fit_predict(centres, sample_weight=sizes)
        if len(np.unique(labels)) < 2:
            continue
        score = float(silhouette_score(centres, labels))
        if best is None or score > best[1] + 1e-12:
            best = (labels, score)
    if best is None:
        return None
    labels = best[0]
    # Renumber 0..k-1 (a weighted k-means may leave a cluster empty).
    _, labels = np.unique(labels, return_inverse=True)
    return labels.reshape(-1)[base_of], best[1]


def stable_labels(
    groups: list[np.ndarray], previous: Mapping[int, Iterable[int]] | None
) -> list[int]:
    """A label for each group (member-number arrays): the previous group it overlaps most.

    Groups are matched one to one (Hungarian assignment on the overlap);
    unmatched groups, or those matched with no overlap, take the smallest
    labels not used, from 1.
    """
    labels: list[int | None] = [None] * len(groups)
    if previous:
        old = [
            (int(label), np.fromiter(members, dtype=np.int64))
            for label, members in previous.items()
        ]
        overlap = np.array(
            [[len(np.intersect1d(new, members)) for _, members in old] for new in groups]
        )
        rows, cols = linear_sum_assignment(overlap, maximize=True)
        for r, c in zip(rows, cols, strict=True):
            if overlap[r, c] > 0:
                labels[r] = old[c][0]
    used = {label for label in labels if label is not None}
    free = (n for n in range(1, len(groups) + len(used) + 2) if n not in used)
    return [label if label is not None else next(free) for label in labels]


# ---------------------------------------------------------------- statistics per group


def _counts(group_of, rows, cols, values, n_groups, n_statements):
    """(groups, statements) arrays of agree, disagree and seen counts; group_of[p] = -1 if none."""
    g = group_of[rows]
    keep = g >= 0
    g, c, v = g[keep], cols[keep], values[keep]
    flat = g * n_statements + c
    size = n_groups * n_statements
    agree = np.bincount(flat[v > 0], minlength=size).reshape(n_groups, n_statements)
    disagree = np.bincount(flat[v < 0], minlength=size).reshape(n_groups, n_statements)
    seen = np.bincount(flat, minlength=size).reshape(n_groups, n_statements)
    return agree, disagree, seen


def repness(agree, disagree, seen) -> dict[str, np.ndarray]:
    """Pol.is's repness statistics for every (group, statement), against the rest of the groups."""
    rest_agree = agree.sum(axis=0) - agree
    rest_disagree = disagree.sum(axis=0) - disagree
    rest_seen = seen.sum(axis=0) - seen
    pa, pd = smoothed(agree, seen), smoothed(disagree, seen)
    pa_rest, pd_rest = smoothed(rest_agree, rest_seen), smoothed(rest_disagree, rest_seen)
    return {
        "pa": pa,
        "pd": pd,
        "pa_rest": pa_rest,
        "pd_rest": pd_rest,
        "ra": pa / pa_rest,
        "rd": pd / pd_rest,
        "pat": prop_test(agree, seen),
        "pdt": prop_test(disagree, seen),
        "rat": two_prop_test(agree, rest_agree, seen, rest_seen),
        "rdt": two_prop_test(disagree, rest_disagree, seen, rest_seen),
    }


def representative(stats, agree, disagree, seen, g: int, numbers) -> list[dict]:
    """At most five statements that set group ``g`` apart, best first."""
    s = {k: v[g] for k, v in stats.items()}
    agree_side = s["rat"] > s["rdt"]
    p = np.where(agree_side, s["pa"], s["pd"])
    p_rest = np.where(agree_side, s["pa_rest"], s["pd_rest"])
    ratio = np.where(agree_side, s["ra"], s["rd"])
    z = np.where(agree_side, s["pat"], s["pdt"])
    z_rest = np.where(agree_side, s["rat"], s["rdt"])
    passes = ((s["pat"] > Z_90) & (s["rat"] > Z_90)) | ((s["pdt"] > Z_90) & (s["rdt"] > Z_90))
    metric = ratio * z_rest * p * z
    chosen = np.flatnonzero(passes)
    chosen = chosen[np.lexsort((numbers[chosen], -metric[chosen]))][:REPRESENTATIVE_MAX]
    return [
        {
            "statement": int(numbers[j]),
            "direction": "agree" if agree_side[j] else "disagree",
            "agree": int(agree[g, j]),
            "disagree": int(disagree[g, j]),
            "pass": int(seen[g, j] - agree[g, j] - disagree[g, j]),
            "p": _r(p[j]),
            "p_rest": _r(p_rest[j]),
            "ratio": _r(ratio[j]),
            "z": _r(z[j]),
            "z_rest": _r(z_rest[j]),
        }
        for j in chosen
    ]


def consensus_and_divisive(agree, disagree, seen, labels, numbers):
    """Statements most groups' majorities share, and those that split groups."""
    pa, pd = smoothed(agree, seen), smoothed(disagree, seen)
    enough = (seen >= MIN_SEEN_PER_GROUP).all(axis=0)
    keys = [str(label) for label in labels]
    consensus = []
    for direction, p in (("agree", pa), ("disagree", pd)):
        qualified = enough & (p > 0.5).all(axis=0)
        score = np.prod(p, axis=0)
        for j in np.flatnonzero(qualified):
            consensus.append(
                {
                    "statement": int(numbers[j]),
                    "direction": direction,
                    "score": _r(score[j]),
                    "p_groups": dict(zip(keys, (_r(x) for x in p[:, j]), strict=True)),
                }
            )
    consensus.sort(key=lambda c: (-c["score"], c["statement"]))
    split = enough & (pa > 0.5).any(axis=0) & (pd > 0.5).any(axis=0)
    spread = pa.max(axis=0) - pa.min(axis=0)
    divisive = [
        {
            "statement": int(numbers[j]),
            "spread": _r(spread[j]),
            "p_groups": dict(zip(keys, (_r(x) for x in pa[:, j]), strict=True)),
        }
        for j in np.flatnonzero(split)
    ]
    divisive.sort(key=lambda d: (-d["spread"], d["statement"]))
    return consensus[:CONSENSUS_MAX], divisive[:DIVISIVE_MAX]


def _r(x, digits: int = 4) -> float:
    x = float(x)
    return round(x, digits) if math.isfinite(x) else 0.0


# ---------------------------------------------------------------- analysis


def analyse(
    rows,
    cols,
    values,
    participant_numbers,
    statement_numbers,
    *,
    min_votes: int = 7,
    k_min: int = 2,
    k_max: int = 5,
    seed: int = 0,
    previous: Mapping[int, Iterable[int]] | None = None,
) -> Analysis | None:
    """The opinion groups of a conversation, or None when too few participants can be grouped.

    ``rows[i]`` indexes ``participant_numbers``, ``cols[i]`` indexes
    ``statement_numbers``, ``values[i]`` is -1, 0 or 1; one vote per
    (participant, statement). ``previous`` maps the previous analysis's group
    labels to their member numbers, to keep labels stable.
    """
    rows = np.asarray(rows, dtype=np.int64)
    cols = np.asarray(cols, dtype=np.int64)
    values = np.asarray(values, dtype=np.float64)
    participant_numbers = np.asarray(participant_numbers, dtype=np.int64)
    statement_numbers = np.asarray(statement_numbers, dtype=np.int64)
    parameters = {"min_votes": min_votes, "k_min": k_min, "k_max": k_max, "seed": seed}

    # Canonical order (participants and statements by number; only those with
    # votes), so neither the callers' order nor silent ones change the result.
    p_used = np.unique(rows)
    p_used = p_used[np.argsort(participant_numbers[p_used], kind="stable")]
    s_used = np.unique(cols)
    s_used = s_used[np.argsort(statement_numbers[s_used], kind="stable")]
    p_index = np.full(len(participant_numbers), -1, dtype=np.int64)
    p_index[p_used] = np.arange(len(p_used))
    s_index = np.full(len(statement_numbers), -1, dtype=np.int64)
    s_index[s_used] = np.arange(len(s_used))
    rows, cols = p_index[rows], s_index[cols]
    p_numbers, s_numbers = participant_numbers[p_used], statement_numbers[s_used]
    n_p, n_s = len(p_used), len(s_used)

    voted = np.bincount(rows, minlength=n_p)
    groupable = np.flatnonzero(voted >= min(min_votes, n_s))
    if len(groupable) < MIN_GROUPABLE:
        return None
    projection = project(rows, cols, values, (n_p, n_s), seed=seed)
    points = projection.points[groupable]
    chosen = choose_clustering(points, k_min=k_min, k_max=k_max, seed=seed)
    if chosen is None:
        return None
    cluster_of, silhouette = chosen
    clusters = [groupable[cluster_of == c] for c in range(cluster_of.max() + 1)]
    clusters = [c for c in clusters if len(c)]
    # Without a previous analysis, label 1 is the largest group.
    clusters.sort(key=lambda members: (-len(members), p_numbers[members].min()))
    labels = stable_labels([p_numbers[c] for c in clusters], previous)
    order = np.argsort(labels)
    clusters = [clusters[i] for i in order]
    labels = [labels[i] for i in order]

    group_of = np.full(n_p, -1, dtype=np.int64)
    for g, members in enumerate(clusters):
        group_of[members] = g
    agree, disagree, seen = _counts(group_of, rows, cols, values, len(clusters), n_s)
    stats = repness(agree, disagree, seen)
    groups = []
    for g, (label, members) in enumerate(zip(labels, clusters, strict=True)):
        center = projection.points[members].mean(axis=0)
        groups.append(
            Group(
                label=label,
                members=np.sort(p_numbers[members]),
                center=(_r(center[0]), _r(center[1])),
                representative=representative(stats, agree, disagree, seen, g, s_numbers),
            )
        )
    consensus, divisive = consensus_and_divisive(agree, disagree, seen, labels, s_numbers)

    everyone = np.zeros(n_p, dtype=np.int64)
    all_agree, all_disagree, all_seen = _counts(everyone, rows, cols, values, 1, n_s)
    statements = {}
    for j, number in enumerate(s_numbers):
        statements[str(int(number))] = {
            "agree": int(all_agree[0, j]),
            "disagree": int(all_disagree[0, j]),
            "pass": int(all_seen[0, j] - all_agree[0, j] - all_disagree[0, j]),
            "groups": {
                str(label): {
                    "agree": int(agree[g, j]),
                    "disagree": int(disagree[g, j]),
                    "pass": int(seen[g, j] - agree[g, j] - disagree[g, j]),
                }
                for g, label in enumerate(labels)
            },
        }
    label_of = np.zeros(n_p, dtype=np.int64)
    for label, members in zip(labels, clusters, strict=True):
        label_of[members] = label
    point_rows = sorted(groupable, key=lambda i: p_numbers[i])
    xy = projection.points
    return Analysis(
        parameters=parameters,
        explained_variance=[_r(x) for x in projection.explained_variance_ratio],
        groups=groups,
        points=[
            [int(p_numbers[i]), _r(xy[i, 0]), _r(xy[i, 1]), int(label_of[i])] for i in point_rows
        ],
        consensus=consensus,
        divisive=divisive,
        statements=statements,
        silhouette=_r(silhouette),
        vote_count=len(values),
        participant_count=n_p,
        grouped_count=len(groupable),
    )
