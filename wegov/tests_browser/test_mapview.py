"""The one map of everything, with and without JavaScript."""

import pytest

from wegov.proposals.tests.factories import ProposalFactory
from wegov.reports.tests.factories import ReportFactory

from .support import axe_check, submit
from .test_reports import RECORD_CSP_VIOLATIONS, csp_violations, watch

pytestmark = pytest.mark.browser


@pytest.fixture
def contributions(city):
    ReportFactory(title="<b>Loud</b> streetlight out", lat=52.155, lon=5.39)
    ReportFactory(title="Bin overflowing", lat=52.162, lon=5.381)
    ProposalFactory(title="Benches by the river", lat=52.151, lon=5.381)


def test_filter_the_map_and_open_a_popup(new_context, live_server, contributions):
    context = new_context()
    context.add_init_script(RECORD_CSP_VIOLATIONS)
    page = context.new_page()
    problems = watch(page)
    page.goto("/map/", wait_until="networkidle")
    page.locator("#items-map.leaflet-container").wait_for()
    markers = page.locator("#items-map .wegov-pin")
    markers.first.wait_for()
    assert markers.count() == 3
    assert page.locator("#results").inner_text().startswith("3 items")
    axe_check(page)

    # A popup is built from text: the title's markup stays text.
    page.locator("#items-map .wegov-pin[title='<b>Loud</b> streetlight out']").click()
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert popup.get_by_role("link", name="<b>Loud</b> streetlight out").is_visible()
    assert popup.locator("b").count() == 0
    assert "Problem report" in popup.inner_text()

    # Filters are a plain GET form; the map follows the applied filters.
    page.check("input[name=kind][value=proposal]")
    submit(page, "#map-filters")
    assert "kind=proposal" in page.url
    page.locator("#items-map .wegov-pin--proposal").first.wait_for()
    assert page.locator("#items-map .wegov-pin").count() == 1
    assert page.locator("#results").inner_text().startswith("1 item")
    axe_check(page)
    assert not problems, problems
    assert not csp_violations(page)


def test_the_map_page_works_without_javascript(no_js_page, live_server, contributions):
    page = no_js_page
    page.goto("/map/")
    assert page.locator("#items-map").is_hidden()
    assert page.get_by_role("link", name="Benches by the river").is_visible()
    page.select_option("#id_status", "not_answered")
    submit(page, "#map-filters")
    assert page.locator("#results").inner_text().startswith("1 item")
    assert page.get_by_role("link", name="Benches by the river").is_visible()
    # (axe needs JavaScript: the same page is checked in the test above.)


def test_switch_an_open_data_layer_on(new_context, live_server, contributions):
    from wegov.datalayers.models import DataLayer, LayerFeature

    layer = DataLayer.objects.create(
        name="Playgrounds",
        slug="playgrounds",
        licence="CC BY 4.0",
        attribution="Lindenbrug",
        data_url="https://data.lindenbrug.example/playgrounds.geojson",
    )
    LayerFeature.objects.create(
        layer=layer, key="p1", name="Speeltuin Kerkplein", lat=52.156, lon=5.386
    )
    page = new_context().new_page()
    problems = watch(page)
    page.goto("/map/", wait_until="networkidle")
    page.locator("#items-map .wegov-pin").first.wait_for()
    assert page.locator("#items-map .wegov-pin--layer").count() == 0
    page.check("#layer-playgrounds")
    layer_pin = page.locator("#items-map .wegov-pin--layer[title='Speeltuin Kerkplein']")
    layer_pin.wait_for()
    layer_pin.click()
    assert "Speeltuin Kerkplein" in page.locator(".leaflet-popup-content").inner_text()
    page.uncheck("#layer-playgrounds")
    layer_pin.wait_for(state="detached")
    page.locator(".leaflet-popup").wait_for(state="detached")  # closed with its layer
    axe_check(page)
    assert not problems, problems
