"""WeGov settings, read only from environment variables.

Every variable is listed (with its default) in ``.env.example`` and in the
README. The defaults are safe for ``make run`` on a laptop: SQLite, no Redis,
console email. ``WEGOV_ENV=production`` switches on the production posture
(``manage.py check --deploy`` is clean) and then refuses to start without a
real ``SECRET_KEY`` and ``ALLOWED_HOSTS``.
"""

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


WEGOV_ENV = env("WEGOV_ENV", "development")
if WEGOV_ENV not in {"development", "production"}:
    raise ImproperlyConfigured("WEGOV_ENV must be 'development' or 'production'.")
PRODUCTION = WEGOV_ENV == "production"
DEBUG = env_bool("DEBUG", not PRODUCTION)

VAR_DIR = Path(env("WEGOV_VAR_DIR", str(BASE_DIR / "var")))

_DEV_SECRET_KEY = "django-insecure-wegov-development-key-never-use-in-production"  # noqa: S105
SECRET_KEY = env("SECRET_KEY", "" if PRODUCTION else _DEV_SECRET_KEY)
if PRODUCTION and (not SECRET_KEY or SECRET_KEY == _DEV_SECRET_KEY):
    raise ImproperlyConfigured("Set SECRET_KEY (50+ random characters) in production.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,[::1]")
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Set ALLOWED_HOSTS in production.")

