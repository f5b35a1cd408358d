"""Quality score (wegov.core.quality) of each proposal, staff and moderators only."""

from django.conf import settings
from django.db import migrations, models

fts = __import__("wegov.proposals.migrations.0002_full_text_search", fromlist=["sqlite_create"])


def restore_sqlite_search(apps, schema_editor):
    # SQLite rebuilt proposals_proposal for the new columns and constraint,
    # dropping the full-text triggers with the old table (see 0002's note).
    if schema_editor.connection.vendor == "sqlite":
        fts.sqlite_create(schema_editor)


class Migration(migrations.Migration):

    dependencies = [
        ('places', '0001_initial'),
        ('processes', '0002_phase_announced_on_process_hero_image_height_and_more'),
        ('proposals', '0003_shuffle_key'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='proposal',
            name='quality_parts',
            field=models.JSONField(blank=True, default=list, verbose_name='quality score parts'),
        ),
        migrations.AddField(
            model_name='proposal',
            name='quality_score',
            field=models.SmallIntegerField(blank=True, null=True, verbose_name='quality score'),
        ),
        migrations.AddConstraint(
            model_name='proposal',
            constraint=models.CheckConstraint(condition=models.Q(('quality_score__isnull', True), models.Q(('quality_score__gte', 0), ('quality_score__lte', 100)), _connector='OR'), name='proposals_quality_score_range'),
        ),
        migrations.RunPython(restore_sqlite_search, migrations.RunPython.noop, elidable=False),
    ]
