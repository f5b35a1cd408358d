"""The local OpenStreetMap index: streets, addresses, point features and the
areas where a report's point is unlikely (water, buildings).

Everything is imported from an OSM extract by ``manage.py import_osm`` and
replaced as a whole on the next import. Geometry is plain floats and JSON:
bounding boxes in indexed float columns narrow the candidates, and Python
(shapely, an equirectangular distance) does the exact test, as in ``places``.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .features import feature_kind_choices


class BBoxModel(models.Model):
    min_lat = models.FloatField()
    min_lon = models.FloatField()
    max_lat = models.FloatField()
    max_lon = models.FloatField()

    class Meta:
        abstract = True


def _bbox_ordered(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(min_lat__lte=F("max_lat")) & Q(min_lon__lte=F("max_lon")), name=name
    )


class Street(BBoxModel):
    """One named highway way: its nodes as a flat list [lat, lon, lat, lon, ...]."""

    osm_id = models.BigIntegerField()
    name = models.CharField(_("name"), max_length=200)
    norm_name = models.CharField(max_length=200, db_index=True)
    highway = models.CharField(_("road type"), max_length=40)
    coords = models.JSONField()

    class Meta:
        verbose_name = _("street")
        verbose_name_plural = _("streets")
        constraints = [_bbox_ordered("osm_street_bbox_ordered")]
        indexes = [models.Index(fields=["min_lat", "max_lat", "min_lon", "max_lon"])]

    def __str__(self):
        return self.name

    def points(self) -> list[tuple[float, float]]:
        c = self.coords
        return [(c[i], c[i + 1]) for i in range(0, len(c) - 1, 2)]


class Address(models.Model):
    """An address point: a node with addr:*, or a building's centroid."""

    osm_type = models.CharField(max_length=1)  # n or w
    osm_id = models.BigIntegerField()
    street = models.CharField(_("street"), max_length=200)
    norm_street = models.CharField(max_length=200, db_index=True)
    housenumber = models.CharField(_("house number"), max_length=20)
    norm_housenumber = models.CharField(max_length=20)
    postcode = models.CharField(_("postcode"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    lat = models.FloatField()
    lon = models.FloatField()

    class Meta:
        verbose_name = _("address")
        verbose_name_plural = _("addresses")
        indexes = [
            models.Index(fields=["lat", "lon"]),
            models.Index(fields=["norm_street", "norm_housenumber"]),
        ]

    def __str__(self):
        return f"{self.street} {self.housenumber}"


class Feature(models.Model):
    """A selected point feature: a street lamp, a bench, a bin, a bus stop..."""

    kind = models.CharField(_("kind"), max_length=40, choices=feature_kind_choices)
    osm_type = models.CharField(max_length=1)
    osm_id = models.BigIntegerField()
    name = models.CharField(_("name"), max_length=200, blank=True)
    ref = models.CharField(_("reference"), max_length=60, blank=True)
    lat = models.FloatField()
    lon = models.FloatField()

    class Meta:
        verbose_name = _("map feature")
        verbose_name_plural = _("map features")
        indexes = [models.Index(fields=["kind", "lat", "lon"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.name or self.ref or self.osm_id}".strip()


class NoPlaceArea(BBoxModel):
    """Water or a building: a report's point there gets a warning.

    ``geometry`` is a GeoJSON Polygon or MultiPolygon (lon, lat order)."""

    class Kind(models.TextChoices):
        WATER = "water", _("Water")
        BUILDING = "building", _("Building")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    osm_type = models.CharField(max_length=1)
    osm_id = models.BigIntegerField()
    name = models.CharField(_("name"), max_length=200, blank=True)
    geometry = models.JSONField()

    class Meta:
        verbose_name = _("water or building")
        verbose_name_plural = _("water and buildings")
        constraints = [_bbox_ordered("osm_noplacearea_bbox_ordered")]
        indexes = [models.Index(fields=["min_lat", "max_lat", "min_lon", "max_lon"])]

    def __str__(self):
        return self.name or f"{self.get_kind_display()} {self.osm_type}{self.osm_id}"


class OsmImport(models.Model):
    """One import of an extract: when, which file, what it held."""

    created_at = models.DateTimeField(_("imported"), auto_now_add=True, db_index=True)
    source = models.CharField(_("file"), max_length=255)
    counts = models.JSONField(_("counts"), default=dict)
    seconds = models.FloatField(_("duration (seconds)"), default=0)

    class Meta:
        verbose_name = _("OpenStreetMap import")
        verbose_name_plural = _("OpenStreetMap imports")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.source} ({self.created_at:%Y-%m-%d %H:%M})"


class CategoryFeatureRule(models.Model):
    """A report category that needs a map feature nearby: "street light out"
    needs a street lamp within a few metres, and the form suggests snapping to it."""

    category = models.ForeignKey(
        "reports.Category",
        verbose_name=_("category"),
        on_delete=models.CASCADE,
        related_name="feature_rules",
    )
    feature_kind = models.CharField(_("feature"), max_length=40, choices=feature_kind_choices)
    radius_m = models.PositiveIntegerField(
        _("radius (metres)"),
        default=25,
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
        help_text=_("The feature must be at most this far from the reported point (1-1000)."),
    )

    class Meta:
        verbose_name = _("category feature rule")
        verbose_name_plural = _("category feature rules")
        ordering = ["category", "feature_kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "feature_kind"], name="osm_rule_one_per_category_kind"
            ),
            models.CheckConstraint(
                condition=Q(radius_m__gt=0, radius_m__lte=1000), name="osm_rule_radius_range"
            ),
        ]

    def __str__(self):
        return f"{self.category}: {self.get_feature_kind_display()} ≤ {self.radius_m} m"
