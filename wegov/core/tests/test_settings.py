"""Settings read from the environment: the production posture, email URLs and
the security headers every response carries.

Production is exercised in subprocesses, since settings are read once per
process and the test process runs the development defaults.
"""

import ast
import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from wegov.core.keys import generate_rsa_private_key_pem
from wegov.settings import _email_settings

BASE_DIR = Path(__file__).resolve().parents[3]
HOST = "wegov.example.org"

# Variables of the developer's or CI's shell that would change what is tested.
_SCRUBBED = {
    "DATABASE_URL",
    "REDIS_URL",
    "WEGOV_ENV",
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "OIDC_RSA_PRIVATE_KEY",
    "OIDC_RSA_PRIVATE_KEY_FILE",
    "EMAIL_URL",
    "EMAIL_HOST",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "WEGOV_BEHIND_TLS_PROXY",
    "CSRF_TRUSTED_ORIGINS",
    "WEGOV_BASE_URL",
    "DJANGO_ALLOW_ASYNC_UNSAFE",  # set by the browser tests; check --deploy rejects it
    "WEGOV_RESIDENCY_CENSUS_KEY",
}


@pytest.fixture(scope="module")
def oidc_key() -> str:
    return generate_rsa_private_key_pem()


@pytest.fixture
def production_env(tmp_path, oidc_key) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in _SCRUBBED}
    env.update(
        DJANGO_SETTINGS_MODULE="wegov.settings",
        WEGOV_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(45),  # 60 characters
        ALLOWED_HOSTS=HOST,
        WEGOV_BASE_URL=f"https://{HOST}",
        OIDC_RSA_PRIVATE_KEY=oidc_key,
        WEGOV_RESIDENCY_CENSUS_KEY=secrets.token_urlsafe(32),
        DATABASE_URL=f"sqlite:///{tmp_path / 'production.sqlite3'}",
        WEGOV_VAR_DIR=str(tmp_path / "var"),
        LOG_LEVEL="CRITICAL",
    )
    assert len(env["SECRET_KEY"]) == 60
    return env


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        args, cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=180, check=False
    )


# --- Production posture -----------------------------------------------------


def test_check_deploy_is_clean_in_production(production_env):
    result = run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        production_env,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    ("unset", "value", "message"),
    [
        ("SECRET_KEY", None, "SECRET_KEY"),
        ("SECRET_KEY", "", "SECRET_KEY"),
        (
            "SECRET_KEY",
            "django-insecure-wegov-development-key-never-use-in-production",
            "SECRET_KEY",
        ),
        ("ALLOWED_HOSTS", None, "ALLOWED_HOSTS"),
        ("OIDC_RSA_PRIVATE_KEY", None, "OIDC_RSA_PRIVATE_KEY"),
        ("WEGOV_RESIDENCY_CENSUS_KEY", None, "WEGOV_RESIDENCY_CENSUS_KEY"),
        ("WEGOV_RESIDENCY_CENSUS_KEY", "too-short", "WEGOV_RESIDENCY_CENSUS_KEY"),
        (
            "WEGOV_RESIDENCY_CENSUS_KEY",
            "wegov-development-census-key-never-use-in-production",
            "WEGOV_RESIDENCY_CENSUS_KEY",
        ),
    ],
    ids=[
        "secret-key-missing",
        "secret-key-empty",
        "secret-key-dev",
        "hosts",
        "oidc-key",
        "census-key-missing",
        "census-key-short",
        "census-key-dev",
    ],
)
def test_production_refuses_to_start_without(production_env, unset, value, message):
    if value is None:
        del production_env[unset]
    else:
        production_env[unset] = value

    result = run([sys.executable, "-c", "import django; django.setup()"], production_env)

    assert result.returncode != 0
    assert "django.core.exceptions.ImproperlyConfigured" in result.stderr
    assert message in result.stderr.strip().splitlines()[-1]


def test_unknown_wegov_env_is_refused(production_env):
    production_env["WEGOV_ENV"] = "staging"

    result = run([sys.executable, "-c", "import django; django.setup()"], production_env)

    assert result.returncode != 0
    assert "WEGOV_ENV must be" in result.stderr


PRODUCTION_REQUESTS = f"""
import json
import django
django.setup()
from django.conf import settings
from django.test import Client, override_settings

# The manifest storage needs collectstatic first, which is not what is tested here.
override_settings(
    STORAGES={{**settings.STORAGES, "staticfiles": {{
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
    }}}}
).enable()
client = Client(HTTP_HOST={HOST!r})
plain = client.get("/accounts/login/")
health = client.get("/healthz")
secure = client.get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https")
print(json.dumps({{
    "settings": {{
        name: getattr(settings, name)
        for name in (
            "DEBUG", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_NAME",
            "CSRF_COOKIE_NAME", "SESSION_COOKIE_HTTPONLY", "SECURE_SSL_REDIRECT",
        )
    }},
    "plain": {{"status": plain.status_code, "location": plain.get("Location")}},
    "health": {{"status": health.status_code}},
    "secure": {{
        "status": secure.status_code,
        "headers": dict(secure.headers),
        "cookies": {{
            name: {{"secure": bool(morsel["secure"]), "httponly": bool(morsel["httponly"]),
                    "samesite": morsel["samesite"], "path": morsel["path"]}}
            for name, morsel in secure.cookies.items()
        }},
    }},
}}))
"""


