"""The demo debates, loaded after the places, accounts and processes demos."""

import io
import random

import pytest

from wegov.accounts import demo as accounts_demo
from wegov.core.management.commands.load_demo import DEMO_PASSWORD, DemoContext
from wegov.debates import demo as debates_demo
from wegov.debates import selectors
from wegov.debates.models import Debate
from wegov.places import demo as places_demo
from wegov.processes import demo as processes_demo

pytestmark = pytest.mark.django_db


def test_demo_debates(client):
    demo = DemoContext(rng=random.Random(2026), password=DEMO_PASSWORD, stdout=io.StringIO())
    for module in (places_demo, accounts_demo, processes_demo, debates_demo):
        module.load(demo)
    debates = demo.shared["debates"]
    assert 4 <= len(debates) <= 6
    assert Debate.objects.count() == len(debates)
    westwijk = demo.shared["processes"]["green-westwijk"]
    in_westwijk = Debate.objects.filter(process=westwijk)
    assert in_westwijk.filter(opened_by_organisation=westwijk.organisation).exists()
    assert in_westwijk.filter(opened_by_organisation=None).exists()  # citizens opened some
    assert Debate.objects.filter(process__slug="car-free-marktplein").exists()
    closed = Debate.objects.filter(state=Debate.State.CLOSED)
    assert closed.exists() and all(d.conclusion and d.closed_at for d in closed)
    assert all(d.created_at < d.closed_at for d in closed)
    for debate in debates:
        assert client.get(debate.get_absolute_url()).status_code == 200
    assert selectors.debates_for(westwijk).count() == in_westwijk.count()
