import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from wegov.accounts.tests.factories import OrganisationFactory
from wegov.core.models import AuditEntry
from wegov.processes.models import Process, Topic

from .factories import ProcessFactory

pytestmark = pytest.mark.django_db


def today() -> dt.date:
    # Each time it is asked, not once at import: a run can cross the city's midnight.
    return timezone.localdate()


def d(offset):
    return (today() + dt.timedelta(days=offset)).isoformat()


def test_topics_are_managed_in_the_admin(as_role):
    client, admin = as_role("admin_user")
    response = client.post(
        reverse("admin:processes_topic_add"),
        {"name": "Green spaces", "slug": "green-spaces", "description": "Parks and trees"},
    )
    assert response.status_code == 302
    topic = Topic.objects.get(slug="green-spaces")
    assert AuditEntry.objects.filter(action="topic.created", actor=admin).exists()
    assert client.get(reverse("admin:processes_topic_changelist")).status_code == 200
    assert (
        client.get(
            reverse("admin:processes_process_change", args=[ProcessFactory().pk])
        ).status_code
        == 200
    )
    assert topic.name == "Green spaces"


def test_process_managers_cannot_use_the_admin(as_role):
    client, _user = as_role("process_manager")
    response = client.get(reverse("admin:processes_topic_changelist"))
    assert response.status_code == 302  # to the admin log-in


def admin_process_data(organisation, *phases):
    data = {
        "slug": "from-admin",
        "title": "From the admin",
        "summary": "Made in the admin",
        "description": "<p>Hi<script>alert(1)</script></p>",
        "hero_image_alt": "",
        "scope": "city",
        "organisation": organisation.pk,
        "support_threshold": "10",
        "proposal_edit_minutes": "60",
        "phases-TOTAL_FORMS": str(len(phases)),
        "phases-INITIAL_FORMS": "0",
        "phases-MIN_NUM_FORMS": "0",
        "phases-MAX_NUM_FORMS": "1000",
    }
    for index, (kind, start, end) in enumerate(phases):
        data.update(
            {
                f"phases-{index}-kind": kind,
                f"phases-{index}-starts_on": d(start),
                f"phases-{index}-ends_on": d(end),
                f"phases-{index}-title": "",
                f"phases-{index}-description": "",
            }
        )
    return data


def test_admin_process_with_phases_keeps_the_rules(as_role):
    client, admin = as_role("admin_user")
    organisation = OrganisationFactory()
    url = reverse("admin:processes_process_add")
    response = client.post(
        url, admin_process_data(organisation, ("information", 0, 10), ("debate", 5, 20))
    )
    assert response.status_code == 200
    assert "overlap" in response.content.decode()
    assert not Process.objects.exists()

    response = client.post(
        url, admin_process_data(organisation, ("debate", 11, 20), ("information", 0, 10))
    )
    assert response.status_code == 302
    process = Process.objects.get()
    assert process.description == "<p>Hi</p>"
    assert process.created_by == admin and not process.is_published
    assert (process.starts_on, process.ends_on) == (today(), today() + dt.timedelta(days=20))
    assert list(process.phases.values_list("kind", "position")) == [
        ("information", 0),
        ("debate", 1),
    ]
    assert AuditEntry.objects.filter(action="process.created", actor=admin).exists()
