"""Full-text search structures, different per database (see proposals/search.py).

PostgreSQL: a GIN index on the weighted tsvector the queries use (the same
expression, so the planner uses it). SQLite: an FTS5 table with external
content plus triggers that keep it in step with proposals_proposal.

Note for later migrations: when Django rebuilds proposals_proposal on SQLite
(some ALTERs copy the table), the triggers are dropped with the old table.
Such a migration must call ``sqlite_create(schema_editor)`` again (importable
from here) and rebuild the index: ``INSERT INTO proposals_proposal_fts
(proposals_proposal_fts) VALUES ('rebuild')``.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

INDEX_NAME = "proposals_search_gin"
FTS = "proposals_proposal_fts"

SQLITE_CREATE = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS} USING fts5("
    "title, body, content='proposals_proposal', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER IF NOT EXISTS {FTS}_ai AFTER INSERT ON proposals_proposal BEGIN "
    f"INSERT INTO {FTS}(rowid, title, body) VALUES (new.id, new.title, new.body); END",
    f"CREATE TRIGGER IF NOT EXISTS {FTS}_ad AFTER DELETE ON proposals_proposal BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, title, body) VALUES ('delete', old.id, old.title, old.body); "
    "END",
    f"CREATE TRIGGER IF NOT EXISTS {FTS}_au AFTER UPDATE OF title, body ON proposals_proposal "
    f"BEGIN INSERT INTO {FTS}({FTS}, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); "
    f"INSERT INTO {FTS}(rowid, title, body) VALUES (new.id, new.title, new.body); END",
    f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')",
]
SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS {FTS}_ai",
    f"DROP TRIGGER IF EXISTS {FTS}_ad",
    f"DROP TRIGGER IF EXISTS {FTS}_au",
    f"DROP TABLE IF EXISTS {FTS}",
]


def _gin_index():
    # Keep in step with proposals.search.vector().
    document = SearchVector("title", weight="A", config="simple") + SearchVector(
        "body", weight="B", config="simple"
    )
    return GinIndex(document, name=INDEX_NAME)


def sqlite_create(schema_editor):
    for statement in SQLITE_CREATE:
        schema_editor.execute(statement)


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        sqlite_create(schema_editor)
    elif vendor == "postgresql":
        schema_editor.add_index(apps.get_model("proposals", "Proposal"), _gin_index())


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement)
    elif vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("proposals", "Proposal"), _gin_index())


class Migration(migrations.Migration):
    dependencies = [("proposals", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
