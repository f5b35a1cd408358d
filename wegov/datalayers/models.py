"""External open datasets shown as map layers, their point features, and the
links citizens make from a contribution to one feature ("this bench").

A layer's features are its last good copy: a refresh that fails leaves them as
they were and records the error on the layer; a refresh that succeeds replaces
them in one transaction, keeping the rows (and so the links to them) whose key
comes back.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wegov.core.models import TimeStampedModel


class DataLayer(TimeStampedModel):
    class Format(models.TextChoices):
        AUTO = "auto", _("Detect from the file")
        GEOJSON = "geojson", _("GeoJSON")
        CSV = "csv", _("CSV with latitude and longitude columns")

    class Refresh(models.IntegerChoices):
        NEVER = 0, _("Never (only when an administrator asks)")
        HOURLY = 60, _("Every hour")
        SIX_HOURS = 360, _("Every 6 hours")
        DAILY = 1440, _("Every day")
        WEEKLY = 10080, _("Every week")

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    licence = models.CharField(_("licence"), max_length=200)
    attribution = models.CharField(_("attribution"), max_length=300)
    source_url = models.URLField(_("source page"), max_length=500, blank=True)
    # Where the data comes from: an uploaded file, or a URL fetched on refresh.
    data_url = models.URLField(_("data URL"), max_length=500, blank=True)
    upload = models.FileField(_("uploaded file"), upload_to="datalayers/uploads/", blank=True)
    format = models.CharField(_("format"), max_length=10, choices=Format.choices, default="auto")
    # CSV columns; blank means "detect from the usual names".
    lat_column = models.CharField(_("latitude column"), max_length=80, blank=True)
    lon_column = models.CharField(_("longitude column"), max_length=80, blank=True)
    name_column = models.CharField(_("name column"), max_length=80, blank=True)
    key_column = models.CharField(_("identifier column or property"), max_length=80, blank=True)
    refresh_minutes = models.PositiveIntegerField(
        _("refresh"), choices=Refresh.choices, default=Refresh.NEVER
    )
    is_public = models.BooleanField(_("shown to the public"), default=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    # Status of the last good copy and of the last attempt.
    feature_count = models.PositiveIntegerField(_("features"), default=0)
    refreshed_at = models.DateTimeField(_("last successful refresh"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    next_refresh_at = models.DateTimeField(_("next refresh"), null=True, blank=True, db_index=True)
    last_error = models.TextField(_("last error"), blank=True)
    last_error_at = models.DateTimeField(_("last error at"), null=True, blank=True)

    class Meta:
        verbose_name = _("data layer")
        verbose_name_plural = _("data layers")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(format__in=["auto", "geojson", "csv"]),
                name="datalayers_layer_format_valid",
            ),
            # A layer has exactly one source: an uploaded file or a URL.
            models.CheckConstraint(
                condition=(Q(data_url="") & ~Q(upload="")) | (~Q(data_url="") & Q(upload="")),
                name="datalayers_layer_one_source",
            ),
            # Only URL layers refresh on a schedule.
            models.CheckConstraint(
                condition=Q(refresh_minutes=0) | ~Q(data_url=""),
                name="datalayers_layer_refresh_needs_url",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_url_layer(self) -> bool:
        return bool(self.data_url)

    def get_absolute_url(self) -> str:
        return reverse("datalayers:staff_detail", args=[self.slug])

    @property
    def geojson_url(self) -> str:
        return reverse("datalayers:geojson", kwargs={"slug": self.slug})


class LayerFeature(models.Model):
    """One point of a layer. ``key`` is the feature's id in the source (its
    GeoJSON ``id``, the identifier column, or else its position)."""

    layer = models.ForeignKey(
        DataLayer, on_delete=models.CASCADE, related_name="features", verbose_name=_("layer")
    )
    key = models.CharField(_("key"), max_length=200)
    name = models.CharField(_("name"), max_length=200, blank=True)
    lat = models.FloatField(_("latitude"))
    lon = models.FloatField(_("longitude"))
    # Scalar values only (text, numbers, true/false, null), sanitised on import.
    properties = models.JSONField(_("properties"), default=dict, blank=True)

    class Meta:
        verbose_name = _("layer feature")
        verbose_name_plural = _("layer features")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["layer", "key"], name="datalayers_feature_key_unique"),
            models.CheckConstraint(
                condition=Q(lat__gte=-90) & Q(lat__lte=90) & Q(lon__gte=-180) & Q(lon__lte=180),
                name="datalayers_feature_coordinates_valid",
            ),
        ]
        indexes = [models.Index(fields=["layer", "lat", "lon"], name="datalayers_feature_geo")]

    def __str__(self):
        return self.name or self.key


class FeatureLink(models.Model):
    """A contribution (any registered kind) says it is about this feature."""

    contribution_kind = models.CharField(_("contribution kind"), max_length=40)
    contribution_id = models.PositiveBigIntegerField(_("contribution id"))
    feature = models.ForeignKey(
        LayerFeature, on_delete=models.CASCADE, related_name="links", verbose_name=_("feature")
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("linked by"),
    )
    created_at = models.DateTimeField(_("linked at"), auto_now_add=True)

    class Meta:
        verbose_name = _("feature link")
        verbose_name_plural = _("feature links")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["contribution_kind", "contribution_id", "feature"],
                name="datalayers_link_unique",
            ),
            models.CheckConstraint(
                condition=~Q(contribution_kind=""), name="datalayers_link_kind_set"
            ),
        ]
        indexes = [
            models.Index(
                fields=["contribution_kind", "contribution_id"], name="datalayers_link_target"
            )
        ]

    def __str__(self):
        return f"{self.contribution_kind} {self.contribution_id} -> {self.feature_id}"
