import factory

from wegov.accounts.tests.factories import UserFactory
from wegov.social.models import Activity, Follow, Notification


class FollowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Follow

    user = factory.SubFactory(UserFactory)
    target_kind = "process"
    target_id = 1


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    verb = "proposal.created"
    actor = factory.SubFactory(UserFactory)
    target_kind = "report"
    target_id = 1


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    activity = factory.SubFactory(ActivityFactory)
    notification_type = "new_contributions"
