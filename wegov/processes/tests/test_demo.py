import io
import random

import pytest

from wegov.accounts import demo as accounts_demo
from wegov.core.management.commands.load_demo import DemoContext
from wegov.places import demo as places_demo
from wegov.processes import demo, selectors
from wegov.processes.models import Action, Process

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(activities, django_capture_on_commit_callbacks):
    context = DemoContext(rng=random.Random(2026), password="demo", stdout=io.StringIO())
    with django_capture_on_commit_callbacks(execute=True):
        places_demo.load(context)
        accounts_demo.load(context)
        demo.load(context)
    return context


def test_demo_processes_in_different_phases(loaded, activities):
    processes = loaded.shared["processes"]
    topics = loaded.shared["topics"]
    assert {"mobility", "green-spaces", "housing", "culture", "climate"} <= set(topics)
    assert {"car-free-marktplein", "green-westwijk", "cycling-plan-2026"} <= set(processes)

    marktplein = processes["car-free-marktplein"]
    assert marktplein.scope == "city" and marktplein.active_phase.kind == "proposals"
    assert marktplein.allows(Action.PROPOSE) and marktplein.hero_image_alt

    westwijk = processes["green-westwijk"]
    assert westwijk.district.slug == "westwijk"
    assert westwijk.active_phase.kind == "debate" and westwijk.allows(Action.DEBATE)

    cycling = processes["cycling-plan-2026"]
    assert cycling.active_phase.kind == "implementation"
    kinds = [(p.kind, p.state()) for p in cycling.phases.all()]
    assert ("evaluation", "past") in kinds

    drafts = [p for p in processes.values() if not p.is_published]
    assert len(drafts) == 1
    statuses = {p.status() for p in processes.values() if p.is_published}
    assert statuses == {"active", "upcoming", "past"}
    for process in Process.objects.all():
        phases = list(process.phases.all())
        assert process.starts_on == phases[0].starts_on and process.ends_on == phases[-1].ends_on
        assert "<script" not in process.description
    assert activities == [], "loading the demo announces nothing"
    # Lists and filters have something to show.
    assert selectors.process_list(filters=selectors.ProcessFilters(district="westwijk")).exists()
