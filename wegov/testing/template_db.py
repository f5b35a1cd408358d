"""A migrated template database, built once and cloned by every pytest worker.

Migrating an empty database costs about a minute on a 2-core machine, almost all of it
Django re-rendering the migration states of ~200 related models rather than running SQL
(docs/testing.md has the profile). Each xdist worker used to migrate a database of its own
in every run. Now:

1. The template is named after a fingerprint of every migration file, Django's version,
   the database vendor and this recipe, so it is built again only when one of them changes.
2. The first worker that needs it builds it under a lock (a PostgreSQL advisory lock, or a
   file lock beside the SQLite templates); the other waits, then uses it.
3. Each worker clones it: PostgreSQL with ``CREATE DATABASE ... TEMPLATE``, SQLite by copying
   the template into the worker's in-memory database with SQLite's backup API.

A template is kept for the next run, and for every checkout on the machine: the SQLite ones
in ``WEGOV_TEST_DB_CACHE`` (default ``~/.cache/wegov/test-db``; unused for a week, one is
removed), the PostgreSQL ones on the server as ``test_<name>_tpl_<fingerprint>``.
``pytest --create-db`` builds it again, once for the whole run. The worker databases are
dropped at the end, as before. A template is only ever used whole: it is built under a
temporary name and renamed.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import re
import shutil
import sqlite3
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import django
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections


def fingerprint(vendor: str) -> str:
    """What the migrated schema and data depend on: a new migration gives a new template."""
    from django.db.migrations.loader import MigrationLoader

    digest = hashlib.sha256(f"{vendor}|{django.get_version()}".encode())
    digest.update("|".join(settings.INSTALLED_APPS).encode())
    loader = MigrationLoader(None, ignore_no_migrations=True)
    for key in sorted(loader.disk_migrations):
        module = sys.modules[loader.disk_migrations[key].__module__]
        digest.update("|{}.{}|".format(*key).encode())
        digest.update(Path(module.__file__).read_bytes())
    digest.update(Path(__file__).read_bytes())
    return digest.hexdigest()[:16]


@dataclass
class Clone:
    alias: str
    vendor: str
    name: str
    in_memory: bool = False


def setup(*, run_id: str, rebuild: bool = False, serialize: bool = False) -> Clone:
    """Give this process its own test database, cloned from the template.

    ``run_id`` is the same in every worker of one pytest run: with ``rebuild`` the template
    is built again unless this run already did (the first worker builds, the other clones).
    """
    if list(settings.DATABASES) != [DEFAULT_DB_ALIAS]:
        raise RuntimeError("the template database knows one database alias, 'default'")
    if not re.fullmatch(r"[0-9a-f]{1,64}", run_id):
        raise ValueError(f"run id {run_id!r}: expected hexadecimal digits")
    rebuild_unless_by = run_id if rebuild else None
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor == "postgresql":
        clone = _postgres_setup(connection, rebuild_unless_by=rebuild_unless_by)
    elif connection.vendor == "sqlite":
        clone = _sqlite_setup(connection, rebuild_unless_by=rebuild_unless_by)
    else:
        raise RuntimeError(f"no template database for {connection.vendor}")
    if serialize:
        # Only tests with serialized_rollback=True read this (Django's TransactionTestCase).
        connection._test_serialized_contents = connection.creation.serialize_db_to_string()
    return clone


def teardown(clone: Clone) -> None:
    connection = connections[clone.alias]
    if clone.in_memory:
        return  # gone with the process
    connection.close()
    if connection.vendor == "postgresql":
        quote = connection.ops.quote_name
        with connection.creation._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quote(clone.name)}")
    else:
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                os.remove(clone.name + suffix)


def _point_at(connection, name: str) -> None:
    """Make the connection (and settings, as Django's create_test_db does) use ``name``."""
    connection.close()
    settings.DATABASES[connection.alias]["NAME"] = name
    connection.settings_dict["NAME"] = name


def _must_build(exists: bool, built_by: str | None, rebuild_unless_by: str | None) -> bool:
    return not exists or (rebuild_unless_by is not None and built_by != rebuild_unless_by)


def _migrate_into(connection, test_name: str) -> None:
    """Create and migrate a database named ``test_name`` with Django's own test recipe."""
    test_settings = connection.settings_dict["TEST"]
    previous = test_settings.get("NAME")
    test_settings["NAME"] = test_name
    try:
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    finally:
        test_settings["NAME"] = previous
    connection.close()


# --- PostgreSQL -----------------------------------------------------------------------


def _postgres_setup(connection, *, rebuild_unless_by: str | None) -> Clone:
    target = connection.creation._get_test_db_name()
    fp = fingerprint("postgresql")
    prefix = f"test_{connection.settings_dict['NAME']}_tpl_"[:46]
    template = prefix + fp
    quote = connection.ops.quote_name
    lock_key = int(fp[:15], 16)
    with connection.creation._nodb_cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [lock_key])
        try:
            cursor.execute(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
                [template],
            )
            row = cursor.fetchone()
            if _must_build(row is not None, row and row[0], rebuild_unless_by):
                _postgres_build(connection, cursor, template, prefix, rebuild_unless_by)
            cursor.execute(f"DROP DATABASE IF EXISTS {quote(target)}")
            cursor.execute(f"CREATE DATABASE {quote(target)} TEMPLATE {quote(template)}")
        finally:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [lock_key])
    _point_at(connection, target)
    return Clone(connection.alias, connection.vendor, target)


