"""``python -m bench opinions``: recomputing opinion groups, sparse (ours) against dense numpy.

A generated conversation (``wegov.opinions.synthetic.planted``: four planted
groups in a two-dimensional opinion space, 10% noise, 5% passes, 20%
consensus statements; default 20,000 participants x 1,000 statements, each
participant voting on 5-15% of them: about 2,000,000 votes; seed fixed).

Each measurement runs in a fresh child process (``python -m bench.opinions
child IMPL ...``) that generates the votes (not timed), resets the kernel's
peak-RSS mark (``/proc/self/clear_refs``), runs the whole recomputation and
reports its time, its resident memory before and its peak RSS during it, and
each grouped participant's group:

- ``sparse``: ``wegov.opinions.maths.analyse`` (the production code).
- ``dense``: the same steps the plain way (``dense_analyse`` below): a dense
  float matrix with NaN for missing votes, column-mean imputation, centring,
  ``numpy.linalg.svd`` for the two components, the same scaling, the same
  clustering and silhouette (``maths.choose_clustering``), and the group vote
  counts from the dense matrix, then the same repness / consensus code.
- ``db``: ``wegov.opinions.analysis.recompute`` end to end on a SQLite
  database (a temporary file, migrated) holding the conversation: loading the
  votes with one query, the maths and storing the ``OpinionAnalysis``.

The parent checks that sparse and dense find the same groups (adjusted Rand
index at least 0.99; it fails otherwise) and writes
``bench/results/<date>-opinions.json``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import sys
import tempfile
from pathlib import Path

import numpy as np

from bench.childrun import report_work, run_child

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
GROUPS = 4
DENSITY = (0.05, 0.15)


def conversation(participants: int, statements: int, seed: int):
    from wegov.opinions.synthetic import planted

    return planted(
        participants=participants,
        statements=statements,
        groups=GROUPS,
        seed=seed,
        density=DENSITY,
    )


def dense_analyse(conv, *, min_votes: int = 7, seed: int = 0):
    """The same recomputation on a dense matrix; each participant's label (-1: not grouped)."""
    from wegov.opinions import maths

    n_p, n_s = conv.n_participants, conv.n_statements
    matrix = np.full((n_p, n_s), np.nan)
    matrix[conv.rows, conv.cols] = conv.values
    seen = ~np.isnan(matrix)
    voted = seen.sum(axis=1)
    means = np.nanmean(matrix, axis=0)
    imputed = np.where(seen, matrix, means)
    centred = imputed - imputed.mean(axis=0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    components = maths._orient(vt[:2])
    points = (centred @ components.T) * np.sqrt(n_s / np.maximum(voted, 1))[:, None]
    groupable = np.flatnonzero(voted >= min(min_votes, n_s))
    labels, _ = maths.choose_clustering(points[groupable], k_min=2, k_max=5, seed=seed)
    k = labels.max() + 1
    agree = np.stack([(matrix[groupable[labels == g]] == 1).sum(axis=0) for g in range(k)])
    disagree = np.stack([(matrix[groupable[labels == g]] == -1).sum(axis=0) for g in range(k)])
    counted = np.stack([seen[groupable[labels == g]].sum(axis=0) for g in range(k)])
    stats = maths.repness(agree, disagree, counted)
    numbers = np.arange(n_s)
    for g in range(k):
        maths.representative(stats, agree, disagree, counted, g, numbers)
    maths.consensus_and_divisive(agree, disagree, counted, list(range(1, k + 1)), numbers)
    out = np.full(n_p, -1)
    out[groupable] = labels
    return out


def _fill_sqlite(conv) -> int:
    """Migrate a fresh SQLite database and insert the conversation; its id."""
    from django.core.management import call_command
    from django.db import connection, transaction

    from wegov.opinions.models import Conversation, Participant, Statement, Vote

    call_command("migrate", verbosity=0)
    with transaction.atomic():
        c = Conversation.objects.create(slug="bench", topic="Bench", is_published=True)
        Participant.objects.bulk_create(
            (Participant(conversation=c, number=i) for i in range(conv.n_participants)),
            batch_size=5000,
        )
        Statement.objects.bulk_create(
            (
                Statement(conversation=c, number=j, text=f"Statement {j}", state="accepted")
                for j in range(conv.n_statements)
            ),
            batch_size=5000,
        )
        p_ids = dict(Participant.objects.filter(conversation=c).values_list("number", "pk"))
        s_ids = dict(Statement.objects.filter(conversation=c).values_list("number", "pk"))
        p_pk = np.array([p_ids[i] for i in range(conv.n_participants)])
        s_pk = np.array([s_ids[j] for j in range(conv.n_statements)])
        now = dt.datetime.now(dt.UTC).isoformat()
        table = Vote._meta.db_table
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {table} (conversation_id, participant_id, statement_id, value, "
                "created_at, updated_at) VALUES (%s, %s, %s, %s, %s, %s)",
                (
                    (c.pk, int(p), int(s), int(v), now, now)
                    for p, s, v in zip(p_pk[conv.rows], s_pk[conv.cols], conv.values, strict=True)
                ),
            )
    return c.pk


def child(impl: str, participants: int, statements: int, seed: int, repeat: int) -> None:
    from wegov.opinions import maths  # imported before the clock starts

    conv = conversation(participants, statements, seed)
    if impl == "db":
        os.environ["DJANGO_SETTINGS_MODULE"] = "wegov.settings"
        import django

        django.setup()
        from wegov.opinions import analysis

        conversation_id = _fill_sqlite(conv)
        del conv

        def work():
            stored = analysis.recompute(conversation_id)
            labels = np.full(participants, -1)
            for group in stored.result["groups"]:
                labels[group["members"]] = group["label"] - 1
            return labels
    elif impl == "dense":

        def work():
            return dense_analyse(conv)
    else:

        def work():
            result = maths.analyse(
                conv.rows, conv.cols, conv.values, conv.participant_numbers,
                conv.statement_numbers,
            )  # fmt: skip
            labels = np.full(participants, -1)
            for group in result.groups:
                labels[group.members] = group.label - 1
            return labels

    report_work(work, repeat, "labels", to_json=lambda labels: labels.tolist())


def _measure(impl: str, participants: int, statements: int, seed: int, repeat: int) -> dict:
    print(f"   {impl} ...", flush=True)
    env = dict(os.environ)
    with tempfile.TemporaryDirectory() as folder:
        if impl == "db":
            env["DATABASE_URL"] = f"sqlite:///{folder}/bench-opinions.sqlite3"
        return run_child(
            "bench.opinions",
            [impl, str(participants), str(statements), str(seed), str(repeat)],
            env=env,
        )


def _same_groups(a: list[int], b: list[int]) -> float:
    from sklearn.metrics import adjusted_rand_score

    a, b = np.asarray(a), np.asarray(b)
    if not np.array_equal(a >= 0, b >= 0):
        return 0.0
    return float(adjusted_rand_score(a[a >= 0], b[b >= 0]))


def run(
    *,
    participants: int,
    statements: int,
    seed: int,
    repeat: int,
    db: bool,
    results_dir: str | None,
) -> dict:
    conv = conversation(participants, statements, seed)
    votes = len(conv.values)
    truth = conv.groups.tolist()
    del conv
    print(f"opinions: {participants} participants, {statements} statements, {votes} votes")
    sparse = _measure("sparse", participants, statements, seed, repeat)
    dense = _measure("dense", participants, statements, seed, 1)
    same = _same_groups(sparse["labels"], dense["labels"])
    if same < 0.99:
        raise SystemExit(f"DIFFERENT GROUPS: adjusted Rand index sparse vs dense {same:.4f}")
    row = {
        "participants": participants,
        "statements": statements,
        "votes": votes,
        "planted_groups": GROUPS,
        "sparse": sparse,
        "dense": dense,
        "ari_sparse_dense": round(same, 6),
        "ari_sparse_planted": round(
            _same_groups(
                [t if s >= 0 else -1 for t, s in zip(truth, sparse["labels"], strict=True)],
                sparse["labels"],
            ),
            4,
        ),
        "speedup": round(dense["seconds"] / max(sparse["seconds"], 1e-9), 1),
        "memory_ratio": round(dense["rss_growth_kb"] / max(sparse["rss_growth_kb"], 1), 1),
    }
    if db:
        stored = _measure("db", participants, statements, seed, 1)
        row["db_sqlite"] = stored
        row["ari_db_sparse"] = round(_same_groups(stored["labels"], sparse["labels"]), 6)
    for part in ("sparse", "dense", "db_sqlite"):
        if part in row:
            row[part].pop("labels")
            print(
                f"   {part}: {row[part]['seconds']:.2f} s, "
                f"+{row[part]['rss_growth_kb'] / 1024:.0f} MiB peak RSS",
                flush=True,
            )
    print(f"   {row['speedup']}x faster, {row['memory_ratio']}x less memory, ARI {same:.4f}")
    document = {
        "date": dt.date.today().isoformat(),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "seed": seed,
        "results": [row],
    }
    folder = Path(results_dir) if results_dir else RESULTS
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / f"{document['date']}-opinions.json"
    out.write_text(json.dumps(document, indent=1) + "\n")
    print(f"written {out}")
    return document


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    if len(sys.argv) == 7 and sys.argv[1] == "child":
        child(sys.argv[2], *(int(x) for x in sys.argv[3:]))
    else:
        raise SystemExit("usage: python -m bench opinions (see docs/bench.md)")
