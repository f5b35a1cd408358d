import hashlib
import secrets
import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wegov.core.models import TimeStampedModel


class WeGovUserManager(UserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        email = self.normalize_email(email)
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person using WeGov. Logs in with an email address, appears publicly
    only under ``display_name`` (a pseudonym is fine)."""

    username = None
    first_name = None
    last_name = None
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(
        _("public display name"),
        max_length=60,
        help_text=_("Shown next to what you write. A pseudonym is fine. Never your email."),
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    verified_resident_since = models.DateTimeField(
        _("verified resident since"), null=True, blank=True
    )
    is_moderator = models.BooleanField(_("moderator"), default=False)
    is_process_manager = models.BooleanField(_("process manager"), default=False)
    erased_at = models.DateTimeField(_("erased at"), null=True, blank=True, editable=False)
    avatar = models.ImageField(_("avatar"), upload_to="avatars/", blank=True)
    activity_public = models.BooleanField(
        _("show my activity and followers on my public profile"), default=True
    )
    # Set by a moderator (moderation.services.block_user): a blocked user can
    # read and appeal, but not contribute, comment, support, flag or follow.
    blocked_at = models.DateTimeField(_("blocked at"), null=True, blank=True, editable=False)
    blocked_reason = models.TextField(_("reason for the block"), blank=True, editable=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    objects = WeGovUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self):
        return self.public_name

    @property
    def public_name(self) -> str:
        if self.erased_at:
            return str(_("former participant"))
        return self.display_name or str(_("participant"))

    @property
    def is_verified_resident(self) -> bool:
        return self.verified_resident_since is not None

    @property
    def is_blocked(self) -> bool:
        return self.blocked_at is not None


class Organisation(TimeStampedModel):
    """The administration and its departments and district offices."""

    class Kind(models.TextChoices):
        ADMINISTRATION = "administration", _("City administration")
        DEPARTMENT = "department", _("Department")
        DISTRICT_OFFICE = "district_office", _("District office")
        EXTERNAL = "external", _("External body")

    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    district = models.ForeignKey(
        "places.District",
        verbose_name=_("district"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="offices",
    )
    public_email = models.EmailField(_("public contact email"), blank=True)
    description = models.TextField(_("description"), blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="organisations"
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Membership(TimeStampedModel):
    """A staff member's place in an organisation."""

    class Role(models.TextChoices):
        STAFF = "staff", _("Staff")
        MANAGER = "manager", _("Manager")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.STAFF)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="accounts_membership_unique"
            )
        ]

    def __str__(self):
        return f"{self.organisation} / {self.get_role_display()}"


class Consent(models.Model):
    """A consent a user gave (GDPR art. 7): what, which version, when."""

    class Purpose(models.TextChoices):
        PRIVACY_NOTICE = "privacy_notice", _("Privacy notice")
        EMAIL_UPDATES = "email_updates", _("Email updates")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consents"
    )
    purpose = models.CharField(_("purpose"), max_length=40, choices=Purpose.choices)
    version = models.CharField(_("version"), max_length=40)
    given_at = models.DateTimeField(_("given at"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "purpose", "version"], name="accounts_consent_once_per_version"
            )
        ]

    def __str__(self):
        return f"{self.get_purpose_display()} {self.version}"


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )


class ApiToken(models.Model):
    """A personal API token. Only a SHA-256 hash of the secret is stored; the
    secret is shown once, when the token is created."""

    PREFIX = "wgv_"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=80)
    key_prefix = models.CharField(_("starts with"), max_length=16)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    # Made in a session that passed two-factor: only such a token acts for a privileged
    # role, so gaining a role never leaves an older token stronger than the session.
    second_factor = models.BooleanField(_("made with two-factor"), default=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.key_prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def new_key(cls) -> str:
        return cls.PREFIX + secrets.token_urlsafe(32)

    @property
    def is_active(self) -> bool:
        if self.revoked_at:
            return False
        return not (self.expires_at and self.expires_at <= timezone.now())
