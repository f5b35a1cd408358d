"""Staff pages: the quality score as a tag and its parts (wegov.core.quality)."""

from django import template

from wegov.core import quality

register = template.Library()

TAG_CLASSES = {"low": "govuk-tag--red", "medium": "govuk-tag--yellow", "high": "govuk-tag--green"}


@register.inclusion_tag("includes/quality_tag.html")
def quality_tag(score):
    return {"score": score, "tag_class": TAG_CLASSES.get(quality.band(score), "govuk-tag--grey")}


@register.inclusion_tag("includes/quality_parts.html")
def quality_parts(score, parts):
    return {
        "score": score,
        "tag_class": TAG_CLASSES.get(quality.band(score), "govuk-tag--grey"),
        "parts": quality.parts_from_json(parts),
    }
