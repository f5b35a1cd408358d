from django import template

register = template.Library()


@register.inclusion_tag("opinions/_process_conversations.html")
def process_conversations(process):
    """The conversations section of a process page: its published conversations
    with their participants and statements (one query)."""
    from wegov.opinions.manage_selectors import process_conversations as conversations_of

    return {"process": process, "conversations": list(conversations_of(process)[:10])}
