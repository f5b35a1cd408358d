import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wegov.core.models import TimeStampedModel


class Category(TimeStampedModel):
    """A kind of problem citizens can report; an Open311 "service"."""

    name = models.CharField(_("name"), max_length=120)
    service_code = models.SlugField(_("service code"), max_length=40, unique=True)
    description = models.TextField(_("description"), blank=True)
    group = models.CharField(_("group"), max_length=80, blank=True)
    keywords = models.CharField(_("keywords"), max_length=200, blank=True)
    department = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("responsible department"),
        on_delete=models.PROTECT,
        related_name="report_categories",
    )
    sla_hours = models.PositiveIntegerField(
        _("target time to resolve (hours)"),
        default=120,
        help_text=_("The service level the city commits to for this kind of problem."),
    )
    allows_anonymous = models.BooleanField(_("anonymous reports allowed"), default=True)
    is_active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sla_hours__gt=0), name="reports_category_sla_positive"
            )
        ]

    def __str__(self):
        return self.name


class ServiceAttribute(models.Model):
    """An extra question a category asks (Open311 service definition attribute)."""

    class Datatype(models.TextChoices):
        STRING = "string", _("Short text")
        NUMBER = "number", _("Number")
        DATETIME = "datetime", _("Date and time")
        TEXT = "text", _("Long text")
        SINGLEVALUELIST = "singlevaluelist", _("One choice")
        MULTIVALUELIST = "multivaluelist", _("Several choices")

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="attributes")
    code = models.SlugField(_("code"), max_length=40)
    description = models.CharField(_("question"), max_length=250)
    datatype = models.CharField(_("type"), max_length=20, choices=Datatype.choices)
    datatype_description = models.CharField(_("type description"), max_length=200, blank=True)
    required = models.BooleanField(_("required"), default=False)
    variable = models.BooleanField(
        _("asks the citizen"),
        default=True,
        help_text=_("Off for information-only attributes that need no answer."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    # For list types: [{"key": "...", "name": "..."}, ...]
    values = models.JSONField(_("values"), default=list, blank=True)

    class Meta:
        verbose_name = _("service attribute")
        verbose_name_plural = _("service attributes")
        ordering = ["category", "order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "code"], name="reports_attribute_code_unique"
            )
        ]

    def __str__(self):
        return f"{self.category.service_code}:{self.code}"


class RoutingRule(models.Model):
    """Sends new reports of a category (optionally only in one district) to a department."""

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="routing_rules")
    district = models.ForeignKey(
        "places.Area",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("district"),
    )
    department = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("department"),
    )

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        constraints = [
            models.UniqueConstraint(
                fields=["category", "district"], name="reports_routing_unique_per_district"
            ),
            models.UniqueConstraint(
                fields=["category"],
                condition=Q(district__isnull=True),
                name="reports_routing_one_default",
            ),
        ]

    def __str__(self):
        return f"{self.category} → {self.department}"


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    IN_PROGRESS = "in_progress", _("In progress")
    RESOLVED = "resolved", _("Resolved")
    DUPLICATE = "duplicate", _("Duplicate")
    NOT_RESPONSIBLE = "not_responsible", _("Not our responsibility")
    CLOSED = "closed", _("Closed without action")


OPEN_STATUSES = (Status.SUBMITTED, Status.ACKNOWLEDGED, Status.IN_PROGRESS)
CLOSED_STATUSES = (Status.RESOLVED, Status.DUPLICATE, Status.NOT_RESPONSIBLE, Status.CLOSED)


class Channel(models.TextChoices):
    WEB = "web", _("Website")
    APP = "app", _("App")
    API = "api", _("Open311 API")
    PHONE = "phone", _("Phone")
    COUNTER = "counter", _("Counter")
    EMAIL = "email", _("Email")


