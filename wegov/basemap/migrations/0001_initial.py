"""Base-map problem flags."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('places', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='BaseMapFlag',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='created')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                ('kind', models.CharField(choices=[('missing', 'Missing feature (a bench, a path, a building…)'), ('wrong_name', 'Wrong name (a street, a square, a park…)'), ('blocked', 'Closed or blocked path'), ('obsolete', 'Wrong or no longer there'), ('other', 'Something else')], max_length=20, verbose_name='what is wrong')),
                ('description', models.TextField(max_length=2000, verbose_name='description')),
                ('lat', models.FloatField(verbose_name='latitude')),
                ('lon', models.FloatField(verbose_name='longitude')),
                ('osm_type', models.CharField(blank=True, choices=[('node', 'Node'), ('way', 'Way'), ('relation', 'Relation')], max_length=10, verbose_name='OpenStreetMap element type')),
                ('osm_id', models.PositiveBigIntegerField(blank=True, null=True, verbose_name='OpenStreetMap element id')),
                ('status', models.CharField(choices=[('open', 'Open'), ('sent', 'Sent to OpenStreetMap (note or challenge)'), ('fixed', 'Fixed in OpenStreetMap'), ('rejected', 'Rejected')], default='open', max_length=10, verbose_name='status')),
                ('status_changed_at', models.DateTimeField(blank=True, null=True, verbose_name='status changed')),
                ('staff_notes', models.TextField(blank=True, max_length=2000, verbose_name="mappers' notes")),
                ('district', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='places.district', verbose_name='district')),
                ('reporter', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='basemap_flags', to=settings.AUTH_USER_MODEL, verbose_name='reported by')),
                ('status_changed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='status changed by')),
            ],
            options={
                'verbose_name': 'base-map problem',
                'verbose_name_plural': 'base-map problems',
                'ordering': ['-created_at', '-id'],
                'indexes': [models.Index(fields=['status', 'created_at'], name='basemap_status_created'), models.Index(fields=['kind', 'created_at'], name='basemap_kind_created'), models.Index(fields=['reporter', 'created_at'], name='basemap_reporter_created'), models.Index(fields=['lat', 'lon'], name='basemap_lat_lon')],
                'constraints': [models.CheckConstraint(condition=models.Q(('lat__gte', -90), ('lat__lte', 90), ('lon__gte', -180), ('lon__lte', 180)), name='basemap_flag_coordinates_valid'), models.CheckConstraint(condition=models.Q(('kind__in', ['missing', 'wrong_name', 'blocked', 'obsolete', 'other'])), name='basemap_flag_kind_valid'), models.CheckConstraint(condition=models.Q(('status__in', ['open', 'sent', 'fixed', 'rejected'])), name='basemap_flag_status_valid'), models.CheckConstraint(condition=models.Q(models.Q(('osm_id__isnull', True), ('osm_type', '')), models.Q(('osm_id__gt', 0), ('osm_id__isnull', False), ('osm_type__in', ['node', 'way', 'relation'])), _connector='OR'), name='basemap_flag_osm_reference_whole'), models.CheckConstraint(condition=models.Q(('description', ''), _negated=True), name='basemap_flag_description_given'), models.CheckConstraint(condition=models.Q(('status', 'open'), ('status_changed_at__isnull', False), _connector='OR'), name='basemap_flag_status_change_dated')],
            },
        ),
    ]
