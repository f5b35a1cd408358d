"""Linking a report to a feature of an open-data layer in a browser: the author
picks the bench near the report, with and without JavaScript, and sees the link
on the report's page; the link page is axe-clean."""

import pytest
from django.urls import reverse

from wegov.datalayers.models import FeatureLink
from wegov.datalayers.tests.factories import DataLayerFactory, LayerFeatureFactory
from wegov.reports.tests.factories import CENTRE, ReportFactory

from .support import axe_check, log_in_session, submit

pytestmark = pytest.mark.browser


@pytest.fixture
def report(citizen):
    return ReportFactory(reporter=citizen, title="Broken bench by the pond")


@pytest.fixture
def bench(db):
    layer = DataLayerFactory(name="Benches", slug="benches")
    return LayerFeatureFactory(layer=layer, key="b1", name="Pond bench", lat=CENTRE[0] + 0.0005)


def link_url(report):
    return reverse("datalayers:link", kwargs={"kind": "report", "object_id": report.pk})


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_author_links_a_report_to_a_bench(
    javascript, page, no_js_page, live_server, citizen, report, bench
):
    page = page if javascript else no_js_page
    log_in_session(page.context, live_server.url, citizen)
    page.goto(link_url(report))
    assert page.locator("h1").inner_text() == "Link to a map feature"
    if javascript:
        axe_check(page)

    # Linking without a choice: a clear message, nothing saved.
    submit(page, "#link-form")
    assert "Choose a feature to link to." in page.locator(".govuk-error-summary").inner_text()
    assert not FeatureLink.objects.exists()
    if javascript:
        axe_check(page)

    page.get_by_label("“Pond bench” (Benches)", exact=False).check()
    submit(page, "#link-form")
    assert page.url.endswith(reverse("reports:detail", args=[report.pk]))
    assert "Linked to “Pond bench” (Benches)." in page.inner_text("body")
    assert FeatureLink.objects.get().feature == bench

    # Unlinking from the link page.
    page.goto(link_url(report))
    with page.expect_navigation():
        page.locator("#current-links button").click()
    assert "Unlinked from “Pond bench”." in page.inner_text("body")
    assert not FeatureLink.objects.exists()