class Report(TimeStampedModel):
    """A problem a citizen reported at a place; an Open311 "service request"."""

    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="reports")
    department = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="reports",
        verbose_name=_("assigned department"),
    )
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), max_length=5000)
    lat = models.FloatField(_("latitude"))
    lon = models.FloatField(_("longitude"))
    address = models.CharField(_("address"), max_length=250, blank=True)
    district = models.ForeignKey(
        "places.Area",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("district"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED
    )
    status_changed_at = models.DateTimeField(_("status changed"), default=timezone.now)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("closed"), null=True, blank=True)
    due_at = models.DateTimeField(_("due"), db_index=True)
    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.WEB
    )
    # Who reported it. Never public: pages show the display name or "anonymous".
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
    )
    reporter_email = models.EmailField(_("reporter's email"), blank=True)
    reporter_name = models.CharField(_("reporter's name"), max_length=120, blank=True)
    reporter_phone = models.CharField(_("reporter's phone"), max_length=40, blank=True)
    is_anonymous = models.BooleanField(_("shown as anonymous"), default=False)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("filed by staff member"),
    )
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates"
    )
    responsible_body = models.CharField(_("responsible body"), max_length=200, blank=True)
    confirmations_count = models.PositiveIntegerField(_("confirmations"), default=0)
    is_hidden = models.BooleanField(_("hidden by moderation"), default=False)
    # Set by moderation (core.models.Moderated's fields; the moderators' public
    # reason is shown on the report's page). Staff hiding keeps its reason in
    # the audit log only.
    hidden_reason = models.CharField(_("public reason for hiding"), max_length=300, blank=True)
    hidden_at = models.DateTimeField(_("hidden at"), null=True, blank=True)
    # Open311: the client that created it, the device/account ids it sent, and
    # the token handed out before an id existed.
    api_client = models.ForeignKey(
        "reports.Open311Client",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
    )
    device_id = models.CharField(max_length=100, blank=True)
    account_id = models.CharField(max_length=100, blank=True)
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    media_url = models.URLField(_("media URL"), max_length=500, blank=True)
    # Staff only (core.quality): 0..100, None until scored; the parts say why.
    quality_score = models.SmallIntegerField(_("quality score"), null=True, blank=True)
    quality_parts = models.JSONField(_("quality score parts"), default=list, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created_at", "-id"]
        indexes = [
            # Covering (PostgreSQL): the map's per-cell counts are index-only scans.
            models.Index(
                fields=["lat", "lon"],
                name="reports_lat_lon",
                include=["id", "is_hidden", "status", "category", "created_at", "district"],
            ),
            models.Index(fields=["status", "created_at"], name="reports_status_created"),
            models.Index(fields=["category", "created_at"], name="reports_category_created"),
            models.Index(fields=["department", "status"], name="reports_department_status"),
            models.Index(fields=["updated_at"], name="reports_updated"),
            models.Index(fields=["department", "quality_score"], name="reports_department_quality"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(lat__gte=-90) & Q(lat__lte=90) & Q(lon__gte=-180) & Q(lon__lte=180),
                name="reports_report_coordinates_valid",
            ),
            models.CheckConstraint(
                condition=~Q(duplicate_of=F("id")), name="reports_report_not_own_duplicate"
            ),
            models.CheckConstraint(
                condition=Q(confirmations_count__gte=0), name="reports_confirmations_nonnegative"
            ),
            models.CheckConstraint(
                condition=Q(quality_score__isnull=True)
                | (Q(quality_score__gte=0) & Q(quality_score__lte=100)),
                name="reports_quality_score_range",
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_at < timezone.now()

    def public_author(self) -> str:
        if self.is_anonymous or self.reporter is None:
            return str(_("anonymous"))
        return self.reporter.public_name


class ReportPhoto(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to="reports/%Y/%m/")
    thumbnail = models.ImageField(upload_to="reports/%Y/%m/thumbs/")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    alt_text = models.CharField(_("description of the photo"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"Photo {self.pk} of report {self.report_id}"


class ReportAttributeValue(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="attribute_values")
    attribute = models.ForeignKey(ServiceAttribute, on_delete=models.CASCADE, related_name="+")
    value = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["report", "attribute"], name="reports_attr_value_unique"
            )
        ]

    def __str__(self):
        return f"{self.attribute_id}={self.value}"


class ReportUpdate(models.Model):
    """A step in a report's history: status changes, public updates, internal notes."""

    class Kind(models.TextChoices):
        PUBLIC = "public", _("Public update")
        INTERNAL = "internal", _("Internal note")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    department = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PUBLIC)
    text = models.TextField(blank=True, max_length=5000)
    status_from = models.CharField(max_length=20, choices=Status.choices, blank=True)
    status_to = models.CharField(max_length=20, choices=Status.choices, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} on report {self.report_id}"

    @property
    def is_public(self) -> bool:
        return self.kind == self.Kind.PUBLIC


class Confirmation(models.Model):
    """A "this is my problem too": one per person and report."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="confirmations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="report_confirmations"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "user"], name="reports_confirm_once")
        ]

    def __str__(self):
        return f"Confirmation of report {self.report_id}"


class Subscription(models.Model):
    """Someone who gets an email when the report's public status changes."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="subscriptions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="report_subscriptions",
    )
    email = models.EmailField(blank=True)
    unsubscribe_token = models.CharField(max_length=43, unique=True, default=secrets.token_urlsafe)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["report", "user"],
                condition=Q(user__isnull=False),
                name="reports_subscription_user_once",
            ),
            models.UniqueConstraint(
                fields=["report", "email"],
                condition=Q(user__isnull=True),
                name="reports_subscription_email_once",
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(email=""),
                name="reports_subscription_has_recipient",
            ),
        ]

    def __str__(self):
        return f"Subscription to report {self.report_id}"

    @property
    def recipient(self) -> str:
        return self.user.email if self.user_id else self.email


class Open311Client(models.Model):
    """An application allowed to POST service requests, with its API key."""

    name = models.CharField(_("name"), max_length=120)
    key_prefix = models.CharField(_("starts with"), max_length=16, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    contact_email = models.EmailField(_("contact email"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    requests_per_hour = models.PositiveIntegerField(_("requests per hour"), default=600)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Open311 client")
        verbose_name_plural = _("Open311 clients")

    def __str__(self):
        return self.name
