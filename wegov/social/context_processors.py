"""``unread_notification_count`` for every template (add to TEMPLATES'
context processors as ``wegov.social.context_processors.notifications``).

Lazy: the one COUNT query runs only when a template uses the value, and only
for people who are logged in.
"""

from django.utils.functional import SimpleLazyObject


def notifications(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notification_count": 0}

    def count() -> int:
        from .selectors import unread_count

        return unread_count(user)

    return {"unread_notification_count": SimpleLazyObject(count)}
