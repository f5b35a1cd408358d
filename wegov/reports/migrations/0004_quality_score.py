"""Quality score (wegov.core.quality) of each report, staff only."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_user_activity_public_user_avatar_user_blocked_at_and_more'),
        ('places', '0001_initial'),
        ('reports', '0003_report_hidden_reason'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='report',
            name='quality_parts',
            field=models.JSONField(blank=True, default=list, verbose_name='quality score parts'),
        ),
        migrations.AddField(
            model_name='report',
            name='quality_score',
            field=models.SmallIntegerField(blank=True, null=True, verbose_name='quality score'),
        ),
        migrations.AddIndex(
            model_name='report',
            index=models.Index(fields=['department', 'quality_score'], name='reports_department_quality'),
        ),
        migrations.AddConstraint(
            model_name='report',
            constraint=models.CheckConstraint(condition=models.Q(('quality_score__isnull', True), models.Q(('quality_score__gte', 0), ('quality_score__lte', 100)), _connector='OR'), name='reports_quality_score_range'),
        ),
    ]
