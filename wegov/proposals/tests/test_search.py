"""Full-text search: the same answers on SQLite (FTS5) and PostgreSQL (tsvector + GIN)."""

import pytest
from django.db import connection

from wegov.proposals import search as search_module
from wegov.proposals import services
from wegov.proposals.models import Proposal
from wegov.proposals.search import fts5_query, search, terms

from .factories import ProposalFactory

pytestmark = pytest.mark.django_db

on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite FTS5 only")
on_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")


def test_terms_are_words_only():
    assert terms('Trees "and" *benches* OR NEAR(x) title:park') == [
        "trees",
        "and",
        "benches",
        "or",
        "near",
        "x",
        "title",
        "park",
    ]
    assert terms('" * ( ) : ^ - _ ') == []
    assert terms("Café   CAFÉ café") == ["café"]
    assert len(terms(" ".join(f"w{i}" for i in range(100)))) == search_module.MAX_TERMS


def test_fts5_query_quotes_every_word():
    assert fts5_query(["trees", "or"], any_word=False) == '"trees" "or"'
    assert fts5_query(["trees", "park"], any_word=True) == '"trees" OR "park"'
    assert fts5_query(['a"b'], any_word=False) == '"a""b"'


@pytest.fixture
def corpus(process):
    return {
        "square": ProposalFactory(
            process=process,
            title="Trees on the market square",
            body="Plant lime trees where the cars park today.",
        ),
        "bikes": ProposalFactory(
            process=process,
            title="Covered bicycle parking",
            body="A bicycle shed near the station, with lights.",
        ),
        "bench": ProposalFactory(
            process=process,
            title="Benches in the park",
            body="Older people need a place to rest. Café owners agree.",
        ),
    }


def found(text, **kwargs):
    return set(search(Proposal.objects.all(), text, **kwargs).values_list("title", flat=True))


def test_search_matches_all_words_in_title_or_body(corpus):
    assert found("trees") == {"Trees on the market square"}
    assert found("bicycle station") == {"Covered bicycle parking"}
    assert found("TREES Square") == {"Trees on the market square"}
    assert found("trees bicycle") == set()
    assert found("trees bicycle", any_word=True) == {
        "Trees on the market square",
        "Covered bicycle parking",
    }


@pytest.mark.parametrize(
    "odd",
    [
        *['"', "*", '"trees', "trees*", "NEAR(", "title:trees", "(", ")", "-", "^", "AND"],
        *["'", "\\", "trees OR", "%", "_", "\x00", "ü" * 500, "a" * 5000],
    ],
)
def test_odd_input_never_fails(corpus, odd):
    result = list(search(Proposal.objects.all(), odd))
    if odd in ('"trees', "trees*"):
        assert [p.title for p in result] == ["Trees on the market square"]


def test_text_without_words_matches_nothing(corpus):
    assert found('" * ( )') == set()


def test_rank_orders_title_matches_first(corpus, process):
    ProposalFactory(process=process, title="Lights", body="More lights near the park benches.")
    ranked = list(
        search(Proposal.objects.all(), "benches", rank=True)
        .order_by("-search_rank")
        .values_list("title", flat=True)
    )
    assert ranked == ["Benches in the park", "Lights"]


def test_index_follows_updates_and_deletes(corpus, process):
    bench = corpus["bench"]
    services.proposal_update(
        actor=bench.author,
        proposal=bench,
        data=services.ProposalData(title="Picnic tables", body="Tables in the meadow."),
    )
    assert found("benches") == set()
    assert found("picnic meadow") == {"Picnic tables"}
    Proposal.objects.filter(pk=corpus["bikes"].pk).update(body="A shed for scooters.")
    assert found("scooters") == {"Covered bicycle parking"}
    # A support changes no text: the index is not touched (and stays right).
    Proposal.objects.filter(pk=corpus["square"].pk).update(support_count=5)
    assert found("lime") == {"Trees on the market square"}
    corpus["square"].delete()
    assert found("lime") == set()


def test_search_combines_with_other_filters(corpus):
    qs = Proposal.objects.filter(title__startswith="Covered")
    assert set(search(qs, "bicycle").values_list("title", flat=True)) == {"Covered bicycle parking"}
    assert not search(qs, "trees").exists()


@on_sqlite
def test_sqlite_uses_the_fts5_table(corpus):
    sql = str(search(Proposal.objects.all(), "trees").query)
    assert "proposals_proposal_fts MATCH" in sql
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM proposals_proposal_fts")
        assert cursor.fetchone()[0] == 3
        # The FTS5 table's own integrity check against its content table.
        cursor.execute(
            "INSERT INTO proposals_proposal_fts(proposals_proposal_fts) VALUES('integrity-check')"
        )


@on_sqlite
def test_sqlite_folds_diacritics(corpus):
    assert found("cafe") == {"Benches in the park"}


@on_postgres
def test_postgres_uses_the_gin_index(corpus):
    qs = search(Proposal.objects.all(), "trees").order_by()
    assert "to_tsvector" in str(qs.query) and "@@" in str(qs.query)
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'proposals_search_gin'")
        definition = cursor.fetchone()[0]
        assert "gin" in definition.lower() and "to_tsvector" in definition
        # A table this small is read whole; forbid that (and plain index scans of
        # other indexes) to see that the GIN index matches the query's expression.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        sql, params = qs.query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "proposals_search_gin" in plan, plan
