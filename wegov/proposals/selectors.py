"""Reads shared by the pages and the API: lists, orderings, filters, similarity."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from wegov.accounts.rules import is_administrator, is_member_of, is_process_manager
from wegov.core.pagecache import public_pages
from wegov.processes.models import Process
from wegov.processes.selectors import process_by_slug

from .models import SHUFFLE_KEYS, Coauthorship, Proposal, Support
from .search import WORD, search

__all__ = [
    "ORDERINGS",
    "ProposalFilters",
    "RotatedOrder",
    "filter_proposals",
    "listed_count",
    "order_proposals",
    "process_for_proposals",
    "proposal_for_page",
    "public_proposals",
    "rotation_start",
    "search",
    "similar_proposals",
    "supported_ids",
]

ORDERINGS = ("random", "supported", "commented", "newest")


def public_proposals(process: Process | None = None) -> QuerySet[Proposal]:
    """Visible proposals (not hidden, process published), with what a card shows."""
    if process is None:
        qs = Proposal.objects.visible()
    elif process.is_published:
        # The caller checked the process: no join to check it again per row.
        qs = Proposal.objects.filter(process=process, is_hidden=False)
    else:
        qs = Proposal.objects.none()
    return qs.select_related("author", "topic", "district")


def process_for_proposals(slug: str, user=None) -> Process | None:
    """The process by slug, with its phases; an unpublished one only for those
    who run it (its organisation's staff, process managers, administrators)."""
    process = process_by_slug(slug)
    if process is None or process.is_published:
        return process
    if user is not None and (
        is_process_manager(user)
        or is_administrator(user)
        or is_member_of(user, process.organisation)
    ):
        return process
    return None


@dataclass
class ProposalFilters:
    topic: str = ""  # topic slug
    district: str = ""  # district slug
    answer_state: str = ""  # a Proposal.AnswerState value
    withdrawn: bool = False  # only withdrawn ones (otherwise only published ones)
    q: str = ""  # full-text search


def filter_proposals(qs: QuerySet[Proposal], f: ProposalFilters) -> QuerySet[Proposal]:
    qs = qs.filter(state=Proposal.State.WITHDRAWN if f.withdrawn else Proposal.State.PUBLISHED)
    if f.topic:
        qs = qs.filter(topic__slug=f.topic)
    if f.district:
        qs = qs.filter(district__slug=f.district)
    if f.answer_state:
        qs = qs.filter(answer_state=f.answer_state)
    if f.q.strip():
        qs = search(qs, f.q, rank=True)
    return qs


def listed_count(process: Process, filters: ProposalFilters, qs: QuerySet[Proposal]) -> int:
    """How many proposals the list shows with these filters: the same for every
    visitor and every order, so it is counted once per data version (a count
    reads every matching index entry)."""
    if filters.q.strip():
        return qs.count()  # searches are too varied to be worth keeping
    f = filters
    key = f"proposals:count:{process.pk}:{f.topic}:{f.district}:{f.answer_state}:{f.withdrawn:d}"
    version, count = public_pages.get(key)
    if count is None:
        count = qs.count()
        public_pages.set_many(version, {key: count})
    return count


def rotation_start(seed: int) -> int:
    """Where a seed's random order starts among the shuffle keys: a multiplicative
    hash, so that neighbouring seeds start far apart."""
    return (int(seed) * 2_654_435_761 + 1_013_904_223) % SHUFFLE_KEYS


class RotatedOrder:
    """The proposals in the random order of one seed, as a sliceable sequence.

    Every proposal has a random ``shuffle_key`` drawn when it is written; the
    random order is the proposals sorted by that key, starting at the seed's
    ``rotation_start`` and wrapping around to the smallest keys. A page is one
    range scan of the ``(process, shuffle_key)`` index (two where it wraps), so
    the order costs the same as "newest", where sorting every visible proposal
    by a per-seed formula cost a scan of them all. Each proposal is as likely
    as any other to come first; visitors share one cyclic order from different
    starting points.
    """

    def __init__(self, qs: QuerySet[Proposal], seed: int):
        start = rotation_start(seed)
        self._all = qs
        self._from_start = qs.filter(shuffle_key__gte=start).order_by("shuffle_key", "id")
        self._before_start = qs.filter(shuffle_key__lt=start).order_by("shuffle_key", "id")
        self._count: int | None = None

    def count(self) -> int:
        if self._count is None:
            self._count = self._all.count()
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __iter__(self):
        yield from self._from_start
        yield from self._before_start

    def __getitem__(self, index):
        if not isinstance(index, slice) or index.step not in (None, 1):
            raise TypeError("RotatedOrder takes slices [start:stop] only")
        low = index.start or 0
        high = index.stop
        if low < 0 or (high is not None and high < low):
            raise ValueError("negative or reversed slices are not supported")
        wanted = None if high is None else high - low
        head = list(self._from_start[low:high])
        if wanted is not None and len(head) == wanted:
            return head
        # The rows from the start ran out within or before this slice: continue
        # from the smallest keys. How many rows come first is known from the
        # slice when it returned some; otherwise it is counted (pages past the
        # wrap only).
        first_part = low + len(head) if head else self._from_start.count()
        skip = max(0, low - first_part)
        tail_qs = (
            self._before_start[skip:]
            if wanted is None
            else (self._before_start[skip : skip + wanted - len(head)])
        )
        return head + list(tail_qs)


def order_proposals(qs: QuerySet[Proposal], order: str, *, seed: int = 0):
    """Apply one of ORDERINGS (or "relevance" after a search); unknown means random.
    Random gives a ``RotatedOrder`` (count and slices, like a query set)."""
    if order == "supported":
        return qs.order_by("-support_count", "-id")
    if order == "commented":
        return qs.order_by("-comment_count", "-id")
    if order == "newest":
        return qs.order_by("-created_at", "-id")
    if order == "relevance" and "search_rank" in qs.query.annotations:
        return qs.order_by("-search_rank", "-id")
    return RotatedOrder(qs, seed)


def supported_ids(user, proposal_ids) -> set[int]:
    """Which of these proposals the user supports (one query)."""
    if user is None or not user.is_authenticated:
        return set()
    return set(
        Support.objects.filter(user=user, proposal_id__in=list(proposal_ids)).values_list(
            "proposal_id", flat=True
        )
    )


def proposal_for_page(process: Process, pk: int) -> Proposal | None:
    """One proposal of this process (hidden ones too: their page shows the reason)."""
    proposal = (
        Proposal.objects.filter(process=process, pk=pk)
        .select_related("author", "topic", "district", "answered_by")
        .prefetch_related(
            Prefetch("coauthorships", queryset=Coauthorship.objects.select_related("user")),
            "attachments",
        )
        .first()
    )
    if proposal is not None:
        proposal.process = process
    return proposal


# --- Similar proposals ----------------------------------------------------------------

# Words too common to tell proposals apart (English, Dutch, German, Italian).
_STOPWORD_TEXT = """
    the and for with that this from are was were will would should could have has had not but
    all any can our your their there here what when where which who why how more most some such
    than then them they its into about also very just only other over under again each few
    de het een en van voor met dat die dit zijn niet maar ook als aan bij naar door wordt worden
    meer nog wel geen veel onze deze hun heeft hebben kan moet zou
    der die das und mit von für ist nicht auch eine einen einem einer sich auf aus bei nach
    oder wie wir ihr sie mehr noch kann soll sollte werden wird
    il lo la gli le una uno per con che non del della dei delle nel nella sono più anche come
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())
MIN_SIMILARITY = 0.2
MAX_CANDIDATES = 100


def _tokens(text: str) -> list[str]:
    return [
        w
        for w in (m.lower() for m in WORD.findall((text or "")[:10_000]))
        if len(w) > 2 and w not in STOPWORDS
    ]


def _document(title: str, body: str) -> Counter:
    # The title says what a proposal is about: its words count twice.
    return Counter(_tokens(title) * 2 + _tokens(body))


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    dot = sum(weight * b.get(term, 0.0) for term, weight in a.items())
    norm = math.sqrt(sum(w * w for w in a.values())) * math.sqrt(sum(w * w for w in b.values()))
    return dot / norm if norm else 0.0


def similar_proposals(
    process: Process,
    title: str,
    body: str = "",
    *,
    exclude_id: int | None = None,
    limit: int = 5,
    min_similarity: float = MIN_SIMILARITY,
) -> list[tuple[Proposal, float]]:
    """Published proposals of the process that read like the one being written.

    Full-text search (any of the most frequent words) narrows the candidates
    to at most MAX_CANDIDATES; TF-IDF cosine similarity over the candidates
    and the new text then ranks them. Returns (proposal, similarity 0..1).
    """
    query = _document(title, body)
    if not query:
        return []
    key_terms = [term for term, _n in query.most_common(16)]
    qs = public_proposals(process).filter(state=Proposal.State.PUBLISHED)
    if exclude_id is not None:
        qs = qs.exclude(pk=exclude_id)
    candidates = list(
        search(qs, " ".join(key_terms), any_word=True, rank=True).order_by("-search_rank", "-id")[
            :MAX_CANDIDATES
        ]
    )
    if not candidates:
        return []
    documents = [_document(p.title, p.body) for p in candidates]
    frequency: Counter = Counter()
    for doc in [query, *documents]:
        frequency.update(doc.keys())
    n = len(documents) + 1

    def weights(doc: Counter) -> dict[str, float]:
        return {
            term: (1 + math.log(count)) * (math.log((1 + n) / (1 + frequency[term])) + 1)
            for term, count in doc.items()
        }

    query_weights = weights(query)
    scored = [
        (proposal, _cosine(query_weights, weights(doc)))
        for proposal, doc in zip(candidates, documents, strict=True)
    ]
    scored = [(p, round(score, 3)) for p, score in scored if score >= min_similarity]
    scored.sort(key=lambda item: (-item[1], -item[0].pk))
    return scored[:limit]
