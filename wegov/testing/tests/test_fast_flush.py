"""What a transactional test leaves behind: every table empty, content types back."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection

from wegov.accounts.models import Membership, User
from wegov.accounts.tests.factories import MembershipFactory
from wegov.reports.tests.factories import ReportFactory


@pytest.mark.django_db(transaction=True)
def test_flush_empties_every_filled_table_and_brings_content_types_back(city):
    MembershipFactory()  # a user, an organisation, a membership
    ReportFactory()  # a category, a report, its history
    assert Membership.objects.exists()
    call_command("flush", verbosity=0, interactive=False)
    with connection.cursor() as cursor:
        for table in connection.introspection.django_table_names(only_existing=True):
            if table in {"django_content_type", "auth_permission"}:
                continue
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            assert cursor.fetchone()[0] == 0, table
    assert not User.objects.exists()
    assert ContentType.objects.filter(app_label="reports", model="report").exists()


@pytest.mark.django_db
def test_every_foreign_key_is_deferred_so_deletes_may_go_in_any_order():
    if connection.vendor != "postgresql":
        pytest.skip("the fast flush is PostgreSQL's; SQLite's flush deletes table by table")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname FROM pg_constraint "
            "WHERE contype = 'f' AND NOT (condeferrable AND condeferred)"
        )
        assert cursor.fetchall() == []
