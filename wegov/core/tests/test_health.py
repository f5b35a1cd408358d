"""/healthz: what a load balancer asks before sending traffic to this server.

The failure cases run Django for real in a subprocess whose DATABASE_URL or
REDIS_URL points at a closed port, so the check meets a genuine refused
connection rather than a mock.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from wegov.core.keys import generate_rsa_private_key_pem

BASE_DIR = Path(__file__).resolve().parents[3]
CLOSED_PORT = 1  # tcpmux: nothing listens there on a test machine

CALL_HEALTHZ = """
import django
django.setup()
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
response = Client().get("/healthz")
print(response.status_code)
print(response.content.decode())
"""


@pytest.fixture(scope="module")
def oidc_key() -> str:
    return generate_rsa_private_key_pem()


def healthz_in_subprocess(tmp_path, oidc_key, **env_overrides) -> tuple[int, dict]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "WEGOV_ENV", "DEBUG"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="wegov.settings",
        WEGOV_VAR_DIR=str(tmp_path / "var"),
        OIDC_RSA_PRIVATE_KEY=oidc_key,
        DATABASE_URL=f"sqlite:///{tmp_path / 'health.sqlite3'}",
        LOG_LEVEL="CRITICAL",
    )
    env.update(env_overrides)
    result = subprocess.run(
        [sys.executable, "-c", CALL_HEALTHZ],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    status, body = result.stdout.strip().split("\n", 1)
    return int(status), json.loads(body)


@pytest.mark.django_db
def test_healthz_ok(client):
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"] == {"database": "ok", "cache": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
def test_healthz_allows_only_get(client, method):
    response = getattr(client, method)(reverse("healthz"))

    assert response.status_code == 405
    assert response["Allow"] == "GET"


def test_healthz_503_when_database_unreachable(tmp_path, oidc_key):
    status, body = healthz_in_subprocess(
        tmp_path, oidc_key, DATABASE_URL=f"postgres://wegov@127.0.0.1:{CLOSED_PORT}/nope"
    )

    assert status == 503
    assert body["status"] == "unavailable"
    assert body["checks"]["database"].startswith("database unreachable: OperationalError")
    assert body["checks"]["cache"] == "ok"
    assert "database" in body["detail"]
    assert "cache" not in body["detail"]


def test_healthz_503_when_cache_unreachable(tmp_path, oidc_key):
    status, body = healthz_in_subprocess(
        tmp_path, oidc_key, REDIS_URL=f"redis://127.0.0.1:{CLOSED_PORT}/0"
    )

    assert status == 503
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["cache"].startswith("cache unreachable: ConnectionError")
    assert "cache" in body["detail"]
    assert "database" not in body["detail"]
