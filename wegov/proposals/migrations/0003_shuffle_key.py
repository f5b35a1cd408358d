"""The random order sorts by a key drawn per proposal (selectors.RotatedOrder),
with a partial index of the listed proposals by (process, key)."""

from django.db import migrations, models

import wegov.proposals.models

fts = __import__("wegov.proposals.migrations.0002_full_text_search", fromlist=["sqlite_create"])

SHUFFLE_KEYS = 2**31 - 1


def draw_keys(apps, schema_editor):
    # One statement, drawn by the database: existing rows must not share the
    # single value AddField gives them.
    table = apps.get_model("proposals", "Proposal")._meta.db_table
    if schema_editor.connection.vendor == "postgresql":
        draw = f"floor(random() * {SHUFFLE_KEYS})::integer"
    else:  # SQLite: random() is a signed 64-bit integer
        draw = f"abs(random() % {SHUFFLE_KEYS})"
    schema_editor.execute(f"UPDATE {table} SET shuffle_key = {draw}")


def restore_sqlite_search(apps, schema_editor):
    # SQLite rebuilt proposals_proposal for the new column and constraint,
    # dropping the full-text triggers with the old table (see 0002's note).
    if schema_editor.connection.vendor == "sqlite":
        fts.sqlite_create(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("proposals", "0002_full_text_search"),
    ]

    operations = [
        migrations.AddField(
            model_name="proposal",
            name="shuffle_key",
            field=models.IntegerField(
                default=0, editable=False, verbose_name="place in the random order"
            ),
            preserve_default=False,
        ),
        migrations.RunPython(draw_keys, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="proposal",
            name="shuffle_key",
            field=models.IntegerField(
                default=wegov.proposals.models.new_shuffle_key,
                editable=False,
                verbose_name="place in the random order",
            ),
        ),
        migrations.AddIndex(
            model_name="proposal",
            index=models.Index(
                condition=models.Q(("is_hidden", False), ("state", "published")),
                fields=["process", "shuffle_key"],
                name="proposals_listed_shuffle",
            ),
        ),
        migrations.AddConstraint(
            model_name="proposal",
            constraint=models.CheckConstraint(
                condition=models.Q(("shuffle_key__gte", 0), ("shuffle_key__lt", SHUFFLE_KEYS)),
                name="proposals_shuffle_key_range",
            ),
        ),
        migrations.RunPython(restore_sqlite_search, migrations.RunPython.noop, elidable=False),
    ]
