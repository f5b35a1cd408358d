"""Recompute a conversation's opinion groups from the database and keep the result.

Called by the Celery task (``tasks.recompute_conversation``) and by commands,
never in a request. The vote matrix loads as three numpy arrays in one query
(no model instances), ``maths.analyse`` computes, and an ``OpinionAnalysis``
row keeps the result; only the latest ``KEEP_ANALYSES`` per conversation stay.
"""

from __future__ import annotations

import hashlib
import time

import numpy as np
from django.db import connections, transaction

from . import maths
from .models import Conversation, OpinionAnalysis, Statement, Vote

KEEP_ANALYSES = 20
LOAD_CHUNK = 100_000  # rows per fetch
K_MIN, K_MAX, SEED = 2, 5, 0


def load_votes(conversation_id: int):
    """(participant numbers, statement numbers, values) of the votes on shown statements.

    One query, read with the database cursor in chunks straight into numpy
    arrays: no model instances and no per-row work in the ORM's iterator.
    """
    shown = Statement.objects.shown().filter(conversation_id=conversation_id)
    query = Vote.objects.filter(
        conversation_id=conversation_id, statement__in=shown.values("pk")
    ).values_list("participant__number", "statement__number", "value")
    sql, params = query.query.sql_with_params()
    chunks = []
    with connections[query.db].cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(LOAD_CHUNK):
            chunks.append(np.array(rows, dtype=np.int64).reshape(-1, 3))
    flat = np.concatenate(chunks) if chunks else np.zeros((0, 3), dtype=np.int64)
    return flat[:, 0], flat[:, 1], flat[:, 2]


def input_hash(participant_numbers, statement_numbers, values, min_votes: int) -> str:
    """SHA-256 of the vote matrix (sorted by participant and statement number) and parameters."""
    matrix = np.stack([participant_numbers, statement_numbers, values]).astype(np.int64)
    order = np.lexsort((matrix[1], matrix[0]))
    digest = hashlib.sha256(f"v{maths.VERSION};{min_votes};{K_MIN};{K_MAX};{SEED};".encode())
    digest.update(np.ascontiguousarray(matrix[:, order]).tobytes())
    return digest.hexdigest()


def previous_groups(conversation_id: int) -> dict[int, list[int]] | None:
    latest = OpinionAnalysis.objects.filter(conversation_id=conversation_id).only("result").first()
    if latest is None:
        return None
    return {int(g["label"]): g["members"] for g in latest.result.get("groups", [])}


def recompute(conversation_id: int) -> OpinionAnalysis | None:
    """Compute and store the conversation's opinion groups.

    None (and nothing stored) when too few participants can be grouped or the
    conversation no longer exists.
    """
    started = time.perf_counter()
    conversation = Conversation.objects.only("pk", "min_votes").filter(pk=conversation_id).first()
    if conversation is None:  # deleted since the recomputation was queued
        return None
    participant_numbers, statement_numbers, values = load_votes(conversation_id)
    p_numbers, rows = np.unique(participant_numbers, return_inverse=True)
    s_numbers, cols = np.unique(statement_numbers, return_inverse=True)
    result = maths.analyse(
        rows.reshape(-1),
        cols.reshape(-1),
        values,
        p_numbers,
        s_numbers,
        min_votes=conversation.min_votes,
        k_min=K_MIN,
        k_max=K_MAX,
        seed=SEED,
        previous=previous_groups(conversation_id),
    )
    if result is None:
        return None
    digest = input_hash(participant_numbers, statement_numbers, values, conversation.min_votes)
    with transaction.atomic():
        analysis = OpinionAnalysis.objects.create(
            conversation_id=conversation_id,
            vote_count=result.vote_count,
            participant_count=result.participant_count,
            grouped_count=result.grouped_count,
            group_count=result.group_count,
            silhouette=result.silhouette,
            input_hash=digest,
            seconds=round(time.perf_counter() - started, 3),
            result=result.as_json(),
        )
        stale = OpinionAnalysis.objects.filter(conversation_id=conversation_id).values_list(
            "pk", flat=True
        )[KEEP_ANALYSES:]
        OpinionAnalysis.objects.filter(pk__in=list(stale)).delete()
    return analysis