def _postgres_build(connection, cursor, template, prefix, run_id: str | None) -> None:
    quote = connection.ops.quote_name
    building = template + "_new"
    _migrate_into(connection, building)
    if run_id:  # hexadecimal digits only (setup checks), so safe as a literal
        cursor.execute(f"COMMENT ON DATABASE {quote(building)} IS '{run_id}'")
    # Templates of earlier migration states are of no more use to this checkout.
    cursor.execute(
        "SELECT datname FROM pg_database WHERE starts_with(datname, %s) AND datname <> %s",
        [prefix, building],
    )
    for (stale,) in cursor.fetchall():
        cursor.execute(f"DROP DATABASE IF EXISTS {quote(stale)} WITH (FORCE)")
    cursor.execute(f"ALTER DATABASE {quote(building)} RENAME TO {quote(template)}")


# --- SQLite ---------------------------------------------------------------------------


UNUSED_SQLITE_TEMPLATE_SECONDS = 7 * 24 * 3600


def sqlite_template_dir() -> Path:
    configured = os.environ.get("WEGOV_TEST_DB_CACHE", "").strip()
    if configured:
        return Path(configured)
    cache = os.environ.get("XDG_CACHE_HOME", "").strip() or Path.home() / ".cache"
    return Path(cache) / "wegov" / "test-db"


def _sqlite_setup(connection, *, rebuild_unless_by: str | None) -> Clone:
    target = connection.creation._get_test_db_name()
    directory = sqlite_template_dir()
    directory.mkdir(parents=True, exist_ok=True)
    template = directory / f"template-{fingerprint('sqlite')}.sqlite3"
    built_by_file = template.with_name(template.name + ".run")
    with open(directory / "template.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            built_by = built_by_file.read_text() if built_by_file.exists() else None
            if _must_build(template.exists(), built_by, rebuild_unless_by):
                _sqlite_build(connection, template)
                built_by_file.write_text(rebuild_unless_by or "")
            os.utime(template)  # in use: kept while other checkouts' old ones go
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)

    if connection.creation.is_in_memory_db(target):
        _point_at(connection, target)
        connection.ensure_connection()
        source = sqlite3.connect(f"file:{template}?mode=ro", uri=True)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
        return Clone(connection.alias, connection.vendor, target, in_memory=True)

    for suffix in ("-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            os.remove(target + suffix)
    shutil.copyfile(template, target)
    _point_at(connection, target)
    return Clone(connection.alias, connection.vendor, target)


def _sqlite_build(connection, template: Path) -> None:
    building = template.with_name(template.name + ".new")
    _migrate_into(connection, str(building))
    # One self-contained file (no WAL beside it) that can be opened read-only.
    with sqlite3.connect(building) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.execute("PRAGMA journal_mode=DELETE")
    db.close()
    unused_since = time.time() - UNUSED_SQLITE_TEMPLATE_SECONDS
    for other in template.parent.glob("template-*.sqlite3"):
        if other != template and other.stat().st_mtime < unused_since:
            other.unlink()
            other.with_name(other.name + ".run").unlink(missing_ok=True)
    os.replace(building, template)
