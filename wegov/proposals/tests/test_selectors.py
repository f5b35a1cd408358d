"""Orderings, filters and similar proposals."""

import pytest
from django.core.paginator import Paginator

from wegov.processes.tests.factories import ProcessFactory, TopicFactory
from wegov.proposals import selectors
from wegov.proposals.models import SHUFFLE_KEYS, Proposal

from .factories import ProposalFactory

pytestmark = pytest.mark.django_db


def ids(qs):
    return list(qs.values_list("id", flat=True))


@pytest.fixture
def many(process):
    return ProposalFactory.create_batch(30, process=process)


def random_pages(process, seed, per_page=7):
    qs = selectors.order_proposals(selectors.public_proposals(process), "random", seed=seed)
    paginator = Paginator(qs, per_page)
    return [[p.pk for p in paginator.page(n).object_list] for n in paginator.page_range]


def seed_starting_at(key):
    """A seed whose rotation starts at exactly this shuffle key."""
    # rotation_start is affine modulo a prime: invert it.
    a, b, m = 2_654_435_761, 1_013_904_223, SHUFFLE_KEYS
    return ((key - b) * pow(a, -1, m)) % m


def test_rotation_start_inverse_helper():
    for key in (0, 1, 12345, SHUFFLE_KEYS - 1):
        assert selectors.rotation_start(seed_starting_at(key)) == key


def test_random_order_is_stable_across_pages_and_complete(process, many):
    pages = random_pages(process, seed=12345)
    flat = [pk for page in pages for pk in page]
    assert sorted(flat) == sorted(p.pk for p in many), "every proposal once, none twice"
    assert pages == random_pages(process, seed=12345), "same seed, same pages"


def test_random_order_is_the_shuffle_keys_rotated_at_the_seeds_start(process):
    keyed = [ProposalFactory(process=process, shuffle_key=k) for k in (50, 10, 40, 20, 30)]
    by_key = {p.shuffle_key: p.pk for p in keyed}
    for start, expected in [
        (10, [10, 20, 30, 40, 50]),
        (25, [30, 40, 50, 10, 20]),
        (40, [40, 50, 10, 20, 30]),
        (51, [10, 20, 30, 40, 50]),
    ]:
        pages = random_pages(process, seed_starting_at(start), per_page=2)
        assert [pk for page in pages for pk in page] == [by_key[k] for k in expected], start


def test_rotated_order_slices_across_the_wrap(process):
    keyed = {k: ProposalFactory(process=process, shuffle_key=k).pk for k in range(100, 110)}
    order = selectors.order_proposals(
        selectors.public_proposals(process), "random", seed=seed_starting_at(107)
    )
    expected = [keyed[k] for k in [107, 108, 109, 100, 101, 102, 103, 104, 105, 106]]
    assert order.count() == len(order) == 10
    assert [p.pk for p in order] == expected
    for low, high in [(0, 3), (2, 5), (3, 6), (4, 9), (0, 10), (8, 20), (10, 12), (5, None)]:
        assert [p.pk for p in order[low:high]] == expected[low:high], (low, high)
    with pytest.raises(TypeError):
        order[3]


def test_random_order_differs_by_seed_and_is_not_by_date(process, many):
    keys = sorted(p.shuffle_key for p in Proposal.objects.all())
    orders = {
        tuple(pk for page in random_pages(process, seed_starting_at(key)) for pk in page)
        for key in keys[:6]
    }
    assert len(orders) == 6
    newest = tuple(ids(selectors.order_proposals(Proposal.objects.all(), "newest")))
    assert newest not in orders and tuple(reversed(newest)) not in orders


def test_new_proposals_draw_their_key_at_random(process):
    keys = {ProposalFactory(process=process).shuffle_key for _ in range(20)}
    assert len(keys) == 20 and all(0 <= k < SHUFFLE_KEYS for k in keys)


def test_other_orderings(process):
    old = ProposalFactory(process=process, support_count=5, comment_count=1)
    mid = ProposalFactory(process=process, support_count=9, comment_count=0)
    new = ProposalFactory(process=process, support_count=0, comment_count=4)
    qs = Proposal.objects.all()
    assert ids(selectors.order_proposals(qs, "supported")) == [mid.pk, old.pk, new.pk]
    assert ids(selectors.order_proposals(qs, "commented")) == [new.pk, old.pk, mid.pk]
    assert ids(selectors.order_proposals(qs, "newest")) == [new.pk, mid.pk, old.pk]
    # Ties are broken by id, so pages never repeat or skip a proposal.
    tie = ProposalFactory(process=process, support_count=9)
    assert ids(selectors.order_proposals(qs, "supported"))[:2] == [tie.pk, mid.pk]