WEGOV_BASE_URL = env("WEGOV_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
# Open311 GeoReport v2 jurisdiction_id: the site's host name without "www." by default.
WEGOV_OPEN311_JURISDICTION = env(
    "WEGOV_OPEN311_JURISDICTION",
    (urlsplit(WEGOV_BASE_URL).hostname or "localhost").removeprefix("www."),
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", WEGOV_BASE_URL)
WEGOV_CITY_NAME = env("WEGOV_CITY_NAME", "Lindenbrug")
# Flags from this many different people hide a contribution or comment until
# a moderator reviews it.
WEGOV_MODERATION_HIDE_AFTER_FLAGS = int(env("WEGOV_MODERATION_HIDE_AFTER_FLAGS", "3"))
# Hour (local time, 0-23) the daily notification digest goes out.
WEGOV_DIGEST_HOUR = int(env("WEGOV_DIGEST_HOUR", "7"))
WEGOV_CONTACT_EMAIL = env("WEGOV_CONTACT_EMAIL", "participation@lindenbrug.example")
WEGOV_PRIVACY_NOTICE_VERSION = env("WEGOV_PRIVACY_NOTICE_VERSION", "2026-11")
WEGOV_TILE_URL = env("WEGOV_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
WEGOV_TILE_ATTRIBUTION = env(
    "WEGOV_TILE_ATTRIBUTION",
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
)
# Places (import_places): how much two districts may overlap, or a district may
# stick out of the city, as a share of the smaller area (0.001 = 0.1%).
WEGOV_PLACES_OVERLAP_TOLERANCE = float(env("WEGOV_PLACES_OVERLAP_TOLERANCE", "0.001"))
# Areas of interest: how many each person may save.
WEGOV_AREAS_OF_INTEREST_MAX = int(env("WEGOV_AREAS_OF_INTEREST_MAX", "20"))
# Geocoding (wegov.places.geocoding): a Nominatim-compatible base URL, empty = off
# (then the local OSM index of `manage.py import_osm` answers, if imported).
WEGOV_GEOCODER_URL = env("WEGOV_GEOCODER_URL", "").rstrip("/")
WEGOV_GEOCODER_TIMEOUT = float(env("WEGOV_GEOCODER_TIMEOUT", "5"))
WEGOV_GEOCODER_USER_AGENT = env("WEGOV_GEOCODER_USER_AGENT", "")
# Residence verification (wegov.residency, docs/residency.md): the key of the
# HMAC-SHA256 that hashes census identifiers, shared only with the census office,
# and the organisations (slugs) whose staff verify residents of every district.
_DEV_RESIDENCY_CENSUS_KEY = "wegov-development-census-key-never-use-in-production"
WEGOV_RESIDENCY_CENSUS_KEY = env(
    "WEGOV_RESIDENCY_CENSUS_KEY", "" if PRODUCTION else _DEV_RESIDENCY_CENSUS_KEY
)
if PRODUCTION and (
    len(WEGOV_RESIDENCY_CENSUS_KEY) < 32 or WEGOV_RESIDENCY_CENSUS_KEY == _DEV_RESIDENCY_CENSUS_KEY
):
    raise ImproperlyConfigured(
        "Set WEGOV_RESIDENCY_CENSUS_KEY (32+ random characters, shared with the census office)"
        " in production."
    )
WEGOV_RESIDENCY_OFFICES = env_list("WEGOV_RESIDENCY_OFFICES", "civil-affairs")

INSTALLED_APPS = [
    "wegov.apps.WeGovAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "rules.apps.AutodiscoverRulesConfig",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "oauth2_provider",
    "ninja",
    "django_htmx",
    "csp",
    "wegov.core",
    "wegov.places",
    "wegov.accounts",
    "wegov.residency",
    "wegov.reports",
    "wegov.processes",
    "wegov.proposals",
    "wegov.budgeting",
    "wegov.debates",
    "wegov.voting",
    "wegov.opinions",
    "wegov.comments",
    "wegov.moderation",
    "wegov.social",
    "wegov.osm",
    "wegov.basemap",
    "wegov.datalayers",
    "wegov.accountability",
    "wegov.mapview",
    "wegov.opendata",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "wegov.accounts.middleware.RequireMfaForPrivilegedUsersMiddleware",
]

if PRODUCTION:
    # Static files straight from the app servers, compressed and cache-busted.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "wegov.urls"
FORM_RENDERER = "wegov.core.forms.GovukFormRenderer"
WSGI_APPLICATION = "wegov.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "wegov" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wegov.core.context_processors.platform",
                "wegov.core.pagecache.csrf_placeholder",
                "wegov.social.context_processors.notifications",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'wegov.sqlite3'}"),
        conn_max_age=int(env("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and the single writer work at once; IMMEDIATE makes a
    # write transaction take the lock at BEGIN so concurrent writers queue
    # instead of failing with "database is locked" half-way through.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["TEST"] = {"NAME": env("WEGOV_TEST_SQLITE", "") or None}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, sessions, Celery ---------------------------------------------
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("WEGOV_CACHE_PREFIX", "wegov"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL or env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
TIME_ZONE = env("TIME_ZONE", "Europe/Amsterdam")
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    # Hourly and idempotent, so a missed run or the UTC/local midnight offset is harmless.
    "processes-announce-phase-starts": {
        "task": "wegov.processes.tasks.announce_phase_starts",
        "schedule": crontab(minute=5),
    },
    "social-daily-digest": {
        "task": "wegov.social.tasks.send_daily_digests",
        "schedule": crontab(hour=WEGOV_DIGEST_HOUR, minute=0),
    },
    # Open-data files of every public dataset, regenerated each night.
    "opendata-nightly-export": {
        "task": "wegov.opendata.tasks.export_all_datasets",
        "schedule": crontab(hour=2, minute=30),
    },
    # Each external map layer says how often it is refreshed; this finds the due ones.
    "datalayers-refresh-due": {
        "task": "wegov.datalayers.tasks.refresh_due_layers",
        "schedule": crontab(minute="*/10"),
    },
    # Residences past their end date stop counting; this clears the user flag too.
    "residency-expire": {
        "task": "wegov.residency.tasks.expire_residences",
        "schedule": crontab(minute=15),
    },
    # Budgets whose vote closed: ballots are separated from voters (idempotent).
    "budgeting-close-votes": {
        "task": "wegov.budgeting.tasks.close_votes",
        "schedule": crontab(minute="*/5"),
    },
}

# --- Accounts -------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "core:home"

ACCOUNT_ADAPTER = "wegov.accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SIGNUP_FORM_CLASS = "wegov.accounts.forms.SignupExtraForm"
ACCOUNT_FORMS = {
    "signup": "wegov.accounts.allauth_forms.WeGovSignupForm",
    "login": "wegov.accounts.allauth_forms.WeGovLoginForm",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{WEGOV_CITY_NAME}] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"
# Rate limits double as the lockout: five failed log-ins for one account
# (any IP) lock it for 15 minutes; one IP gets 20 failed attempts an hour.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "20/h/ip,5/15m/key",
    "signup": "20/h/ip",
    "reset_password": "5/h/ip,3/h/key",
    "confirm_email": "1/3m/key",
    "change_email": "5/h/user",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = f"WeGov {WEGOV_CITY_NAME}"
MFA_ADAPTER = "allauth.mfa.adapter.DefaultMFAAdapter"


# --- OpenID Connect provider (single sign-on for the city's other apps) ---
def _oidc_private_key() -> str:
    key = env("OIDC_RSA_PRIVATE_KEY")
    if key:
        return key.replace("\\n", "\n")
    key_file = Path(env("OIDC_RSA_PRIVATE_KEY_FILE", str(VAR_DIR / "oidc-private-key.pem")))
    if key_file.exists():
        return key_file.read_text()
    if PRODUCTION:
        raise ImproperlyConfigured(
            "Set OIDC_RSA_PRIVATE_KEY or OIDC_RSA_PRIVATE_KEY_FILE in production."
        )
    # Development: make a key once and keep it, so issued ID tokens stay valid
    # across restarts of ``make run``.
    from wegov.core.keys import generate_rsa_private_key_pem

    key_file.parent.mkdir(parents=True, exist_ok=True)
    pem = generate_rsa_private_key_pem()
    key_file.write_text(pem)
    key_file.chmod(0o600)
    return pem


OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": _oidc_private_key(),
    "PKCE_REQUIRED": True,
    "SCOPES": {
        "openid": _("Know who you are on WeGov"),
        "profile": _("See your public display name"),
        "email": _("See your email address"),
    },
    "DEFAULT_SCOPES": ["openid"],
    "OAUTH2_VALIDATOR_CLASS": "wegov.accounts.oidc.WeGovOIDCValidator",
    "ACCESS_TOKEN_EXPIRE_SECONDS": 3600,
    "ID_TOKEN_EXPIRE_SECONDS": 3600,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"] if PRODUCTION else ["https", "http"],
    # RFC 9700 (OAuth 2.0 Security BCP): no implicit or password grant, S256 PKCE
    # only, bearer tokens never in the query string, `iss` in authorisation
    # responses, tokens stored hashed, replayed refresh tokens revoke the family.
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    # Authorization code flow only: no hybrid or implicit response types.
    "OIDC_RESPONSE_TYPES_SUPPORTED": ["code"],
}

# --- Internationalisation -------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("nl", "Nederlands"),
    ("it", "Italiano"),
    ("de", "Deutsch"),
]
LOCALE_PATHS = [BASE_DIR / "wegov" / "locale"]
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files --------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "wegov" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Open-data files (opendata app); empty: MEDIA_ROOT/opendata. Several app
# servers need it on a shared volume.
WEGOV_OPENDATA_DIR = env("WEGOV_OPENDATA_DIR", "")
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# External map layers (datalayers): the largest file an administrator may upload or a
# layer URL may return, the most features one layer may hold, how long a fetch may
# take, and the most features one /layers/<slug>.geojson answer carries.
WEGOV_DATALAYERS_MAX_BYTES = int(env("WEGOV_DATALAYERS_MAX_BYTES", str(20 * 1024 * 1024)))
WEGOV_DATALAYERS_MAX_FEATURES = int(env("WEGOV_DATALAYERS_MAX_FEATURES", "50000"))
WEGOV_DATALAYERS_FETCH_TIMEOUT = float(env("WEGOV_DATALAYERS_FETCH_TIMEOUT", "30"))
WEGOV_DATALAYERS_GEOJSON_LIMIT = int(env("WEGOV_DATALAYERS_GEOJSON_LIMIT", "5000"))


# --- Email ----------------------------------------------------------------
def _email_settings() -> dict:
    """EMAIL_URL like smtp://user:pass@host:587?tls=1, smtps://..., console: or locmem:."""
    url = env("EMAIL_URL")
    if not url:
        if env("EMAIL_HOST"):
            return {
                "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "EMAIL_HOST": env("EMAIL_HOST"),
                "EMAIL_PORT": int(env("EMAIL_PORT", "587")),
                "EMAIL_HOST_USER": env("EMAIL_HOST_USER"),
                "EMAIL_HOST_PASSWORD": env("EMAIL_HOST_PASSWORD"),
                "EMAIL_USE_TLS": env_bool("EMAIL_USE_TLS", True),
                "EMAIL_USE_SSL": env_bool("EMAIL_USE_SSL", False),
            }
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    parts = urlsplit(url)
    backends = {
        "console": "django.core.mail.backends.console.EmailBackend",
        "locmem": "django.core.mail.backends.locmem.EmailBackend",
        "smtp": "django.core.mail.backends.smtp.EmailBackend",
        "smtps": "django.core.mail.backends.smtp.EmailBackend",
    }
    if parts.scheme not in backends:
        raise ImproperlyConfigured(f"EMAIL_URL scheme must be one of {sorted(backends)}.")
    query = parse_qs(parts.query)
    return {
        "EMAIL_BACKEND": backends[parts.scheme],
        "EMAIL_HOST": parts.hostname or "localhost",
        "EMAIL_PORT": parts.port or (465 if parts.scheme == "smtps" else 587),
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_SSL": parts.scheme == "smtps",
        "EMAIL_USE_TLS": parts.scheme == "smtp" and query.get("tls", ["1"])[0] != "0",
    }


_email = _email_settings()
WEGOV_EMAIL_DELIVERY_BACKEND = _email.pop("EMAIL_BACKEND")
globals().update(_email)
# Every email is handed to a Celery task (inline without a broker); the task
# delivers it with WEGOV_EMAIL_DELIVERY_BACKEND.
EMAIL_BACKEND = "wegov.core.mail.QueuedEmailBackend"
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", f"WeGov {WEGOV_CITY_NAME} <noreply@wegov.invalid>")
SERVER_EMAIL = env("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
ADMINS = [("Administrators", addr) for addr in env_list("ADMIN_EMAILS")]

# --- Security -------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "wegov.core.views.csrf_failure"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
if env_bool("WEGOV_BEHIND_TLS_PROXY", PRODUCTION):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    # The preload directive only takes effect once the registrable domain is
    # submitted to the browsers' list; sending it costs nothing otherwise.
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", _origin(WEGOV_TILE_URL.replace("{s}", "a"))],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
    }
}
CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"] = [
    src for src in CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"] if src
]

# --- API ------------------------------------------------------------------
NINJA_PAGINATION_PER_PAGE = 50

# --- Logging --------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
