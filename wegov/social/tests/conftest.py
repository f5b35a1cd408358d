import pytest

from wegov.core import activity
from wegov.processes.tests.factories import ProcessFactory, TopicFactory
from wegov.reports.tests.factories import CategoryFactory, ReportFactory


@pytest.fixture
def publish(django_capture_on_commit_callbacks):
    """Publish an activity and run the social handlers (after "commit")."""

    def run(verb, *, actor=None, target_kind, target_id, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            activity.publish(
                verb, actor=actor, target_kind=target_kind, target_id=target_id, **kwargs
            )
        from wegov.social.models import Activity

        return Activity.objects.order_by("-id").first()

    return run


@pytest.fixture
def topic(db):
    return TopicFactory(name="Green spaces", slug="green")


@pytest.fixture
def process(city, topic):
    return ProcessFactory(
        title="A greener Centrum", slug="greener", scope="district", district=city, topic=topic
    )


@pytest.fixture
def category(department):
    return CategoryFactory(department=department, name="Pothole", service_code="pothole")


@pytest.fixture
def report(city, category, citizen):
    return ReportFactory(category=category, reporter=citizen, title="Hole in the cycle path")


@pytest.fixture
def other_report(city, category, other_citizen):
    return ReportFactory(category=category, reporter=other_citizen, title="Broken street light")
