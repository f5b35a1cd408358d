"""Full-text search over proposal titles and bodies, on either database.

PostgreSQL: a weighted ``tsvector`` of title (A) and body (B) with the
``simple`` configuration (the city writes in several languages, so no
stemming), matched by a GIN expression index made in migration 0002.

SQLite: an FTS5 table (``proposals_proposal_fts``, external content) kept in
step with ``proposals_proposal`` by triggers, also made in migration 0002,
queried with ``MATCH``.

Both paths tokenise the user's text the same way in Python first: words of
letters and digits, each quoted, so that FTS syntax in the input (``"``,
``*``, ``OR``, ``NEAR(``, column filters) is just text and never an error.
Text without any word matches nothing.
"""

from __future__ import annotations

import re
from functools import reduce
from operator import and_, or_

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connections
from django.db.models import FloatField, Q, QuerySet
from django.db.models.expressions import RawSQL

WORD = re.compile(r"[^\W_]+", re.UNICODE)
MAX_TERMS = 16
MAX_TERM_LENGTH = 60
CONFIG = "simple"
FTS_TABLE = "proposals_proposal_fts"


def terms(text: str) -> list[str]:
    """The distinct lower-case words of ``text``, in order, at most MAX_TERMS."""
    seen: dict[str, None] = {}
    for word in WORD.findall((text or "")[:10_000]):
        word = word.lower()[:MAX_TERM_LENGTH]
        seen.setdefault(word, None)
        if len(seen) >= MAX_TERMS:
            break
    return list(seen)


def vector():
    """The document: the expression the PostgreSQL GIN index is built on."""
    return SearchVector("title", weight="A", config=CONFIG) + SearchVector(
        "body", weight="B", config=CONFIG
    )


def fts5_query(words: list[str], *, any_word: bool) -> str:
    """An FTS5 MATCH expression where every word is a quoted string."""
    quoted = ['"' + w.replace('"', '""') + '"' for w in words]
    return (" OR " if any_word else " ").join(quoted)


def _vendor(qs: QuerySet) -> str:
    return connections[qs.db].vendor


def search(qs: QuerySet, text: str, *, any_word: bool = False, rank: bool = False) -> QuerySet:
    """Narrow a Proposal queryset to rows matching ``text``.

    All words must match (``any_word=True``: at least one). ``rank=True``
    annotates ``search_rank`` (higher is better) for ordering by relevance.
    """
    words = terms(text)
    if not words:
        return qs.none()
    vendor = _vendor(qs)
    if vendor == "postgresql":
        parts = [SearchQuery(w, config=CONFIG, search_type="plain") for w in words]
        query = (
            reduce(or_, parts)
            if any_word
            else SearchQuery(" ".join(words), config=CONFIG, search_type="plain")
        )
        qs = qs.alias(search_document=vector()).filter(search_document=query)
        if rank:
            qs = qs.annotate(search_rank=SearchRank(vector(), query))
        return qs
    if vendor == "sqlite":
        match = fts5_query(words, any_word=any_word)
        # Only constants are formatted into the SQL; the user's words are a parameter.
        sql = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"  # noqa: S608
        qs = qs.filter(pk__in=RawSQL(sql, [match]))  # noqa: S611
        if rank:
            table = qs.model._meta.db_table
            rank_sql = (
                f"SELECT -bm25({FTS_TABLE}, 2.0, 1.0) FROM {FTS_TABLE} "  # noqa: S608
                f"WHERE {FTS_TABLE} MATCH %s AND rowid = {table}.id"
            )
            qs = qs.annotate(
                search_rank=RawSQL(rank_sql, [match], output_field=FloatField())  # noqa: S611
            )
        return qs
    # Any other database: substring search, slow but correct.
    found = [Q(title__icontains=w) | Q(body__icontains=w) for w in words]
    return qs.filter(reduce(or_, found) if any_word else reduce(and_, found))
