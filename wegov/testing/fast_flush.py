"""After a transactional test, PostgreSQL empties only the tables that have rows.

A test that needs real commits (the browser tests' live server, the concurrency tests) ends
with Django's ``flush``, which on PostgreSQL is one ``TRUNCATE`` of all ~100 tables: about
0.6 s, since TRUNCATE gives every table and index a new file, however empty it was. One query
finds the few tables the test filled (``EXISTS`` on each, ~10 ms), and ``DELETE`` empties
just those. DELETE may go in any order: every foreign key Django makes on PostgreSQL is
``DEFERRABLE INITIALLY DEFERRED`` (a test checks that), and flush runs in one transaction.
Nothing else changes: the same tables end empty, and flush then re-creates content types and
permissions as before.
"""

from __future__ import annotations

from django.db.backends.postgresql.operations import DatabaseOperations

_truncate_all = DatabaseOperations.sql_flush


def _sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
    if reset_sequences or allow_cascade or not tables:
        return _truncate_all(
            self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
    quote = self.quote_name
    # Table names come from Django's introspection, quoted; no value is interpolated.
    probes = ", ".join(f"EXISTS (SELECT 1 FROM {quote(t)})" for t in tables)  # noqa: S608
    with self.connection.cursor() as cursor:
        cursor.execute(f"SELECT {probes}")
        has_rows = cursor.fetchone()
    return [
        f"{style.SQL_KEYWORD('DELETE FROM')} {style.SQL_FIELD(quote(table))};"
        for table, filled in zip(tables, has_rows, strict=True)
        if filled
    ]


def install() -> None:
    """Use it for this test process (never for the site: only conftest calls this)."""
    DatabaseOperations.sql_flush = _sql_flush
