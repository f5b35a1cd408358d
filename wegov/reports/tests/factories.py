import datetime as dt

import factory
from django.utils import timezone

from wegov.accounts.tests.factories import OrganisationFactory
from wegov.reports.models import Category, Report, Status

# A point in the demo city's centre (Lindenbrug, see places/demo.py).
CENTRE = (52.1561, 5.3878)


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"Pothole {n}")
    service_code = factory.Sequence(lambda n: f"pothole-{n}")
    department = factory.SubFactory(OrganisationFactory)
    sla_hours = 72


class ReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Report

    category = factory.SubFactory(CategoryFactory)
    department = factory.LazyAttribute(lambda o: o.category.department)
    title = factory.Sequence(lambda n: f"Broken paving stone {n}")
    description = "The paving stone is loose and people trip over it."
    lat = CENTRE[0]
    lon = CENTRE[1]
    status = Status.SUBMITTED
    due_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(hours=72))
