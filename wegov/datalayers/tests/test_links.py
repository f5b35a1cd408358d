"""Linking a contribution to a layer's feature: the page, the services, the tag."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from conftest import ROLES
from wegov.core.models import AuditEntry
from wegov.datalayers import services
from wegov.datalayers.models import FeatureLink
from wegov.proposals.tests.factories import ProposalFactory
from wegov.reports.tests.factories import CENTRE, ReportFactory

from .factories import DataLayerFactory, LayerFeatureFactory

# About 55 m and 110 m north of the centre, and 1.1 km away.
NEAR, FARTHER, FAR = 0.0005, 0.001, 0.01


@pytest.fixture
def report(citizen):
    return ReportFactory(reporter=citizen, title="Broken bench by the pond")


@pytest.fixture
def benches(db):
    layer = DataLayerFactory(name="Benches", slug="benches")
    return {
        "near": LayerFeatureFactory(layer=layer, key="b1", name="Pond bench", lat=CENTRE[0] + NEAR),
        "farther": LayerFeatureFactory(
            layer=layer, key="b2", name="School bench", lat=CENTRE[0] + FARTHER
        ),
        "far": LayerFeatureFactory(layer=layer, key="b3", name="Far bench", lat=CENTRE[0] + FAR),
    }


@pytest.fixture
def hidden_feature(db):
    layer = DataLayerFactory(name="Draft", slug="draft", is_public=False)
    return LayerFeatureFactory(layer=layer, key="d1", name="Secret bench", lat=CENTRE[0])


def link_url(obj, kind="report"):
    return reverse("datalayers:link", kwargs={"kind": kind, "object_id": obj.pk})


# Author (citizen), staff of any department and administrators may link.
MAY_LINK = {"citizen": 200, "other_staff": 200, "admin_user": 200, "anonymous": 302}


@pytest.mark.parametrize("role", ROLES)
def test_link_page_permission_matrix(as_role, report, benches, role):
    client, _user = as_role(role)
    response = client.get(link_url(report))
    assert response.status_code == MAY_LINK.get(role, 403)
    response = client.post(link_url(report), {"feature": benches["near"].pk})
    assert response.status_code == {200: 302}.get(MAY_LINK.get(role), MAY_LINK.get(role, 403))
    assert FeatureLink.objects.exists() == (role in {"citizen", "other_staff", "admin_user"})


def test_a_blocked_author_may_not_link(report, citizen):
    citizen.blocked_at = timezone.now()
    citizen.save(update_fields=["blocked_at"])
    assert not citizen.has_perm("datalayers.link_feature", report)


def test_page_lists_features_nearby_nearest_first_without_hidden_layers(
    as_role, report, benches, hidden_feature
):
    client, _ = as_role("citizen")
    page = client.get(link_url(report)).content.decode()
    assert page.index("Pond bench") < page.index("School bench")
    assert "“Pond bench” (Benches), 56 m away" in page
    assert "Far bench" not in page and "Secret bench" not in page
    assert 'type="radio"' in page and "Broken bench by the pond" in page


def test_link_then_unlink(as_role, report, benches):
    client, citizen = as_role("citizen")
    response = client.post(link_url(report), {"feature": benches["near"].pk})
    assert response["Location"] == reverse("reports:detail", args=[report.pk])
    link = FeatureLink.objects.get()
    assert (link.contribution_kind, link.contribution_id, link.linked_by) == (
        "report",
        report.pk,
        citizen,
    )
    page = client.get(link_url(report)).content.decode()
    assert 'id="current-links"' in page
    # The linked feature is no longer offered.
    assert 'id="feature-{}"'.format(benches["near"].pk) not in page
    response = client.post(link_url(report), {"unlink": link.pk})
    assert response.status_code == 302 and not FeatureLink.objects.exists()
    # The author's own links are not staff actions: no audit entry.
    assert not AuditEntry.objects.filter(action__startswith="datalayers.").exists()


def test_staff_links_are_audited(as_role, report, benches):
    client, staff = as_role("other_staff")
    client.post(link_url(report), {"feature": benches["near"].pk})
    link = FeatureLink.objects.get()
    client.post(link_url(report), {"unlink": link.pk})
    assert list(AuditEntry.objects.order_by("id").values_list("action", "actor_id")) == [
        ("datalayers.feature_linked", staff.pk),
        ("datalayers.feature_unlinked", staff.pk),
    ]


def test_refusals_are_shown_on_the_page(as_role, report, benches, hidden_feature):
    client, _ = as_role("citizen")
    response = client.post(link_url(report), {})
    assert response.status_code == 400
    assert "Choose a feature to link to." in response.content.decode()
    response = client.post(link_url(report), {"feature": benches["far"].pk})
    assert "That feature is more than 150 m away." in response.content.decode()
    response = client.post(link_url(report), {"feature": hidden_feature.pk})
    assert "That feature&#x27;s layer is not public." in response.content.decode()
    client.post(link_url(report), {"feature": benches["near"].pk})
    response = client.post(link_url(report), {"feature": benches["near"].pk})
    assert "It is already linked to that feature." in response.content.decode()
    assert FeatureLink.objects.count() == 1


def test_unlinking_another_contributions_link_is_404(as_role, report, benches, citizen):
    other = ReportFactory(reporter=citizen)
    foreign = FeatureLink.objects.create(
        contribution_kind="report", contribution_id=other.pk, feature=benches["near"]
    )
    client, _ = as_role("citizen")
    assert client.post(link_url(report), {"unlink": foreign.pk}).status_code == 404
    assert client.post(link_url(report), {"unlink": "x"}).status_code == 404
    assert FeatureLink.objects.count() == 1


def test_unknown_kind_or_object_is_404(as_role, report):
    client, _ = as_role("admin_user")
    assert client.get(reverse("datalayers:link", args=["nope", report.pk])).status_code == 404
    assert client.get(reverse("datalayers:link", args=["report", 999999])).status_code == 404


def test_service_refuses_other_citizens_and_contributions_without_place(
    report, benches, other_citizen, citizen
):
    with pytest.raises(PermissionDenied):
        services.feature_link(actor=other_citizen, contribution=report, feature=benches["near"])
    proposal = ProposalFactory(author=citizen)  # no place on the map
    with pytest.raises(ValidationError, match="no place on the map"):
        services.feature_link(actor=citizen, contribution=proposal, feature=benches["near"])


def render_tag(obj, user):
    request = RequestFactory().get("/")
    request.user = user
    template = Template("{% load datalayers %}{% linked_features obj %}")
    return template.render(Context({"obj": obj, "request": request}))


def test_tag_shows_links_in_one_query(
    report, benches, hidden_feature, citizen, django_assert_num_queries
):
    from django.contrib.auth.models import AnonymousUser

    for feature in (benches["near"], benches["farther"], hidden_feature):
        FeatureLink.objects.create(
            contribution_kind="report", contribution_id=report.pk, feature=feature
        )
    with django_assert_num_queries(1):
        html = render_tag(report, AnonymousUser())
    assert "Linked to:" in html
    assert "“Pond bench” (Benches layer)" in html and "“School bench” (Benches layer)" in html
    assert "Secret bench" not in html
    assert "Link to a map feature" not in html
    with django_assert_num_queries(1):
        html = render_tag(report, citizen)  # the author: no query to decide
    assert link_url(report) in html


def test_tag_for_others(report, other_citizen, staff, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        assert render_tag(report, other_citizen).strip() == ""
    assert link_url(report) in render_tag(report, staff)


def test_report_and_proposal_pages_show_the_links(client, report, benches, citizen):
    FeatureLink.objects.create(
        contribution_kind="report", contribution_id=report.pk, feature=benches["near"]
    )
    page = client.get(reverse("reports:detail", args=[report.pk])).content.decode()
    assert "“Pond bench” (Benches layer)" in page
    proposal = ProposalFactory(author=citizen, lat=CENTRE[0], lon=CENTRE[1])
    FeatureLink.objects.create(
        contribution_kind="proposal", contribution_id=proposal.pk, feature=benches["farther"]
    )
    client.force_login(citizen)
    page = client.get(
        reverse("proposals:detail", args=[proposal.process.slug, proposal.pk])
    ).content.decode()
    assert "“School bench” (Benches layer)" in page
    assert link_url(proposal, "proposal") in page


def test_links_are_in_the_linkers_data_export_and_survive_erasure(report, benches, citizen):
    from wegov.core import personal_data

    services.feature_link(actor=citizen, contribution=report, feature=benches["near"])
    section = {s.name: s for s in personal_data.sections()}["datalayers_links"]
    exported = section.export(citizen)
    assert [(x["contribution_kind"], x["layer"], x["feature"]) for x in exported] == [
        ("report", "benches", "b1")
    ]
    section.erase(citizen)
    link = FeatureLink.objects.get()
    assert link.linked_by is None and link.feature == benches["near"]
    assert section.export(citizen) == []
