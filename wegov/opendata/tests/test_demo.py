import pytest
from django.core.management import call_command

from wegov.accounts.models import User
from wegov.opendata import registry, writer
from wegov.opendata.models import DatasetExport, OpenDataSettings
from wegov.reports.models import Report

pytestmark = pytest.mark.django_db


def test_demo_sets_the_licence_and_publishes_every_dataset_without_personal_data(client):
    call_command("load_demo")
    od = OpenDataSettings.load()
    assert od.licence == "CC-BY-4.0" and od.publisher_name == "Municipality of Lindenbrug"
    assert DatasetExport.objects.filter(rows__gt=0).count() == len(registry.slugs())
    texts = [writer.file_path(s, f).read_text() for s in registry.slugs() for f in registry.FORMATS]
    people = list(User.objects.values_list("email", "display_name"))
    assert len(people) > 20
    contact = Report.objects.exclude(reporter_phone="").values_list("reporter_phone", flat=True)
    for text in texts:
        for email, name in people:
            assert email not in text
            assert name not in text
        for phone in contact:
            assert phone not in text
    page = client.get("/opendata/").content.decode()
    assert "/opendata/reports.geojson" in page
