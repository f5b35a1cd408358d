"""Base-map problems: what citizens and staff see wrong or missing on the
OpenStreetMap base map (a missing bench, a wrong street name, a closed path).

The platform never edits OpenStreetMap: the city's mappers read the flags,
export them as GeoJSON for OSM notes or a MapRoulette challenge, and record
what became of each (sent, fixed, rejected).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wegov.core.models import TimeStampedModel

DESCRIPTION_MAX = 2000
NOTES_MAX = 2000
OSM_ID_MAX = 2**63 - 1


class Kind(models.TextChoices):
    MISSING = "missing", _("Missing feature (a bench, a path, a building…)")
    WRONG_NAME = "wrong_name", _("Wrong name (a street, a square, a park…)")
    BLOCKED = "blocked", _("Closed or blocked path")
    OBSOLETE = "obsolete", _("Wrong or no longer there")
    OTHER = "other", _("Something else")


class Status(models.TextChoices):
    OPEN = "open", _("Open")
    SENT = "sent", _("Sent to OpenStreetMap (note or challenge)")
    FIXED = "fixed", _("Fixed in OpenStreetMap")
    REJECTED = "rejected", _("Rejected")


class OsmType(models.TextChoices):
    NODE = "node", _("Node")
    WAY = "way", _("Way")
    RELATION = "relation", _("Relation")


class BaseMapFlag(TimeStampedModel):
    kind = models.CharField(_("what is wrong"), max_length=20, choices=Kind.choices)
    description = models.TextField(_("description"), max_length=DESCRIPTION_MAX)
    lat = models.FloatField(_("latitude"))
    lon = models.FloatField(_("longitude"))
    district = models.ForeignKey(
        "places.District",
        verbose_name=_("district"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    osm_type = models.CharField(
        _("OpenStreetMap element type"), max_length=10, choices=OsmType.choices, blank=True
    )
    osm_id = models.PositiveBigIntegerField(_("OpenStreetMap element id"), null=True, blank=True)
    # Users are never deleted (erasure anonymises them): PROTECT keeps it so.
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.PROTECT,
        related_name="basemap_flags",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("status changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    staff_notes = models.TextField(_("mappers' notes"), max_length=NOTES_MAX, blank=True)

    class Meta:
        verbose_name = _("base-map problem")
        verbose_name_plural = _("base-map problems")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "created_at"], name="basemap_status_created"),
            models.Index(fields=["kind", "created_at"], name="basemap_kind_created"),
            models.Index(fields=["reporter", "created_at"], name="basemap_reporter_created"),
            models.Index(fields=["lat", "lon"], name="basemap_lat_lon"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(lat__gte=-90) & Q(lat__lte=90) & Q(lon__gte=-180) & Q(lon__lte=180),
                name="basemap_flag_coordinates_valid",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=Kind.values), name="basemap_flag_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="basemap_flag_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(osm_type="", osm_id__isnull=True)
                | Q(osm_type__in=OsmType.values, osm_id__isnull=False, osm_id__gt=0),
                name="basemap_flag_osm_reference_whole",
            ),
            models.CheckConstraint(
                condition=~Q(description=""), name="basemap_flag_description_given"
            ),
            models.CheckConstraint(
                condition=Q(status="open") | Q(status_changed_at__isnull=False),
                name="basemap_flag_status_change_dated",
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.get_kind_display()}"

    def get_absolute_url(self):
        return reverse("basemap:detail", args=[self.pk])

    @property
    def osm_reference(self) -> str:
        """ "way/123", or "" when none was given."""
        return f"{self.osm_type}/{self.osm_id}" if self.osm_type else ""

    @property
    def osm_url(self) -> str:
        if not self.osm_type:
            return ""
        return f"https://www.openstreetmap.org/{self.osm_type}/{self.osm_id}"
