"""Every geolocated contribution kind takes its district from its point and
refuses points outside the city, the same way."""

import pytest
from django.core.exceptions import ValidationError

from wegov.places import importing
from wegov.processes.models import PhaseKind
from wegov.processes.tests.factories import ProcessFactory
from wegov.proposals import services as proposals
from wegov.reports import services as reports
from wegov.reports.tests.factories import CategoryFactory

pytestmark = pytest.mark.django_db

IN_EAST = (52.155, 5.40)
OUTSIDE = (52.20, 5.40)


def test_the_geolocated_kinds_are_known():
    # A new model with lat/lon and a district must be added below (and its
    # service must use places.selectors.district_at and is_inside_city).
    found = {model._meta.label for model, _field in importing.geolocated_models()}
    assert found == {
        "reports.Report",
        "proposals.Proposal",
        "budgeting.BudgetProject",
        "accountability.Result",
    }


def _report(citizen, lat, lon):
    return reports.report_create(
        actor=citizen,
        data=reports.NewReport(
            category=CategoryFactory(), title="Loose tile", description="Loose.", lat=lat, lon=lon
        ),
    )


def _proposal(citizen, lat, lon, district=None):
    process = ProcessFactory(phase=PhaseKind.PROPOSALS)
    return proposals.proposal_create(
        actor=citizen,
        process=process,
        data=proposals.ProposalData(
            title="More trees", body="Plant them.", lat=lat, lon=lon, district=district
        ),
    )


@pytest.mark.parametrize("create", [_report, _proposal])
def test_district_comes_from_the_point(create, citizen, west, east):
    assert create(citizen, *IN_EAST).district == east


def test_a_proposals_point_wins_over_the_chosen_district(citizen, west, east):
    assert _proposal(citizen, *IN_EAST, district=west).district == east


@pytest.mark.parametrize("create", [_report, _proposal])
def test_outside_the_city_is_refused(create, citizen, west):
    with pytest.raises(ValidationError) as caught:
        create(citizen, *OUTSIDE)
    assert "outside the city" in " ".join(caught.value.message_dict["location"])
