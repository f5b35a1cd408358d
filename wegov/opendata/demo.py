"""Demo: the city's open-data licence and contact point, and the files
generated once, so /opendata/ offers downloads right after ``make run``
(this app loads last)."""

from django.conf import settings

from . import services
from .models import Licence, OpenDataSettings


def load(demo) -> None:
    od = OpenDataSettings.load()
    od.licence = Licence.CC_BY
    od.publisher_name = f"Municipality of {settings.WEGOV_CITY_NAME}"
    od.contact_name = "Open data officer"
    od.contact_email = "opendata@lindenbrug.example"
    od.save()
    outcomes = services.export_all()
    rows = ", ".join(f"{o.slug} {o.rows}" for o in outcomes if o.ok)
    failed = [o.slug for o in outcomes if not o.ok]
    demo.say(f"  open data: {rows}" + (f"; FAILED: {', '.join(failed)}" if failed else ""))