@pytest.fixture
def production_responses(production_env):
    result = run([sys.executable, "-c", PRODUCTION_REQUESTS], production_env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_uses_https_only(production_responses):
    settings = production_responses["settings"]
    assert settings["DEBUG"] is False
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["CSRF_COOKIE_SECURE"] is True
    assert settings["SESSION_COOKIE_HTTPONLY"] is True
    assert settings["SESSION_COOKIE_NAME"].startswith("__Host-")
    assert settings["CSRF_COOKIE_NAME"].startswith("__Host-")

    # Plain HTTP is redirected to HTTPS, except the load balancer's health check.
    assert production_responses["plain"]["status"] == 301
    assert production_responses["plain"]["location"] == f"https://{HOST}/accounts/login/"
    assert production_responses["health"]["status"] == 200

    # Behind the TLS proxy (X-Forwarded-Proto: https) the page is served with HSTS.
    secure = production_responses["secure"]
    assert secure["status"] == 200
    hsts = secure["headers"]["Strict-Transport-Security"]
    assert "max-age=31536000" in hsts
    assert "includeSubDomains" in hsts
    csrf_cookie = secure["cookies"]["__Host-csrftoken"]
    assert csrf_cookie["secure"] is True
    assert csrf_cookie["path"] == "/"


# --- Email ------------------------------------------------------------------


@pytest.fixture
def email_env(monkeypatch):
    for name in ("EMAIL_URL", "EMAIL_HOST", "EMAIL_PORT", "EMAIL_USE_TLS", "EMAIL_USE_SSL"):
        monkeypatch.delenv(name, raising=False)

    def set_url(url: str) -> dict:
        monkeypatch.setenv("EMAIL_URL", url)
        return _email_settings()

    return set_url


def test_email_smtp_with_starttls(email_env):
    conf = email_env("smtp://mailer%40city:p%40ss%2Fword@mail.example.org:2525?tls=1")

    assert conf == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "mail.example.org",
        "EMAIL_PORT": 2525,
        "EMAIL_HOST_USER": "mailer@city",
        "EMAIL_HOST_PASSWORD": "p@ss/word",
        "EMAIL_USE_SSL": False,
        "EMAIL_USE_TLS": True,
    }


def test_email_smtp_defaults_to_starttls_on_587(email_env):
    conf = email_env("smtp://mail.example.org")

    assert conf["EMAIL_PORT"] == 587
    assert conf["EMAIL_USE_TLS"] is True
    assert conf["EMAIL_HOST_USER"] == ""


def test_email_smtp_without_tls(email_env):
    conf = email_env("smtp://relay.internal:25?tls=0")

    assert conf["EMAIL_USE_TLS"] is False
    assert conf["EMAIL_USE_SSL"] is False
    assert conf["EMAIL_PORT"] == 25


def test_email_smtps_uses_implicit_tls_on_465(email_env):
    conf = email_env("smtps://user:secret@mail.example.org")

    assert conf["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert conf["EMAIL_PORT"] == 465
    assert conf["EMAIL_USE_SSL"] is True
    assert conf["EMAIL_USE_TLS"] is False
    assert conf["EMAIL_HOST_PASSWORD"] == "secret"


@pytest.mark.parametrize(
    ("url", "backend"),
    [
        ("console:", "django.core.mail.backends.console.EmailBackend"),
        ("locmem:", "django.core.mail.backends.locmem.EmailBackend"),
    ],
)
def test_email_local_backends(email_env, url, backend):
    assert email_env(url)["EMAIL_BACKEND"] == backend


@pytest.mark.parametrize("url", ["http://mail.example.org", "smtp+ssl://x", "mail.example.org"])
def test_email_bad_scheme_is_refused(email_env, url):
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL scheme must be one of"):
        email_env(url)


def test_email_defaults_to_console(email_env):
    assert _email_settings() == {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}


def test_email_host_variables_without_url(email_env, monkeypatch):
    monkeypatch.setenv("EMAIL_HOST", "mail.example.org")
    monkeypatch.setenv("EMAIL_PORT", "465")
    monkeypatch.setenv("EMAIL_USE_TLS", "false")
    monkeypatch.setenv("EMAIL_USE_SSL", "true")

    conf = _email_settings()

    assert conf["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert conf["EMAIL_PORT"] == 465
    assert conf["EMAIL_USE_TLS"] is False
    assert conf["EMAIL_USE_SSL"] is True


# --- Security headers on every response ---------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/api/docs"])
def test_security_headers(client, path):
    response = client.get(path)

    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    directives = dict(part.strip().partition(" ")[::2] for part in csp.split(";") if part.strip())
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "'unsafe-inline'" not in csp
    assert "'unsafe-eval'" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    # Development serves plain HTTP: no HSTS there.
    assert "Strict-Transport-Security" not in response


# --- .env.example -------------------------------------------------------------


def test_env_example_lists_every_variable_settings_reads():
    tree = ast.parse((BASE_DIR / "wegov" / "settings.py").read_text())
    read = {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in {"env", "env_bool", "env_list"}
        and node.args
        and isinstance(node.args[0], ast.Constant)
    }
    example = (BASE_DIR / ".env.example").read_text()
    listed = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]*)=", example, flags=re.MULTILINE))

    assert len(read) > 30
    assert read - listed == set(), "missing from .env.example"
    assert listed - read == set(), "listed in .env.example but not read by settings"
