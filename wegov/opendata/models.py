"""The administrator's open-data settings and the state of each dataset's files."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Licence(models.TextChoices):
    CC0 = "CC0-1.0", _("Creative Commons Zero 1.0 (public domain dedication)")
    CC_BY = "CC-BY-4.0", _("Creative Commons Attribution 4.0 International")
    ODBL = "ODbL-1.0", _("Open Data Commons Open Database License 1.0")


# SPDX id -> (the licence's own URL, the EU licence authority URI used by DCAT-AP).
LICENCE_URIS: dict[str, tuple[str, str]] = {
    Licence.CC0: (
        "https://creativecommons.org/publicdomain/zero/1.0/",
        "http://publications.europa.eu/resource/authority/licence/CC0",
    ),
    Licence.CC_BY: (
        "https://creativecommons.org/licenses/by/4.0/",
        "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0",
    ),
    Licence.ODBL: (
        "https://opendatacommons.org/licenses/odbl/1-0/",
        "http://publications.europa.eu/resource/authority/licence/ODC_BL",
    ),
}


def default_publisher() -> str:
    return settings.WEGOV_CITY_NAME


def default_contact_email() -> str:
    return settings.WEGOV_CONTACT_EMAIL


class OpenDataSettings(models.Model):
    """One row (id 1): the licence of every dataset, who publishes them and
    whom to ask about them. ``OpenDataSettings.load()`` reads or creates it."""

    SINGLETON_ID = 1

    licence = models.CharField(
        _("licence"), max_length=20, choices=Licence.choices, default=Licence.CC_BY
    )
    publisher_name = models.CharField(
        _("publisher"),
        max_length=200,
        default=default_publisher,
        help_text=_("The public body that publishes the data, e.g. the city."),
    )
    contact_name = models.CharField(_("contact point"), max_length=200, default="Open data officer")
    contact_email = models.EmailField(
        _("contact email"),
        default=default_contact_email,
        help_text=_("A role address of the open-data officer, never a personal one."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("open-data settings")
        verbose_name_plural = _("open-data settings")
        constraints = [models.CheckConstraint(condition=Q(id=1), name="opendata_settings_single")]

    def __str__(self):
        return str(_("Open-data settings"))

    @classmethod
    def load(cls) -> OpenDataSettings:
        obj, _created = cls.objects.get_or_create(pk=cls.SINGLETON_ID)
        return obj

    @property
    def licence_url(self) -> str:
        return LICENCE_URIS[self.licence][0]

    @property
    def licence_authority_uri(self) -> str:
        return LICENCE_URIS[self.licence][1]


class DatasetExport(models.Model):
    """What the last successful export of a dataset wrote, and the last failure.

    A failed export leaves the files (and ``generated_at``, ``rows``, ``sizes``)
    of the last good one in place; only ``last_error`` and ``failed_at`` change.
    """

    slug = models.SlugField(_("dataset"), max_length=80, unique=True)
    generated_at = models.DateTimeField(_("last generated"), null=True, blank=True)
    first_generated_at = models.DateTimeField(_("first generated"), null=True, blank=True)
    rows = models.PositiveBigIntegerField(_("rows"), null=True, blank=True)
    # format -> bytes, e.g. {"csv": 1234, "geojson": 5678, "json": 4321}
    sizes = models.JSONField(_("file sizes"), default=dict, blank=True)
    # The period the rows cover (the dataset's temporal field), for dct:temporal.
    temporal_start = models.DateField(_("first date"), null=True, blank=True)
    temporal_end = models.DateField(_("last date"), null=True, blank=True)
    duration_seconds = models.FloatField(_("duration (seconds)"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    failed_at = models.DateTimeField(_("last failed"), null=True, blank=True)

    class Meta:
        verbose_name = _("dataset export")
        verbose_name_plural = _("dataset exports")
        ordering = ["slug"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rows__isnull=True) | Q(generated_at__isnull=False),
                name="opendata_export_rows_have_date",
            )
        ]

    def __str__(self):
        return self.slug

    @property
    def failed_since_last_success(self) -> bool:
        return self.failed_at is not None and (
            self.generated_at is None or self.failed_at > self.generated_at
        )
