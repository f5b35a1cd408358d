"""Who may do what: the geocoding API is public; the category rules and the index
are administrators' business (Django admin); the index is never edited by hand."""

import pytest
from django.urls import reverse

from conftest import ROLES
from wegov.osm.models import CategoryFeatureRule
from wegov.reports.tests.factories import CategoryFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ROLES)
def test_geocoding_api_is_public(as_role, role, imported):
    client, _user = as_role(role)
    response = client.get("/api/v1/geocoding/search", {"q": "Kerkstraat 14"})
    assert response.status_code == 200
    assert response.json()["results"][0]["label"] == "Kerkstraat 14"


@pytest.mark.parametrize("role", ROLES)
def test_only_administrators_edit_category_rules(as_role, role, department):
    category = CategoryFactory(department=department)
    client, _user = as_role(role)
    add = reverse("admin:osm_categoryfeaturerule_add")
    response = client.post(
        add, {"category": category.pk, "feature_kind": "street_lamp", "radius_m": "25"}
    )
    if role == "admin_user":
        assert response.status_code == 302
        rule = CategoryFeatureRule.objects.get()
        assert (rule.category, rule.feature_kind, rule.radius_m) == (category, "street_lamp", 25)
        listing = client.get(reverse("admin:osm_categoryfeaturerule_changelist"))
        assert listing.status_code == 200 and category.name in listing.content.decode()
    else:
        assert response.status_code in (302, 403)
        assert not CategoryFeatureRule.objects.exists()


def test_rule_radius_and_kind_are_validated(as_role, department):
    category = CategoryFactory(department=department)
    client, _user = as_role("admin_user")
    add = reverse("admin:osm_categoryfeaturerule_add")
    html = client.post(
        add, {"category": category.pk, "feature_kind": "unicorn", "radius_m": "5000"}
    ).content.decode()
    assert "Select a valid choice" in html
    assert "Ensure this value is less than or equal to 1000." in html
    assert not CategoryFeatureRule.objects.exists()


def test_the_index_cannot_be_edited_in_the_admin(as_role, imported):
    client, _user = as_role("admin_user")
    assert client.get(reverse("admin:osm_street_changelist")).status_code == 200
    assert client.get(reverse("admin:osm_street_add")).status_code == 403
    assert client.get(reverse("admin:osm_osmimport_changelist")).status_code == 200
