"""Pages of the social layer: notifications, settings, follows, profiles, feed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wegov.core.numbers import object_id

from . import forms, selectors, services
from .models import Activity, Notification
from .templatetags.social_tags import follow_button_context

PER_PAGE = 25


def _safe_next(request, value, fallback: str) -> str:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return fallback


def _page(request, queryset):
    return Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))


# --- Following --------------------------------------------------------------------------


@require_POST
def follow(request):
    """Follow or stop following (the follow button's form; htmx gets the button back)."""
    form = forms.FollowForm(request.POST)
    next_url = _safe_next(request, request.POST.get("next"), reverse("core:home"))
    if not request.user.is_authenticated:
        return redirect_to_login(next_url)
    if not form.is_valid():
        return HttpResponseBadRequest(
            _("Say what to follow: a kind and a number."), content_type="text/plain; charset=utf-8"
        )
    data = form.cleaned_data
    kind, target_id = data["target_kind"], data["target_id"]
    try:
        if data["action"] == "follow":
            if not request.user.has_perm("social.follow"):
                raise PermissionDenied
            services.follow(actor=request.user, target_kind=kind, target_id=target_id)
            done = _("You follow this now. You will be notified when something happens.")
        else:
            services.unfollow(actor=request.user, target_kind=kind, target_id=target_id)
            done = _("You no longer follow this.")
    except ValidationError as exc:
        if request.htmx:
            return HttpResponseBadRequest(
                " ".join(exc.messages), content_type="text/plain; charset=utf-8"
            )
        messages.error(request, " ".join(exc.messages))
        return redirect(next_url)
    if request.htmx:
        context = follow_button_context(request, kind, target_id, next_url=next_url)
        context["status"] = done
        return render(request, "social/_follow_button.html", context)
    messages.success(request, done)
    return redirect(next_url)


@login_required
@require_GET
def following(request):
    page = _page(request, selectors.follows_of(request.user))
    return render(
        request,
        "social/follow_list.html",
        {
            "page": page,
            "items": selectors.present_follows(page.object_list),
        },
    )


# --- Notifications --------------------------------------------------------------------------


@login_required
@require_GET
def notifications(request):
    unread_only = request.GET.get("show") == "unread"
    page = _page(request, selectors.notification_list(request.user, unread_only=unread_only))
    unread = selectors.unread_count(request.user)
    return render(
        request,
        "social/notification_list.html",
        {
            "page": page,
            "items": selectors.present_notifications(page.object_list),
            "unread_only": unread_only,
            "unread": unread,
            # Also the header's badge, so the page counts once, not twice.
            "unread_notification_count": unread,
        },
    )


@login_required
@require_POST
def notifications_read_all(request):
    count = services.notifications_mark_all_read(actor=request.user)
    if count:
        messages.success(request, _("All notifications are marked as read."))
    return redirect(_safe_next(request, request.POST.get("next"), reverse("social:notifications")))


@login_required
@require_POST
def notification_read(request, pk):
    try:
        services.notification_mark_read(actor=request.user, notification_id=pk)
    except Notification.DoesNotExist as exc:
        raise Http404 from exc
    return redirect(_safe_next(request, request.POST.get("next"), reverse("social:notifications")))


@login_required
@require_GET
def notification_open(request, pk):
    """Follow a notification's link: mark it read and go to what it is about."""
    notification = (
        selectors.visible_notifications(request.user).select_related("activity").filter(pk=pk)
    ).first()
    if notification is None:
        raise Http404
    services.notification_mark_read(actor=request.user, notification_id=notification.pk)
    target = selectors.notification_target(notification)
    if target is None or not target.url:
        messages.info(request, _("What this notification was about is no longer available."))
        return redirect("social:notifications")
    return redirect(_safe_next(request, target.url, reverse("social:notifications")))


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request):
    current = selectors.preferences(request.user)
    form = forms.NotificationSettingsForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.preferences_save(actor=request.user, choices=form.cleaned_data)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("Your notification settings have been saved."))
            return redirect("social:notification_settings")
    status = 400 if form.errors else 200
    return render(request, "social/notification_settings.html", {"form": form}, status=status)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """The link in every notification email. GET asks to confirm; POST (the
    button, or a mail client's RFC 8058 one-click POST) turns the emails off.
    No log-in needed: the signed token says who and what. CSRF-exempt because
    mail clients post without a token; the token itself authorises."""
    found = services.read_unsubscribe_token(token)
    if found is None:
        return render(request, "social/unsubscribe_invalid.html", status=404)
    user, type_key = found
    if request.method == "POST":
        _user, stopped = services.unsubscribe(token=token)
        return render(request, "social/unsubscribed.html", {"stopped": stopped})
    return render(
        request,
        "social/unsubscribe_confirm.html",
        {"types": services.types_for_token(user, type_key), "digest": type_key == services.DIGEST},
    )


# --- Public profiles ----------------------------------------------------------------------


@require_GET
def profile(request, public_id):
    person = selectors.profile_user(public_id)
    if person is None:
        raise Http404
    context = {"person": person, "is_self": request.user == person}
    if person.erased_at:
        return render(request, "social/profile.html", context)
    context["contributions"] = selectors.profile_contributions(person)
    if person.activity_public:
        followers = selectors.followers_of("user", person.pk)
        context.update(
            followers_count=followers.count(),
            followers=list(followers.only("pk", "public_id", "display_name", "erased_at")[:50]),
            following=selectors.present_follows(selectors.follows_of(person)[:50]),
            activity=selectors.feed(actor=person, limit=10),
        )
    return render(request, "social/profile.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request):
    user = request.user
    form = forms.PublicProfileForm(
        request.POST or None,
        request.FILES or None,
        initial={"activity_public": user.activity_public},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.public_profile_save(
                actor=user,
                activity_public=form.cleaned_data["activity_public"],
                avatar=form.cleaned_data["avatar"],
                remove_avatar=form.cleaned_data["remove_avatar"],
            )
        except ValidationError as exc:
            form.add_error("avatar", " ".join(exc.messages))
        else:
            messages.success(request, _("Your public profile has been saved."))
            return redirect("social:profile_edit")
    status = 400 if form.errors else 200
    return render(request, "social/profile_edit.html", {"form": form}, status=status)


# --- The feed --------------------------------------------------------------------------------


@require_GET
def feed(request):
    """The whole activity feed, page by page ("older" follows a cursor)."""
    following = request.GET.get("feed") == "following" and request.user.is_authenticated
    before = None
    cursor = object_id(request.GET.get("before", ""))
    if cursor:
        before = Activity.objects.filter(pk=cursor).only("pk", "created_at").first()
    items = selectors.feed(request.user, following=following, before=before, limit=PER_PAGE)
    return render(
        request,
        "social/feed.html",
        {
            "items": items,
            "following": following,
            "older": items[-1].oldest.pk if len(items) == PER_PAGE else None,
        },
    )
