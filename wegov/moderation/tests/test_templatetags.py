import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import timezone

from wegov.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TEMPLATE = Template("{% load moderation_tags %}{% flag_link obj %}")


def render(obj, user, path="/reports/1/?page=2") -> str:
    request = RequestFactory().get(path)
    request.user = user
    return TEMPLATE.render(Context({"request": request, "obj": obj})).strip()


def test_anonymous_sees_nothing(report):
    assert render(report, AnonymousUser()) == ""


def test_author_sees_nothing(report, citizen):
    assert render(report, citizen) == ""


def test_participant_gets_a_small_report_link(report, other_citizen, django_assert_num_queries):
    with django_assert_num_queries(0):
        html = render(report, other_citizen)
    assert 'class="govuk-body-s wegov-flag-link"' in html
    assert f'href="/moderation/flag/report/{report.pk}/?next=%2Freports%2F1%2F%3Fpage%3D2"' in html
    assert "Report this" in html and "Moderate" not in html
    assert f"(Problem report #{report.pk})" in html


def test_blocked_user_sees_nothing(report, other_citizen):
    other_citizen.blocked_at = timezone.now()
    assert render(report, other_citizen) == ""


def test_hidden_content_gets_no_report_link(report, other_citizen):
    report.is_hidden = True
    assert render(report, other_citizen) == ""


def test_moderator_also_gets_the_case_link(report, moderator):
    html = render(report, moderator)
    assert "Report this" in html
    assert f'href="/moderation/case/report/{report.pk}/"' in html and "Moderate" in html


def test_moderator_author_gets_only_the_case_link(moderator):
    from .factories import report_by

    html = render(report_by(moderator), moderator)
    assert "Report this" not in html and "Moderate" in html


def test_unregistered_objects_render_nothing(other_citizen):
    assert render(UserFactory(), other_citizen) == ""
    assert render(None, other_citizen) == ""
