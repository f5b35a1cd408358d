"""Residence verification: who lives in which district.

A person is a verified resident of a district when they have a ``Residence``
there that has not expired. They get one in one of three ways: by matching an
entry of the census list the city uploaded (hashed identifiers only), with a
single-use code from a letter posted to their address, or from staff who saw
a document at the desk. ``User.verified_resident_since`` is kept in step (set
when a residence is verified, cleared when it is revoked or expires).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Method(models.TextChoices):
    CENSUS = "census", _("Census list")
    IN_PERSON = "in_person", _("In person at a city desk")
    CODE_LETTER = "code_letter", _("Code letter")


class ResidenceQuerySet(models.QuerySet):
    def current(self):
        """Residences that count today: not expired."""
        today = timezone.localdate()
        return self.filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))


class Residence(models.Model):
    """A person's verified district (one per person)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="residence"
    )
    district = models.ForeignKey(
        "places.District",
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        related_name="residences",
    )
    method = models.CharField(_("verified by"), max_length=20, choices=Method.choices)
    verified_at = models.DateTimeField(_("verified at"), default=timezone.now)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by staff member"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    expires_on = models.DateField(_("valid until"), null=True, blank=True)

    objects = ResidenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("residence")
        verbose_name_plural = _("residences")
        indexes = [models.Index(fields=["district", "expires_on"])]

    def __str__(self):
        return f"{self.district} ({self.get_method_display()})"

    @property
    def is_current(self) -> bool:
        return self.expires_on is None or self.expires_on >= timezone.localdate()


class CensusList(models.Model):
    """An upload of hashed identifiers from the census office.

    ``district`` limits the list to one district (every entry must be in it);
    empty, the list covers the whole city. A new list replaces the active one
    of the same scope, which is deactivated (its entries stop verifying).
    """

    name = models.CharField(_("name"), max_length=150)
    district = models.ForeignKey(
        "places.District",
        verbose_name=_("district"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="census_lists",
        help_text=_("Empty: the list covers the whole city."),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    is_active = models.BooleanField(_("active"), default=True)
    deactivated_at = models.DateTimeField(_("deactivated at"), null=True, blank=True)
    entry_count = models.PositiveIntegerField(_("entries"), default=0)

    class Meta:
        verbose_name = _("census list")
        verbose_name_plural = _("census lists")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["district"],
                condition=Q(is_active=True, district__isnull=False),
                name="residency_one_active_list_per_district",
            ),
            models.UniqueConstraint(
                fields=["is_active"],
                condition=Q(is_active=True, district__isnull=True),
                name="residency_one_active_citywide_list",
            ),
        ]

    def __str__(self):
        return self.name


class CensusEntry(models.Model):
    """One person of a census list, as HMAC-SHA256(identifier|birth date)."""

    census_list = models.ForeignKey(CensusList, on_delete=models.CASCADE, related_name="entries")
    identifier_hash = models.CharField(_("identifier hash"), max_length=64)
    district = models.ForeignKey(
        "places.District", on_delete=models.PROTECT, related_name="census_entries"
    )
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="census_claims",
    )
    claimed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("census entry")
        verbose_name_plural = _("census entries")
        constraints = [
            models.UniqueConstraint(
                fields=["census_list", "identifier_hash"], name="residency_entry_unique_per_list"
            ),
            # One entry verifies one person; one person holds one entry.
            models.UniqueConstraint(
                fields=["claimed_by"],
                condition=Q(claimed_by__isnull=False),
                name="residency_one_claim_per_user",
            ),
            models.CheckConstraint(
                condition=Q(claimed_by__isnull=True) | Q(claimed_at__isnull=False),
                name="residency_claim_has_time",
            ),
        ]
        indexes = [models.Index(fields=["identifier_hash"])]

    def __str__(self):
        return f"{self.identifier_hash[:12]}… ({self.district})"


class CodeBatch(models.Model):
    """A batch of single-use codes printed on letters posted in a district."""

    district = models.ForeignKey(
        "places.District",
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        related_name="code_batches",
    )
    label = models.CharField(_("label"), max_length=150, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    size = models.PositiveIntegerField(_("number of codes"))
    expires_on = models.DateField(_("codes valid until"))

    class Meta:
        verbose_name = _("code-letter batch")
        verbose_name_plural = _("code-letter batches")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.label or f"{self.district} {self.created_at:%Y-%m-%d}"


class CodeLetter(models.Model):
    """One single-use code; only its SHA-256 hash is kept."""

    batch = models.ForeignKey(CodeBatch, on_delete=models.CASCADE, related_name="letters")
    code_hash = models.CharField(max_length=64, unique=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="code_letters_used",
    )
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("code letter")
        verbose_name_plural = _("code letters")
        constraints = [
            models.CheckConstraint(
                condition=Q(used_by__isnull=True) | Q(used_at__isnull=False),
                name="residency_code_use_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.batch} #{self.pk}"

    @property
    def district(self):
        return self.batch.district

    @property
    def expires_on(self):
        return self.batch.expires_on


class VerificationAttempt(models.Model):
    """A failed attempt by a citizen (wrong census details or code), for the lockout."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="residency_attempts"
    )
    method = models.CharField(max_length=20, choices=Method.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("failed verification attempt")
        verbose_name_plural = _("failed verification attempts")
        indexes = [models.Index(fields=["user", "created_at"])]

    def __str__(self):
        return f"{self.method} {self.created_at:%Y-%m-%d %H:%M}"
