"""Visitors who are not signed in get the proposal pages from the page cache
(core.pagecache): what they see, what signed-in people see, and that changes
show at once."""

import re

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection
from django.http import HttpRequest
from django.test import Client
from django.test.utils import CaptureQueriesContext

from wegov.comments import services as comment_services
from wegov.core.pagecache import CSRF_PLACEHOLDER
from wegov.proposals import services
from wegov.proposals.models import Proposal
from wegov.proposals.views import ORDER_COOKIE

from .factories import ProposalFactory
from .test_views import text_of, titles_on, url

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def test_a_second_visitor_gets_the_page_without_a_query(client, process, django_assert_num_queries):
    ProposalFactory(process=process, title="Shade on the square")
    first = client.get(url("list", process=process, order="newest"))
    with django_assert_num_queries(0):
        second = Client().get(url("list", process=process, order="newest"))
    assert second.status_code == 200
    assert titles_on(second) == titles_on(first) == ["Shade on the square"]


def test_every_visitor_gets_their_own_working_csrf_token(process, proposal):
    tokens = []
    for _visitor in range(2):
        browser = Client(enforce_csrf_checks=True)
        page = browser.get(url("detail", proposal=proposal))
        html = page.content.decode()
        assert CSRF_PLACEHOLDER not in html
        found = set(TOKEN.findall(html))
        assert len(found) == 1, "one token for every form of the page"
        token = found.pop()
        tokens.append(token)
        # The language switcher on the cached page works with it.
        changed = browser.post("/i18n/setlang/", {"language": "nl", "csrfmiddlewaretoken": token})
        assert changed.status_code == 302
    assert tokens[0] != tokens[1]


def test_signed_in_people_never_get_a_cached_page(client, process, proposal, as_role):
    client.get(url("detail", proposal=proposal))  # cached for visitors
    member, user = as_role("citizen")
    page = member.get(url("detail", proposal=proposal))
    assert user.display_name in text_of(page)
    assert "Log in" not in text_of(page).split("Skip to main content")[-1][:2000]
    again = Client().get(url("detail", proposal=proposal))
    assert user.display_name not in text_of(again)


def test_a_visitor_with_a_message_waiting_gets_a_fresh_page(client, process, proposal):
    client.get(url("detail", proposal=proposal))  # cached
    request = HttpRequest()
    storage = CookieStorage(request)
    storage.add(constants.SUCCESS, "Your language is now Dutch.")
    response = client.get("/")  # any response to encode the cookie on
    storage.update(response)
    client.cookies["messages"] = response.cookies["messages"].value
    page = client.get(url("detail", proposal=proposal))
    assert "Your language is now Dutch." in text_of(page)


def test_changes_show_at_once(client, process, proposal, process_staff):
    client.get(url("detail", proposal=proposal))
    client.get(url("list", process=process, order="newest"))
    ProposalFactory(process=process, title="A second idea")
    assert "A second idea" in titles_on(client.get(url("list", process=process, order="newest")))

    commenter = ProposalFactory().author
    comment_services.comment_create(
        actor=commenter, target=proposal, body="Fresh comment here", stance="for"
    )
    assert "Fresh comment here" in text_of(client.get(url("detail", proposal=proposal)))

    services.proposal_answer(
        actor=process_staff, proposal=proposal, state="accepted", text="We will do it this spring."
    )
    assert "We will do it this spring." in text_of(client.get(url("detail", proposal=proposal)))


def test_the_random_order_start_comes_from_a_cookie_and_pages_are_shared(process):
    for n in range(30):
        ProposalFactory(process=process, title=f"Idea {n:02d}")
    first = Client()
    page = first.get(url("list", process=process))
    slot = first.cookies[ORDER_COOKIE].value
    assert first.cookies[ORDER_COOKIE]["httponly"]
    assert "sessionid" not in first.cookies, "no session is written for the order"
    # Another visitor with the same starting point gets the same page, cached.
    other = Client()
    other.cookies[ORDER_COOKIE] = slot
    assert titles_on(other.get(url("list", process=process))) == titles_on(page)
    assert ORDER_COOKIE not in other.get(url("list", process=process)).cookies
    # A cookie that is not a starting point is replaced.
    bad = Client()
    bad.cookies[ORDER_COOKIE] = "999999"
    assert bad.get(url("list", process=process)).cookies[ORDER_COOKIE].value != "999999"


def test_pages_that_are_not_found_are_not_kept(client, process):
    missing = url("list", process=process).replace(process.slug, "no-such-process")
    assert client.get(missing).status_code == 404
    with CaptureQueriesContext(connection) as queries:
        assert Client().get(missing).status_code == 404
    assert len(queries) >= 1, "the second visitor's 404 was looked up again"


def test_a_page_past_its_time_is_served_while_one_visitor_renders_it_again(
    client, process, proposal, monkeypatch, django_assert_num_queries
):
    from wegov.core import pagecache

    client.get(url("detail", proposal=proposal))  # kept, fresh for SECONDS
    # Supports change by an F() update, which does not empty the cache.
    Proposal.objects.filter(pk=proposal.pk).update(support_count=41)
    assert "41 supports" not in text_of(Client().get(url("detail", proposal=proposal)))
    later = pagecache.time.time() + pagecache.SECONDS + 1
    monkeypatch.setattr(pagecache.time, "time", lambda: later)
    # Someone else is rendering it again: the kept page is served meanwhile.
    monkeypatch.setattr(pagecache, "_claim_refresh", lambda key, version: False)
    with django_assert_num_queries(0):
        stale = Client().get(url("detail", proposal=proposal))
    assert stale.status_code == 200 and "41 supports" not in text_of(stale)
    # This visitor renders it again, and everyone after gets the new one.
    monkeypatch.setattr(pagecache, "_claim_refresh", lambda key, version: True)
    assert "41 supports" in text_of(Client().get(url("detail", proposal=proposal)))
    monkeypatch.setattr(pagecache, "_claim_refresh", lambda key, version: False)
    with django_assert_num_queries(0):
        assert "41 supports" in text_of(Client().get(url("detail", proposal=proposal)))


def test_only_one_visitor_claims_the_refresh(process):
    from wegov.core import pagecache

    assert pagecache._claim_refresh("page:x", 7) is True
    assert pagecache._claim_refresh("page:x", 7) is False
    assert pagecache._claim_refresh("page:x", 8) is True, "a new version is claimed anew"