def test_filters(process, city):
    mobility = TopicFactory(slug="mobility")
    a = ProposalFactory(process=process, topic=mobility, district=city)
    b = ProposalFactory(process=process, answer_state="accepted", answered_at=a.created_at)
    c = ProposalFactory(process=process, state="withdrawn", withdrawn_at=a.created_at)
    ProposalFactory(process=process, is_hidden=True, topic=mobility)
    ProposalFactory(process=ProcessFactory(is_published=False), topic=mobility)
    base = selectors.public_proposals(process)
    f = selectors.ProposalFilters
    assert set(ids(selectors.filter_proposals(base, f()))) == {a.pk, b.pk}
    assert ids(selectors.filter_proposals(base, f(topic="mobility"))) == [a.pk]
    assert ids(selectors.filter_proposals(base, f(district="centrum"))) == [a.pk]
    assert ids(selectors.filter_proposals(base, f(answer_state="accepted"))) == [b.pk]
    assert ids(selectors.filter_proposals(base, f(withdrawn=True))) == [c.pk]
    everywhere = selectors.filter_proposals(selectors.public_proposals(), f(topic="mobility"))
    assert ids(everywhere) == [a.pk], "hidden and unpublished never listed"


def test_relevance_after_search(process):
    ProposalFactory(process=process, title="Lights", body="Lights along the park path.")
    best = ProposalFactory(process=process, title="Park benches", body="Benches in the park.")
    qs = selectors.filter_proposals(
        selectors.public_proposals(process), selectors.ProposalFilters(q="park")
    )
    assert ids(selectors.order_proposals(qs, "relevance"))[0] == best.pk


@pytest.fixture
def written(process):
    return [
        ProposalFactory(
            process=process,
            title="Trees on the market square",
            body="Plant lime trees on the market square instead of the car park.",
        ),
        ProposalFactory(
            process=process,
            title="Covered bicycle parking at the station",
            body="A covered bicycle shed near the station entrance.",
        ),
        ProposalFactory(
            process=process,
            title="A playground for small children",
            body="Swings and a sandpit near the library.",
        ),
        ProposalFactory(
            process=process,
            title="Market square trees and shade",
            body="Shade trees and benches on the square.",
            state="withdrawn",
            withdrawn_at=process.created_at,
        ),
    ]


def test_similar_proposals_find_the_same_idea(process, written):
    found = selectors.similar_proposals(
        process, "More trees on the market square", "Green the square with trees."
    )
    assert [p.title for p, _s in found] == ["Trees on the market square"]
    assert 0 < found[0][1] <= 1
    found = selectors.similar_proposals(process, "Bicycle parking", "near the station please")
    assert [p.title for p, _s in found] == ["Covered bicycle parking at the station"]


def test_similar_proposals_ignore_unrelated_and_common_words(process, written):
    assert selectors.similar_proposals(process, "The and for with", "") == []
    assert selectors.similar_proposals(process, "Free wifi in the town hall", "Fast internet") == []
    assert selectors.similar_proposals(process, "", "") == []
    assert selectors.similar_proposals(process, '"*(', "NEAR") == []


def test_similar_proposals_stay_in_the_process_and_skip_hidden(process, written):
    other = ProcessFactory()
    ProposalFactory(process=other, title="Trees on the market square", body="Lime trees.")
    ProposalFactory(process=process, title="Trees square market", body="trees", is_hidden=True)
    found = selectors.similar_proposals(process, "Trees on the market square", "")
    assert [p.process_id for p, _s in found] == [process.pk]
    assert (
        selectors.similar_proposals(
            process, "Trees on the market square", "", exclude_id=written[0].pk
        )
        == []
    )


def test_process_for_proposals(process, citizen, staff, process_manager):
    assert selectors.process_for_proposals("square", None) == process
    assert selectors.process_for_proposals("nope", None) is None
    process.is_published = False
    process.save()
    assert selectors.process_for_proposals("square", None) is None
    assert selectors.process_for_proposals("square", citizen) is None
    assert selectors.process_for_proposals("square", staff) == process
    assert selectors.process_for_proposals("square", process_manager) == process
