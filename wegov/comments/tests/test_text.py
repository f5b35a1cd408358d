import pytest
from django.core.exceptions import ValidationError

from wegov.comments.text import clean_body, mention_marks, render_body


def test_clean_body_trims_and_normalises():
    assert clean_body("  a\r\nb  \n\n\n\nc \x07") == "a\nb\n\nc"


def test_clean_body_refuses_empty_and_too_long():
    with pytest.raises(ValidationError):
        clean_body("\x00 \n")
    with pytest.raises(ValidationError):
        clean_body("é" * 2001)


def test_mention_marks_longest_first_and_trailing_punctuation():
    assert mention_marks("Hi @Anna de Vries, thanks") == [
        ["anna de vries, thanks", "anna de vries,", "anna de vries", "anna de", "anna"]
    ]
    assert mention_marks("mail someone@example.org") == []
    assert mention_marks("@@ @ alone") == []


def test_render_escapes_and_keeps_paragraphs():
    html = render_body("<b>x</b> & y\nnext\n\nnew paragraph")
    assert html == (
        '<p class="govuk-body wegov-comment__text">&lt;b&gt;x&lt;/b&gt; &amp; y<br>next</p>'
        '<p class="govuk-body wegov-comment__text">new paragraph</p>'
    )


def test_render_links_mentions_only_on_a_whole_name(monkeypatch):
    monkeypatch.setattr("wegov.comments.text.profile_url", lambda public_id: f"/p/{public_id}/")
    mentions = [{"name": "Bram Other", "public_id": "abc"}]
    html = render_body("@bram other: yes. @Bram Otherwise no. <@Bram Other>", mentions)
    assert '<a class="govuk-link" href="/p/abc/">@bram other</a>: yes.' in html
    assert "@Bram Otherwise no." in html
    assert '&lt;<a class="govuk-link" href="/p/abc/">@Bram Other</a>&gt;' in html


def test_render_without_profile_pages_uses_bold(monkeypatch):
    monkeypatch.setattr("wegov.comments.text.profile_url", lambda public_id: "")
    html = render_body("hi @Kim", [{"name": "Kim", "public_id": "k"}])
    assert "<strong>@Kim</strong>" in html
