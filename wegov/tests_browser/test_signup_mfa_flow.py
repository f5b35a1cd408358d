"""The whole way in: sign up, confirm the email, set up two-factor, log in with it."""

import re
import time

import pyotp
import pytest

from wegov.accounts.models import User

from .support import axe_check, log_in, submit

pytestmark = pytest.mark.browser

EMAIL = "lotte.visser@example.org"
NAME = "Lotte V"
PASSWORD = "tulips along the canal 1987"
CONFIRM_LINK = re.compile(r"https?://[^\s<>\"]+/accounts/confirm-email/[^\s<>\"]+")
BASE32_SECRET = re.compile(r"\b[A-Z2-7]{16,}\b")


def account_links(page) -> str:
    """The account links at the top of every page."""
    return page.locator("#navigation").inner_text()


def fresh_totp_code(secret: str) -> str:
    """The current code, with time to spare: allauth accepts no code from a past period."""
    totp = pyotp.TOTP(secret)
    left = totp.interval - time.time() % totp.interval
    if left < 5:
        time.sleep(left + 0.2)
    return totp.now()


def read_totp_secret(page) -> str:
    """The secret key as the page shows it in text (for apps that cannot scan)."""
    text = page.locator("main").inner_text()
    match = BASE32_SECRET.search(text.replace(" ", ""))
    assert match, f"no secret key shown on {page.url}:\n{text}"
    return match.group(0)


def test_sign_up_confirm_email_enable_totp_and_log_in_with_it(page, mailoutbox):
    # Sign up.
    page.goto("/accounts/signup/")
    axe_check(page)
    page.fill("input[name=email]", EMAIL)
    page.fill("input[name=display_name]", NAME)
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.check("input[name=privacy_consent]")
    submit(page, "form:has(input[name=password1])")
    assert "/accounts/confirm-email/" in page.url
    axe_check(page)

    user = User.objects.get(email=EMAIL)
    assert user.display_name == NAME
    assert user.consents.filter(purpose="privacy_notice").exists()

    # The verification email.
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [EMAIL]
    match = CONFIRM_LINK.search(message.body)
    assert match, message.body
    page.goto(match.group(0))
    axe_check(page)
    submit(page, "main form")
    assert user.emailaddress_set.get(email=EMAIL).verified

    # Log in (no second factor yet).
    log_in(page, EMAIL, PASSWORD)
    assert NAME in account_links(page)
    axe_check(page)

    # Set up the authenticator app.
    # allauth asks for the password again before changing the second factor.
    page.goto("/accounts/2fa/totp/activate/")
    assert "/accounts/reauthenticate/" in page.url
    axe_check(page)
    page.fill("input[name=password]", PASSWORD)
    submit(page, "main form:has(input[name=password])")
    assert page.url.endswith("/accounts/2fa/totp/activate/")
    axe_check(page)
    secret = read_totp_secret(page)
    page.fill("input[name=code]", fresh_totp_code(secret))
    submit(page, "main form:has(input[name=code])")
    assert user.authenticator_set.filter(type="totp").exists()
    axe_check(page)  # recovery codes, or the two-factor overview

    # Log out.
    page.goto("/")
    submit(page, "form[action$='/accounts/logout/']")
    assert NAME not in account_links(page)
    assert "Log in" in account_links(page)

    # Log in again: the password alone is not enough any more.
    log_in(page, EMAIL, PASSWORD)
    assert "/accounts/2fa/authenticate/" in page.url
    axe_check(page)
    page.fill("input[name=code]", fresh_totp_code(secret))
    submit(page, "main form:has(input[name=code])")
    assert "/accounts/2fa/" not in page.url, page.locator("main").inner_text()
    assert NAME in account_links(page)
    page.goto("/me/profile/")
    assert page.url.endswith("/me/profile/")
    axe_check(page)
