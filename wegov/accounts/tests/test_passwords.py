"""Passwords are stored with Argon2; the suite's fast hasher never reaches the site."""

import pytest
from django.contrib.auth.hashers import identify_hasher

from .factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.real_password_hasher
def test_a_new_password_is_stored_with_argon2_and_checks(client):
    user = UserFactory(email="hashed@example.org")
    assert identify_hasher(user.password).algorithm == "argon2"
    assert user.check_password(PASSWORD)
    assert not user.check_password(PASSWORD + "!")
    assert client.login(email="hashed@example.org", password=PASSWORD)


def test_other_tests_use_the_fast_hasher():
    # The reason the suite does not spend ~0.2 s of Argon2 on every user it makes.
    assert identify_hasher(UserFactory().password).algorithm == "md5"


def test_the_site_itself_hashes_with_argon2_only():
    from wegov import settings as site_settings

    assert site_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert not any("MD5" in hasher for hasher in site_settings.PASSWORD_HASHERS)
