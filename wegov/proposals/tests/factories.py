import factory

from wegov.accounts.tests.factories import UserFactory
from wegov.processes.tests.factories import ProcessFactory
from wegov.proposals.models import Coauthorship, Proposal, Support


class ProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Proposal

    process = factory.SubFactory(ProcessFactory)
    author = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"More benches along the river {n}")
    body = "People walking along the river have nowhere to rest.\nAdd benches every 200 metres."


class SupportFactory(factory.django.DjangoModelFactory):
    """A support row alone: the count is the caller's business (use services to keep it)."""

    class Meta:
        model = Support

    proposal = factory.SubFactory(ProposalFactory)
    user = factory.SubFactory(UserFactory)


class CoauthorshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Coauthorship

    proposal = factory.SubFactory(ProposalFactory)
    user = factory.SubFactory(UserFactory)
    invited_by = factory.LazyAttribute(lambda o: o.proposal.author)
