from django.db import models
from django.utils.translation import gettext_lazy as _

from wegov.core.models import TimeStampedModel


class Area(TimeStampedModel):
    """A polygon of the city: the city boundary itself, or one of its districts.

    Geometry is kept as GeoJSON (WGS84) with its bounding box in indexed float
    columns; shapely does the exact point-in-polygon test after the bounding
    box has narrowed the candidates. No GDAL needed.
    """

    class Kind(models.TextChoices):
        CITY = "city", _("City boundary")
        DISTRICT = "district", _("District")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    geometry = models.JSONField(_("boundary (GeoJSON)"))
    min_lat = models.FloatField()
    min_lon = models.FloatField()
    max_lat = models.FloatField()
    max_lon = models.FloatField()
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_lat__lte=models.F("max_lat"))
                & models.Q(min_lon__lte=models.F("max_lon")),
                name="places_area_bbox_ordered",
            ),
            models.UniqueConstraint(
                fields=["kind"],
                condition=models.Q(kind="city"),
                name="places_area_one_city",
            ),
        ]
        indexes = [models.Index(fields=["min_lat", "max_lat", "min_lon", "max_lon"])]

    def __str__(self):
        return self.name


class DistrictManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(kind=Area.Kind.DISTRICT)


class District(Area):
    """Districts are areas of kind ``district`` (a proxy, so one table)."""

    objects = DistrictManager()

    class Meta:
        proxy = True
        verbose_name = _("district")
        verbose_name_plural = _("districts")
