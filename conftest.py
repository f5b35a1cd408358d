"""Fixtures shared by every app's tests: one user per role, and MFA helpers.

Also what makes the suite fast and honest (docs/testing.md): the migrated template
database, the fast password hasher, browser tests first, and the test clock.
"""

import os
import uuid

import pyotp
import pytest
import time_machine
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
from wegov.testing import clock, fast_flush, template_db

# --- How the suite runs -------------------------------------------------------------

FAST_HASHER = "django.contrib.auth.hashers.MD5PasswordHasher"


def pytest_report_header(config):
    moment = clock.start_moment()
    if moment is None:
        return f"clock: real time ({clock.ENVIRONMENT_VARIABLE} unset)"
    return f"clock: every test starts at {moment.isoformat()} ({clock.ENVIRONMENT_VARIABLE})"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item, nextitem):
    """Under WEGOV_TEST_CLOCK, each test (fixtures included) starts at that moment."""
    moment = clock.start_moment()
    if moment is None:
        return (yield)
    with time_machine.travel(moment, tick=True):
        return (yield)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Browser tests first (in the order pytest-randomly gave them).

    With ``--dist load`` xdist hands the first quarter of the tests out in turn, so both
    workers get half of the browser tests, each with its own chromium and live server, and
    the many short tests after them even out the end. Within a worker they stay together,
    so its chromium starts once.
    """
    items.sort(key=lambda item: item.get_closest_marker("browser") is None)  # stable


def _run_id(config) -> str:
    """The same in every xdist worker of one run (xdist's testrunuid), else this process's."""
    workerinput = getattr(config, "workerinput", None)
    if workerinput:
        return workerinput["testrunuid"]
    return uuid.uuid4().hex


@pytest.fixture(scope="session")
def django_db_setup(
    request,
    django_test_environment,
    django_db_blocker,
    django_db_createdb,
    django_db_modify_db_settings,
):
    """Clone the migrated template database instead of migrating one per worker."""
    from pytest_django.fixtures import _get_databases_for_setup

    _aliases, serialized_aliases = _get_databases_for_setup(request.session.items)
    with django_db_blocker.unblock():
        clone = template_db.setup(
            run_id=_run_id(request.config),
            rebuild=django_db_createdb,
            serialize=bool(serialized_aliases),
        )
    if clone.vendor == "postgresql":
        fast_flush.install()
    yield
    with django_db_blocker.unblock():
        template_db.teardown(clone)


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hasher():
    """Argon2 with the site's parameters costs ~0.2 s a hash here, and most tests make
    several users; only tests marked ``real_password_hasher`` pay for it."""
    from django.conf import settings as django_settings

    real_hashers = list(django_settings.PASSWORD_HASHERS)
    with override_settings(PASSWORD_HASHERS=[FAST_HASHER, *real_hashers]):
        yield real_hashers


@pytest.fixture(autouse=True)
def _real_password_hasher(request, _fast_password_hasher):
    if request.node.get_closest_marker("real_password_hasher") is None:
        yield
        return
    with override_settings(PASSWORD_HASHERS=_fast_password_hasher):
        yield


# --- Shared fixtures ----------------------------------------------------------------


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


def make_api_token(user) -> str:
    """A personal API token's key, made as the person would: a privileged role sets up
    two-factor and makes the token in a session that used it (or the token is refused)."""
    from allauth.mfa.utils import is_mfa_enabled

    from wegov.accounts.rules import is_privileged
    from wegov.accounts.services import token_create

    privileged = is_privileged(user)
    if privileged and not is_mfa_enabled(user):
        enable_totp(user)
    _token, key = token_create(actor=user, name="test", second_factor=privileged)
    return key


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


__all__ = ["Authenticator", "enable_totp", "make_api_token", "totp_code"]


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in English, whatever language an earlier test activated."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()
