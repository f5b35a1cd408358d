from django.conf import settings
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


class AreaOfInterest(TimeStampedModel):
    """A place someone wants to hear about: a circle, or a set of districts.

    A circle keeps its bounding box in float columns, so that the circles
    around a new contribution are found with one indexed range query before
    the exact distance test.
    """

    class Kind(models.TextChoices):
        CIRCLE = "circle", _("A circle on the map")
        DISTRICTS = "districts", _("Whole districts")

    MIN_RADIUS = 50
    MAX_RADIUS = 20_000

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="areas_of_interest",
    )
    name = models.CharField(_("name"), max_length=80)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    center_lat = models.FloatField(_("centre latitude"), null=True, blank=True)
    center_lon = models.FloatField(_("centre longitude"), null=True, blank=True)
    radius_m = models.PositiveIntegerField(_("radius (metres)"), null=True, blank=True)
    min_lat = models.FloatField(null=True, blank=True)
    min_lon = models.FloatField(null=True, blank=True)
    max_lat = models.FloatField(null=True, blank=True)
    max_lon = models.FloatField(null=True, blank=True)
    districts = models.ManyToManyField(
        Area,
        verbose_name=_("districts"),
        blank=True,
        related_name="areas_of_interest",
        limit_choices_to={"kind": Area.Kind.DISTRICT},
    )

    class Meta:
        verbose_name = _("area of interest")
        verbose_name_plural = _("areas of interest")
        ordering = ["name", "id"]
        constraints = [
            # A circle has its centre, radius and box; a set of districts none of them.
            models.CheckConstraint(
                condition=(
                    models.Q(
                        kind="circle",
                        center_lat__isnull=False,
                        center_lon__isnull=False,
                        radius_m__isnull=False,
                        min_lat__isnull=False,
                        min_lon__isnull=False,
                        max_lat__isnull=False,
                        max_lon__isnull=False,
                    )
                    | models.Q(
                        kind="districts",
                        center_lat__isnull=True,
                        center_lon__isnull=True,
                        radius_m__isnull=True,
                        min_lat__isnull=True,
                        min_lon__isnull=True,
                        max_lat__isnull=True,
                        max_lon__isnull=True,
                    )
                ),
                name="places_aoi_circle_or_districts",
            ),
            models.CheckConstraint(
                condition=models.Q(radius_m__isnull=True)
                | models.Q(radius_m__gte=50, radius_m__lte=20_000),
                name="places_aoi_radius_range",
            ),
            models.CheckConstraint(
                condition=models.Q(center_lat__isnull=True)
                | models.Q(
                    center_lat__gte=-90,
                    center_lat__lte=90,
                    center_lon__gte=-180,
                    center_lon__lte=180,
                ),
                name="places_aoi_centre_valid",
            ),
        ]
        indexes = [
            models.Index(
                fields=["min_lat", "max_lat", "min_lon", "max_lon"],
                name="places_aoi_circle_box",
                condition=models.Q(kind="circle"),
            )
        ]

    def __str__(self):
        return self.name

    @property
    def is_circle(self) -> bool:
        return self.kind == self.Kind.CIRCLE


class AreaAlert(models.Model):
    """A person was told about a contribution in their areas of interest: at
    most once per person and contribution, whatever areas or events repeat."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=30)
    object_id = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("area-of-interest alert")
        verbose_name_plural = _("area-of-interest alerts")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id", "user"], name="places_areaalert_once"
            )
        ]

    def __str__(self):
        return f"{self.user_id}: {self.kind} {self.object_id}"
