import factory

from wegov.accounts.tests.factories import UserFactory
from wegov.comments.models import Comment


class CommentFactory(factory.django.DjangoModelFactory):
    """A comment on a report (tests register reports as commentable, see conftest)."""

    class Meta:
        model = Comment

    target_kind = "report"
    target_id = factory.LazyAttribute(lambda o: o.parent.target_id if o.parent else 1)
    author = factory.SubFactory(UserFactory)
    body = factory.Sequence(lambda n: f"A thoughtful comment number {n}.")
    depth = factory.LazyAttribute(lambda o: o.parent.depth + 1 if o.parent else 0)
    parent = None
