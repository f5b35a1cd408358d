import factory

from wegov.accountability.models import Milestone, Result
from wegov.processes.tests.factories import ProcessFactory


class ResultFactory(factory.django.DjangoModelFactory):
    """A planned result in a published process, without a source."""

    class Meta:
        model = Result

    title = factory.Sequence(lambda n: f"New benches along the canal {n}")
    description = "Twelve benches between the mill and the lock."
    process = factory.SubFactory(ProcessFactory)
    department = factory.LazyAttribute(lambda o: o.process.organisation if o.process else None)


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    result = factory.SubFactory(ResultFactory)
    title = factory.Sequence(lambda n: f"Milestone {n}")
