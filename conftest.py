"""Fixtures shared by every app's tests: one user per role, and MFA helpers."""

import os

import pyotp
import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.test import override_settings

from wegov.accounts.tests.factories import (
    PASSWORD,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)
from wegov.places import services as places_services


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(scope="session", autouse=True)
def _cache_key_prefix_per_worker():
    """With REDIS_URL set, every xdist worker (and every run) shares one Redis:
    give each its own key prefix so counters and sessions never meet."""
    from django.conf import settings as django_settings

    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    tag = f"test-{worker}-{os.getpid()}"
    per_worker = {
        alias: {**conf, "KEY_PREFIX": f"{conf.get('KEY_PREFIX') or 'wegov'}-{tag}"}
        for alias, conf in django_settings.CACHES.items()
    }
    with override_settings(CACHES=per_worker):
        yield


def _clear_caches():
    for cache in caches.all():
        if isinstance(cache, RedisCache):
            # clear() would FLUSHDB the other workers' keys too: drop only ours.
            client = cache._cache.get_client(write=True)
            keys = list(client.scan_iter(match=f"{cache.key_prefix}:*", count=1000))
            if keys:
                client.delete(*keys)
        else:
            cache.clear()


@pytest.fixture(autouse=True)
def _fresh_cache(_cache_key_prefix_per_worker):
    """Rate-limit counters, cached sessions and the like never leak between tests."""
    _clear_caches()
    yield
    _clear_caches()


@pytest.fixture
def password():
    return PASSWORD


def enable_totp(user) -> str:
    """Give the user a TOTP authenticator; returns its secret."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def totp_code(secret: str) -> str:
    return pyotp.TOTP(secret).now()


@pytest.fixture
def citizen(db):
    return UserFactory(display_name="Anna Citizen")


@pytest.fixture
def other_citizen(db):
    return UserFactory(display_name="Bram Other")


@pytest.fixture
def department(db):
    return OrganisationFactory(name="Public Works", slug="public-works")


@pytest.fixture
def other_department(db):
    return OrganisationFactory(name="Parks and Green", slug="parks")


@pytest.fixture
def staff(db, department):
    user = UserFactory(display_name="Sam Staff")
    MembershipFactory(user=user, organisation=department)
    return user


@pytest.fixture
def other_staff(db, other_department):
    """Staff of another department."""
    user = UserFactory(display_name="Olga Otherdept")
    MembershipFactory(user=user, organisation=other_department)
    return user


@pytest.fixture
def moderator(db):
    return UserFactory(display_name="Mo Moderator", is_moderator=True)


@pytest.fixture
def admin_user(db):
    return UserFactory(display_name="Ada Admin", is_superuser=True, is_staff=True)


@pytest.fixture
def process_manager(db):
    return UserFactory(display_name="Pia Processmanager", is_process_manager=True)


# The demo city, simplified to a square around its centre (reports factories.CENTRE).
CITY_SQUARE = {
    "type": "Polygon",
    "coordinates": [[[5.37, 52.14], [5.41, 52.14], [5.41, 52.17], [5.37, 52.17], [5.37, 52.14]]],
}


@pytest.fixture
def city(db):
    """The city boundary and one district (Centrum) covering all of it."""
    places_services.area_save(
        kind="city", name="Lindenbrug", slug="lindenbrug", geometry=CITY_SQUARE
    )
    return places_services.area_save(
        kind="district", name="Centrum", slug="centrum", geometry=CITY_SQUARE
    )


ROLES = ["anonymous", "citizen", "other_citizen", "other_staff", "moderator", "admin_user"]


@pytest.fixture
def as_role(request, client):
    """A client logged in as the named role (with MFA passed for privileged roles)."""

    def login(role: str):
        if role == "anonymous":
            return client, None
        user = request.getfixturevalue(role)
        if role in {"staff", "other_staff", "moderator", "admin_user", "process_manager"}:
            enable_totp(user)
            client.force_login(user)
            session = client.session
            session["account_authentication_methods"] = [
                {"method": "password", "at": 0, "email": user.email},
                {"method": "mfa", "at": 0, "type": "totp"},
            ]
            session["account_authentication_methods_user"] = str(user.pk)
            session.save()
        else:
            client.force_login(user)
        return client, user

    return login


__all__ = ["Authenticator", "enable_totp", "totp_code"]


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in English, whatever language an earlier test activated."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()
