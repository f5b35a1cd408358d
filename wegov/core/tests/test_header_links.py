"""The service navigation shows each role the staff pages it may open, and only those."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

ALL_ROLES = ["anonymous", "citizen", "other_citizen", "other_staff", "moderator", "admin_user"]
BASEMAP = {"other_staff", "moderator", "admin_user"}
LAYERS = {"admin_user"}


@pytest.mark.parametrize("role", ALL_ROLES)
def test_staff_links_in_the_header(as_role, role):
    client, _user = as_role(role)
    html = client.get(reverse("core:home")).content.decode()
    assert (f'href="{reverse("basemap:list")}"' in html) == (role in BASEMAP)
    assert (f'href="{reverse("datalayers:staff_list")}"' in html) == (role in LAYERS)
    # Conversations are for everyone, signed in or not.
    assert f'href="{reverse("opinions:list")}"' in html
    assert client.get(reverse("opinions:list")).status_code == 200
    # Each link leads to a page the role may open.
    for url, allowed in (
        (reverse("basemap:list"), BASEMAP),
        (reverse("datalayers:staff_list"), LAYERS),
    ):
        if role in allowed:
            assert client.get(url).status_code == 200
