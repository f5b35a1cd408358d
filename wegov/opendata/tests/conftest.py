"""A small city with something of every public dataset, and the personal data
that must never reach the open-data files."""

import datetime as dt
from dataclasses import dataclass, field

import pytest
from django.utils import timezone

from wegov.accounts.tests.factories import UserFactory
from wegov.comments.tests.factories import CommentFactory
from wegov.debates.tests.factories import DebateFactory
from wegov.processes.tests.factories import ProcessFactory
from wegov.proposals.tests.factories import CoauthorshipFactory, ProposalFactory, SupportFactory
from wegov.reports.models import Status
from wegov.reports.tests.factories import CategoryFactory, ReportFactory

SECRET_NAME = "Zebulon Quixotesque"
SECRET_EMAIL = "zebulon.q@private-mail.example"
REPORTER_NAME = "Ysolde Verysecretname"
REPORTER_EMAIL = "ysolde@hidden-inbox.example"
REPORTER_PHONE = "+31 6 9876 5432"
DEVICE_ID = "device-7f3a9c"
HIDDEN_TITLE = "Hidden by moderation xyzzy"
UNPUBLISHED_TITLE = "Draft process plugh"


@dataclass
class World:
    users: list = field(default_factory=list)
    secrets: list = field(default_factory=list)
    reports: dict = field(default_factory=dict)
    proposals: dict = field(default_factory=dict)
    debates: dict = field(default_factory=dict)
    processes: dict = field(default_factory=dict)


@pytest.fixture
def world(db, city):
    w = World()
    author = UserFactory(display_name=SECRET_NAME, email=SECRET_EMAIL)
    coauthor = UserFactory(display_name="Quentin Hiddenperson", email="quentin@secret.example")
    commenter = UserFactory(display_name="Wilhelmina Commentwriter", email="wil@secret.example")
    w.users = [author, coauthor, commenter]
    w.secrets = [
        SECRET_NAME,
        SECRET_EMAIL,
        "Quentin Hiddenperson",
        "quentin@secret.example",
        "Wilhelmina Commentwriter",
        "wil@secret.example",
        REPORTER_NAME,
        REPORTER_EMAIL,
        REPORTER_PHONE,
        DEVICE_ID,
        HIDDEN_TITLE,
        UNPUBLISHED_TITLE,
        *(str(u.public_id) for u in w.users),
    ]
    category = CategoryFactory(name="Street light out", service_code="street-light")
    now = timezone.now()
    w.reports["public"] = ReportFactory(
        category=category,
        title="Street light flickering",
        description="Flickers at night. Call me on 06 1234 5678 or mail me@example.org <b>now</b>",
        reporter=author,
        reporter_name=REPORTER_NAME,
        reporter_email=REPORTER_EMAIL,
        reporter_phone=REPORTER_PHONE,
        device_id=DEVICE_ID,
        address="Kerkstraat 1",
        lat=52.1561234,
        lon=5.3878765,
        district=city,
        status=Status.RESOLVED,
        acknowledged_at=now - dt.timedelta(days=2),
        resolved_at=now - dt.timedelta(days=1),
    )
    type(w.reports["public"]).objects.filter(pk=w.reports["public"].pk).update(
        created_at=now - dt.timedelta(days=3), due_at=now + dt.timedelta(days=1)
    )
    w.reports["anonymous"] = ReportFactory(
        category=category,
        title='=HYPERLINK("http://evil")',
        is_anonymous=True,
        reporter=author,
        address="Molenweg 12",
        lat=52.1587654,
        lon=5.3912345,
    )
    w.reports["hidden"] = ReportFactory(category=category, title=HIDDEN_TITLE, is_hidden=True)
    process = ProcessFactory(title="Greener Marktplein", slug="greener")
    w.processes["published"] = process
    draft = ProcessFactory(title=UNPUBLISHED_TITLE, slug="draft-process", is_published=False)
    w.processes["draft"] = draft
    w.proposals["public"] = ProposalFactory(
        process=process, author=author, title="Trees on the square", lat=52.157, lon=5.389
    )
    CoauthorshipFactory(proposal=w.proposals["public"], user=coauthor, accepted_at=now)
    SupportFactory(proposal=w.proposals["public"], user=coauthor)
    w.proposals["hidden"] = ProposalFactory(
        process=process, author=author, title=HIDDEN_TITLE + " proposal", is_hidden=True
    )
    w.proposals["draft"] = ProposalFactory(
        process=draft, author=author, title=UNPUBLISHED_TITLE + " proposal"
    )
    w.debates["public"] = DebateFactory(process=process, author=author, title="Market or parking?")
    w.debates["hidden"] = DebateFactory(
        process=process, author=author, title=HIDDEN_TITLE + " debate", is_hidden=True
    )
    w.debates["draft"] = DebateFactory(
        process=draft, author=author, title=UNPUBLISHED_TITLE + " debate"
    )
    target = w.proposals["public"]
    CommentFactory(target_kind="proposal", target_id=target.pk, author=commenter, stance="for",
                   body=f"I agree, {SECRET_NAME}!", upvotes=3)  # fmt: skip
    CommentFactory(target_kind="proposal", target_id=target.pk, author=commenter,
                   stance="against")  # fmt: skip
    CommentFactory(target_kind="proposal", target_id=target.pk, author=commenter, is_hidden=True)
    CommentFactory(target_kind="proposal", target_id=target.pk, author=commenter,
                   deleted_at=now)  # fmt: skip
    CommentFactory(target_kind="proposal", target_id=w.proposals["hidden"].pk, author=commenter)
    CommentFactory(target_kind="debate", target_id=w.debates["public"].pk, author=commenter)
    CommentFactory(target_kind="debate", target_id=w.debates["draft"].pk, author=commenter)
    return w


@pytest.fixture
def export_dir(settings):
    from wegov.opendata import writer

    return writer.export_dir()
