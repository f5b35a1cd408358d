"""The database each worker clones from the template is the migrated one."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from wegov.testing import template_db


@pytest.mark.django_db
def test_every_migration_on_disk_is_applied_in_the_cloned_database():
    on_disk = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    applied = set(MigrationRecorder(connection).applied_migrations())
    assert on_disk
    assert on_disk == applied


@pytest.mark.django_db
def test_the_clone_has_what_migrating_creates_besides_tables():
    # Content types come from post_migrate, not from a migration file.
    assert ContentType.objects.filter(app_label="reports", model="report").exists()


def test_the_fingerprint_is_stable_and_differs_per_database():
    assert template_db.fingerprint("sqlite") == template_db.fingerprint("sqlite")
    assert template_db.fingerprint("sqlite") != template_db.fingerprint("postgresql")
