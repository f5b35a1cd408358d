"""The map index: one row per public, geolocated contribution of any kind.

Denormalised from the contribution registry (``core.registry``): kind,
object id, point, title, status, category, district, process and time, so that
one indexed bounding-box query serves every kind on the one map, its filters
and its list view. ``services`` keeps it in step with every save.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class MapItem(models.Model):
    kind = models.CharField(_("kind"), max_length=30)
    object_id = models.PositiveBigIntegerField(_("object"))
    lat = models.FloatField(_("latitude"))
    lon = models.FloatField(_("longitude"))
    title = models.CharField(_("title"), max_length=200)
    url = models.CharField(_("address"), max_length=300)
    status = models.CharField(_("status"), max_length=30, blank=True)
    category = models.CharField(_("category"), max_length=80, blank=True)
    district = models.ForeignKey(
        "places.Area",
        verbose_name=_("district"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    process_id = models.PositiveBigIntegerField(_("process"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"))

    class Meta:
        verbose_name = _("map item")
        verbose_name_plural = _("map items")
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="mapview_item_unique"),
            models.CheckConstraint(
                condition=Q(lat__gte=-90, lat__lte=90, lon__gte=-180, lon__lte=180),
                name="mapview_item_on_earth",
            ),
        ]
        indexes = [
            # The bounding-box scans of every map view (and the cluster GROUP BY).
            models.Index(fields=["lat", "lon"], name="mapview_lat_lon"),
            models.Index(fields=["kind", "lat", "lon"], name="mapview_kind_lat_lon"),
            # The list view: newest first.
            models.Index(fields=["-created_at", "-id"], name="mapview_newest"),
        ]

    def __str__(self):
        return f"{self.kind} {self.object_id}: {self.title}"
