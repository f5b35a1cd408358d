"""The service navigation links to the staff hub for anyone with a work page; the
hub lists each role the staff pages it may open, and only those."""

import pytest
from django.urls import reverse

from wegov.core import staff_pages

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "citizen",
    "other_citizen",
    "staff",
    "other_staff",
    "moderator",
    "process_manager",
    "admin_user",
]
# What each role's hub lists (the demo-style fixtures: staff are department members).
STAFF_WORK = {"staff_queue", "file_on_behalf", "basemap", "opendata", "track_results"}
EXPECTED = {
    "anonymous": set(),
    "citizen": set(),
    "other_citizen": set(),
    "staff": STAFF_WORK,
    "other_staff": STAFF_WORK,
    "moderator": {"moderation", "basemap"},
    "process_manager": {
        "manage_processes",
        "manage_budgets",
        "track_results",
        "manage_conversations",
    },
    "admin_user": {page.key for page in staff_pages.pages()},
}


@pytest.mark.parametrize("role", ROLES)
def test_the_hub_lists_exactly_the_pages_the_role_may_open(as_role, role):
    client, _user = as_role(role)
    home = client.get(reverse("core:home")).content.decode()
    hub_url = reverse("core:staff_hub")
    assert (f'href="{hub_url}"' in home) == bool(EXPECTED[role])
    # Conversations are for everyone, signed in or not.
    assert f'href="{reverse("opinions:list")}"' in home
    assert client.get(reverse("opinions:list")).status_code == 200
    response = client.get(hub_url)
    if not EXPECTED[role]:
        assert response.status_code in (302, 403)
        return
    assert response.status_code == 200
    html = response.content.decode()
    for page in staff_pages.pages():
        listed = f'href="{page.url}"' in html
        assert listed == (page.key in EXPECTED[role]), page.key
        if page.key == "administration":
            continue  # the admin asks for its own second-factor session
        status = client.get(page.url).status_code
        assert (status == 200) == listed, (page.key, status)


def test_the_header_no_longer_carries_each_staff_page(as_role):
    client, _user = as_role("admin_user")
    home = client.get(reverse("core:home")).content.decode()
    for key in ("staff_queue", "moderation", "basemap", "datalayers"):
        assert f'href="{staff_pages.pages_by_key()[key].url}"' not in home
