import datetime as dt

import factory
from django.utils import timezone

from wegov.accounts.tests.factories import OrganisationFactory
from wegov.processes.models import Phase, PhaseKind, Process, Topic


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")


class ProcessFactory(factory.django.DjangoModelFactory):
    """A published, city-wide process. Give ``phase=`` (a PhaseKind) to make
    that phase the active one today, with a past and a future phase around it
    (default: proposals); give ``phase=""`` for a process without phases."""

    class Meta:
        model = Process
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"process-{n}")
    title = factory.Sequence(lambda n: f"A greener city centre {n}")
    summary = "How should the centre change in the next five years?"
    description = "<p>Tell us what you would change.</p>"
    organisation = factory.SubFactory(OrganisationFactory)
    topic = factory.SubFactory(TopicFactory)
    is_published = True
    support_threshold = 3

    @factory.post_generation
    def phase(self, create, extracted, **kwargs):
        if not create:
            return
        kind = PhaseKind.PROPOSALS if extracted is None else extracted
        if not kind:
            return
        set_active_phase(self, kind)


def set_active_phase(process: Process, kind: str) -> Phase:
    """Replace the process's phases with: information (past), ``kind``
    (active today), implementation (future); keep starts_on/ends_on in step."""
    today = timezone.localdate()
    process.phases.all().delete()
    Phase.objects.create(
        process=process,
        kind=PhaseKind.INFORMATION,
        starts_on=today - dt.timedelta(days=30),
        ends_on=today - dt.timedelta(days=11),
        position=0,
    )
    active = Phase.objects.create(
        process=process,
        kind=kind,
        starts_on=today - dt.timedelta(days=10),
        ends_on=today + dt.timedelta(days=10),
        position=1,
    )
    Phase.objects.create(
        process=process,
        kind=PhaseKind.IMPLEMENTATION,
        starts_on=today + dt.timedelta(days=11),
        ends_on=today + dt.timedelta(days=60),
        position=2,
    )
    process.starts_on = today - dt.timedelta(days=30)
    process.ends_on = today + dt.timedelta(days=60)
    process.save(update_fields=["starts_on", "ends_on"])
    if hasattr(process, "_prefetched_objects_cache"):
        process._prefetched_objects_cache.pop("phases", None)
    return active
