import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from wegov.accounts.tests.factories import OrganisationFactory, UserFactory
from wegov.core.models import AuditEntry
from wegov.processes import services
from wegov.processes.models import Phase, PhaseKind, Process
from wegov.processes.services import PhaseInput, ProcessInput

from .conftest import jpeg_upload
from .factories import ProcessFactory, TopicFactory

pytestmark = pytest.mark.django_db


def today() -> dt.date:
    # Each time it is asked, not once at import: a run can cross the city's midnight.
    return timezone.localdate()


def day(offset: int) -> dt.date:
    return today() + dt.timedelta(days=offset)


def data(**overrides) -> ProcessInput:
    values = {
        "title": "Car-free Marktplein",
        "slug": "car-free-marktplein",
        "summary": "What should the square become?",
        "description": "The square becomes car-free.\n\nTell us what comes instead.",
        "organisation": overrides.pop("organisation", None) or OrganisationFactory(),
    }
    values.update(overrides)
    return ProcessInput(**values)


# --- process_create / process_update -------------------------------------------------


def test_create_makes_an_unpublished_draft_and_audits(process_manager, mobility):
    process = services.process_create(actor=process_manager, data=data(topic=mobility))
    assert not process.is_published
    assert process.created_by == process_manager
    assert process.topic == mobility and process.scope == "city" and process.district is None
    assert process.description == (
        "<p>The square becomes car-free.</p><p>Tell us what comes instead.</p>"
    )
    entry = AuditEntry.objects.get(action="process.created")
    assert entry.actor == process_manager and entry.target_id == str(process.pk)
    assert entry.after["slug"] == "car-free-marktplein"


@pytest.mark.parametrize("role", ["citizen", "staff", "moderator"])
def test_only_process_managers_create(request, role):
    actor = request.getfixturevalue(role)
    with pytest.raises(PermissionDenied):
        services.process_create(actor=actor, data=data())
    with pytest.raises(PermissionDenied):
        services.process_create(actor=None, data=data())
    assert not Process.objects.exists()


def test_administrators_create(admin_user):
    assert services.process_create(actor=admin_user, data=data()).pk


def test_description_is_sanitised(process_manager):
    process = services.process_create(
        actor=process_manager,
        data=data(
            description='<p onclick="x()">Hello <script>alert(1)</script><a href="javascript:x">'
            "link</a> <strong>bold</strong></p><img src=x onerror=alert(1)>"
        ),
    )
    assert "script" not in process.description
    assert "onclick" not in process.description and "onerror" not in process.description
    assert "javascript" not in process.description and "<img" not in process.description
    assert "<strong>bold</strong>" in process.description


def test_plain_text_is_escaped_into_paragraphs(process_manager):
    process = services.process_create(
        actor=process_manager, data=data(description="Fish & chips\nsecond line")
    )
    assert process.description == "<p>Fish &amp; chips<br>second line</p>"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": "  "}, "title"),
        ({"title": "x" * 151}, "title"),
        ({"summary": ""}, "summary"),
        ({"summary": "x" * 301}, "summary"),
        ({"description": "<script>alert(1)</script>"}, "description"),
        ({"description": "<p> </p>"}, "description"),
        ({"description": "x" * 20_001}, "description"),
        ({"slug": ""}, "slug"),
        ({"slug": "Not A Slug!"}, "slug"),
        ({"slug": "manage"}, "slug"),
        ({"slug": "x" * 81}, "slug"),
        ({"scope": "planet"}, "scope"),
        ({"scope": "district"}, "district"),
        ({"support_threshold": 0}, "support_threshold"),
        ({"proposal_edit_minutes": -1}, "proposal_edit_minutes"),
        ({"proposal_edit_minutes": 10**9}, "proposal_edit_minutes"),
        ({"hero_image_alt": "x" * 201}, "hero_image_alt"),
    ],
)
def test_bad_input_is_refused_with_a_reason(process_manager, overrides, field):
    with pytest.raises(ValidationError) as exc:
        services.process_create(actor=process_manager, data=data(**overrides))
    assert field in exc.value.message_dict
    assert exc.value.message_dict[field][0]
    assert not Process.objects.exists()


def test_organisation_is_required(process_manager):
    with pytest.raises(ValidationError) as exc:
        services.process_create(
            actor=process_manager, data=ProcessInput("T", "t", "S", "D", organisation=None)
        )
    assert "organisation" in exc.value.message_dict


def test_slug_must_be_unique_with_a_clear_message(process_manager):
    ProcessFactory(slug="car-free-marktplein")
    with pytest.raises(ValidationError) as exc:
        services.process_create(actor=process_manager, data=data())
    assert exc.value.message_dict["slug"] == [
        "Another process already has the address “car-free-marktplein”. Choose another short name."
    ]


def test_slug_race_gives_the_same_message(process_manager, monkeypatch):
    """Two managers saving the same short name at once: the constraint decides."""
    ProcessFactory(slug="car-free-marktplein")
    real_filter = Process.objects.filter

    def filter_missing_the_other(*args, **kwargs):
        if "slug" in kwargs:
            return real_filter(pk=-1)
        return real_filter(*args, **kwargs)

    monkeypatch.setattr(Process.objects, "filter", filter_missing_the_other)
    with pytest.raises(ValidationError) as exc:
        services.process_create(actor=process_manager, data=data())
    assert "Another process already has" in exc.value.message_dict["slug"][0]


def test_district_scope_keeps_the_district_city_scope_drops_it(process_manager, westwijk):
    process = services.process_create(
        actor=process_manager, data=data(scope="district", district=westwijk)
    )
    assert process.district == westwijk
    process = services.process_update(
        actor=process_manager,
        process=process,
        data=data(scope="city", district=westwijk, organisation=process.organisation),
    )
    assert process.district is None


def test_hero_image_is_re_encoded_without_metadata(process_manager):
    process = services.process_create(
        actor=process_manager,
        data=data(hero_image=jpeg_upload(fmt="PNG", exif=True), hero_image_alt="The square"),
    )
    assert process.hero_image.name.endswith(".jpg")
    assert (process.hero_image_width, process.hero_image_height) == (120, 80)
    with process.hero_image.open("rb") as f, Image.open(f) as img:
        assert img.format == "JPEG"
        assert not img.getexif()


def test_a_wide_hero_image_is_narrowed_to_the_page(process_manager):
    process = services.process_create(
        actor=process_manager,
        data=data(hero_image=jpeg_upload(size=(1920, 640)), hero_image_alt="Wide"),
    )
    assert (process.hero_image_width, process.hero_image_height) == (960, 320)
    with process.hero_image.open("rb") as f, Image.open(f) as img:
        assert img.size == (960, 320)


def test_hero_image_needs_a_description(process_manager):
    with pytest.raises(ValidationError) as exc:
        services.process_create(actor=process_manager, data=data(hero_image=jpeg_upload()))
    assert exc.value.message_dict["hero_image_alt"] == [
        "Describe the image for people who cannot see it."
    ]


def test_a_file_that_is_no_image_is_refused(process_manager):
    fake = SimpleUploadedFile("hero.jpg", b"<script>alert(1)</script>", content_type="image/jpeg")
    with pytest.raises(ValidationError) as exc:
        services.process_create(
            actor=process_manager, data=data(hero_image=fake, hero_image_alt="x")
        )
    assert "not a photo we can read" in exc.value.message_dict["hero_image"][0]
    assert not Process.objects.exists()


def test_update_changes_fields_and_audits_the_difference(process_manager):
    process = ProcessFactory(title="Old title", slug="old")
    updated = services.process_update(
        actor=process_manager,
        process=process,
        data=data(title="New title", slug="new", organisation=process.organisation),
    )
    assert (updated.title, updated.slug) == ("New title", "new")
    entry = AuditEntry.objects.get(action="process.updated")
    assert entry.before["title"] == "Old title" and entry.after["title"] == "New title"
    assert entry.before["slug"] == "old" and "summary" in entry.after


def test_update_may_keep_its_own_slug_but_not_take_another(process_manager):
    ProcessFactory(slug="taken")
    process = ProcessFactory(slug="mine")
    services.process_update(
        actor=process_manager,
        process=process,
        data=data(slug="mine", organisation=process.organisation),
    )
    with pytest.raises(ValidationError) as exc:
        services.process_update(
            actor=process_manager,
            process=process,
            data=data(slug="taken", organisation=process.organisation),
        )
    assert "slug" in exc.value.message_dict
    process.refresh_from_db()
    assert process.slug == "mine"


def test_update_removes_or_replaces_the_image(process_manager):
    process = services.process_create(
        actor=process_manager, data=data(hero_image=jpeg_upload(), hero_image_alt="Square")
    )
    org = process.organisation
    with pytest.raises(ValidationError):  # keeping the image needs its description
        services.process_update(actor=process_manager, process=process, data=data(organisation=org))
    process = services.process_update(
        actor=process_manager,
        process=process,
        data=data(organisation=org, remove_hero_image=True, hero_image_alt="ignored"),
    )
    assert not process.hero_image and process.hero_image_alt == ""
    assert process.hero_image_width is None


def test_update_by_a_citizen_is_refused(citizen):
    process = ProcessFactory(title="Stays")
    with pytest.raises(PermissionDenied):
        services.process_update(
            actor=citizen, process=process, data=data(organisation=process.organisation)
        )
    process.refresh_from_db()
    assert process.title == "Stays"


# --- phases_save -----------------------------------------------------------------------


def test_phases_are_saved_in_date_order_and_set_the_process_dates(process_manager):
    process = ProcessFactory(phase="", is_published=False)
    saved = services.phases_save(
        actor=process_manager,
        process=process,
        phases=[
            PhaseInput(kind=PhaseKind.DEBATE, starts_on=day(20), ends_on=day(30)),
            PhaseInput(kind=PhaseKind.INFORMATION, starts_on=day(-5), ends_on=day(5)),
            # a gap of four days: allowed
            PhaseInput(
                kind=PhaseKind.PROPOSALS, starts_on=day(10), ends_on=day(19), title=" Ideas "
            ),
        ],
    )
    assert [p.kind for p in saved] == ["information", "proposals", "debate"]
    assert list(process.phases.values_list("position", flat=True)) == [0, 1, 2]
    assert saved[1].title == "Ideas"
    process.refresh_from_db()
    assert (process.starts_on, process.ends_on) == (day(-5), day(30))
    assert process.active_phase.kind == "information"
    entry = AuditEntry.objects.get(action="process.phases_saved")
    assert [p["kind"] for p in entry.after["phases"]] == ["information", "proposals", "debate"]
    assert entry.before == {"phases": []}


def test_a_phase_ending_before_it_starts_is_refused(process_manager):
    process = ProcessFactory(phase="", is_published=False)
    with pytest.raises(ValidationError) as exc:
        services.phases_save(
            actor=process_manager,
            process=process,
            phases=[PhaseInput(kind=PhaseKind.PROPOSALS, starts_on=day(5), ends_on=day(4))],
        )
    assert exc.value.message_dict["phases"] == ["Phase 1 (Proposals) ends before it starts."]
    assert not process.phases.exists()


def test_overlapping_phases_are_refused_and_nothing_is_saved(process_manager):
    process = ProcessFactory(phase=PhaseKind.PROPOSALS)
    before = list(process.phases.values_list("kind", "starts_on"))
    with pytest.raises(ValidationError) as exc:
        services.phases_save(
            actor=process_manager,
            process=process,
            phases=[
                PhaseInput(kind=PhaseKind.INFORMATION, starts_on=day(0), ends_on=day(10)),
                PhaseInput(kind=PhaseKind.DEBATE, starts_on=day(10), ends_on=day(20)),
            ],
        )
    assert exc.value.message_dict["phases"] == [
        "Phase 1 (Information) and Phase 2 (Debate) overlap: "
        "a phase must start after the one before it ends."
    ]
    assert list(process.phases.values_list("kind", "starts_on")) == before


@pytest.mark.parametrize(
    "phase",
    [
        PhaseInput(kind="party", starts_on=today(), ends_on=today()),
        PhaseInput(kind="", starts_on=today(), ends_on=today()),
        PhaseInput(kind="debate", starts_on=None, ends_on=today()),
        PhaseInput(kind="debate", starts_on=today(), ends_on=today(), title="x" * 101),
        PhaseInput(kind="debate", starts_on=today(), ends_on=today(), description="x" * 5001),
    ],
)
def test_bad_phases_are_refused(process_manager, phase):
    process = ProcessFactory(phase="", is_published=False)
    with pytest.raises(ValidationError) as exc:
        services.phases_save(actor=process_manager, process=process, phases=[phase])
    assert exc.value.message_dict["phases"][0].startswith("Phase 1")


def test_too_many_phases(process_manager):
    process = ProcessFactory(phase="", is_published=False)
    phases = [
        PhaseInput(kind="information", starts_on=day(i * 2), ends_on=day(i * 2)) for i in range(13)
    ]
    with pytest.raises(ValidationError) as exc:
        services.phases_save(actor=process_manager, process=process, phases=phases)
    assert "at most 12 phases" in exc.value.message_dict["phases"][0]


def test_existing_phases_keep_their_identity(process_manager):
    process = ProcessFactory(phase=PhaseKind.PROPOSALS)
    first, active, last = process.phases.order_by("position")
    Phase.objects.filter(pk=active.pk).update(announced_on=active.starts_on)
    saved = services.phases_save(
        actor=process_manager,
        process=process,
        phases=[
            # the last phase is dropped, the active one lengthened, a new one added first
            PhaseInput(id=active.pk, kind=PhaseKind.PROPOSALS, starts_on=day(-10), ends_on=day(30)),
            PhaseInput(
                id=first.pk, kind=PhaseKind.INFORMATION, starts_on=day(-30), ends_on=day(-11)
            ),
            PhaseInput(kind=PhaseKind.EVALUATION, starts_on=day(31), ends_on=day(40)),
        ],
    )
    assert [p.pk for p in saved[:2]] == [first.pk, active.pk]
    assert not Phase.objects.filter(pk=last.pk).exists()
    active.refresh_from_db()
    assert active.ends_on == day(30) and active.position == 1
    assert active.announced_on == active.starts_on
    process.refresh_from_db()
    assert process.ends_on == day(40)


def test_a_phase_of_another_process_is_refused(process_manager):
    process = ProcessFactory()
    other = ProcessFactory().phases.first()
    with pytest.raises(ValidationError) as exc:
        services.phases_save(
            actor=process_manager,
            process=process,
            phases=[PhaseInput(id=other.pk, kind="debate", starts_on=today(), ends_on=today())],
        )
    assert exc.value.message_dict["phases"] == ["A phase does not belong to this process."]
    other.refresh_from_db()
    assert other.kind == PhaseKind.INFORMATION


def test_a_published_process_keeps_at_least_one_phase(process_manager):
    process = ProcessFactory()
    with pytest.raises(ValidationError) as exc:
        services.phases_save(actor=process_manager, process=process, phases=[])
    assert "needs at least one phase" in exc.value.message_dict["phases"][0]
    assert process.phases.count() == 3


def test_a_draft_may_lose_all_phases(process_manager):
    process = ProcessFactory(is_published=False)
    services.phases_save(actor=process_manager, process=process, phases=[])
    process.refresh_from_db()
    assert process.starts_on is None and process.ends_on is None


def test_phases_by_a_moderator_are_refused(moderator):
    process = ProcessFactory(phase="", is_published=False)
    with pytest.raises(PermissionDenied):
        services.phases_save(
            actor=moderator,
            process=process,
            phases=[PhaseInput(kind="debate", starts_on=today(), ends_on=today())],
        )


# --- publish / unpublish -----------------------------------------------------------------


def test_publish_announces_the_first_publication_with_its_context(
    process_manager, westwijk, activities, django_capture_on_commit_callbacks
):
    topic = TopicFactory()
    process = ProcessFactory(is_published=False, scope="district", district=westwijk, topic=topic)
    with django_capture_on_commit_callbacks(execute=True):
        services.process_publish(actor=process_manager, process=process)
    process.refresh_from_db()
    assert process.is_published and process.published_at is not None
    assert activities == [
        {
            "verb": "process.published",
            "actor_id": process_manager.pk,
            "target_kind": "process",
            "target_id": process.pk,
            "context": {"process": process.pk, "district": westwijk.pk, "topic": topic.pk},
            "notify_user_ids": [],
            "public": True,
            "extra": {},
        }
    ]
    assert AuditEntry.objects.filter(action="process.published", actor=process_manager).exists()

    with django_capture_on_commit_callbacks(execute=True):
        services.process_unpublish(actor=process_manager, process=process)
        services.process_publish(actor=process_manager, process=process)
    assert len(activities) == 1, "publishing again after a correction is not announced again"
    assert AuditEntry.objects.filter(action="process.unpublished").count() == 1
    assert AuditEntry.objects.filter(action="process.published").count() == 2


def test_a_process_without_phases_cannot_be_published(process_manager, activities):
    process = ProcessFactory(phase="", is_published=False)
    with pytest.raises(ValidationError) as exc:
        services.process_publish(actor=process_manager, process=process)
    assert exc.value.messages == [
        "Add at least one phase with dates before publishing the process."
    ]
    process.refresh_from_db()
    assert not process.is_published and not activities


def test_publish_twice_and_unpublish_a_draft_are_refused(process_manager):
    process = ProcessFactory()
    with pytest.raises(ValidationError, match="already published"):
        services.process_publish(actor=process_manager, process=process)
    draft = ProcessFactory(is_published=False)
    with pytest.raises(ValidationError, match="not published"):
        services.process_unpublish(actor=process_manager, process=draft)


@pytest.mark.parametrize("role", ["citizen", "staff", "moderator"])
def test_publication_by_others_is_refused(request, role):
    actor = request.getfixturevalue(role)
    draft, published = ProcessFactory(is_published=False), ProcessFactory()
    with pytest.raises(PermissionDenied):
        services.process_publish(actor=actor, process=draft)
    with pytest.raises(PermissionDenied):
        services.process_unpublish(actor=actor, process=published)
    assert not Process.objects.get(pk=draft.pk).is_published
    assert Process.objects.get(pk=published.pk).is_published


# --- announce_phase_starts -----------------------------------------------------------------


def _process_with_phase_starting(offset: int, **kwargs) -> tuple[Process, Phase]:
    process = ProcessFactory(phase="", **kwargs)
    phase = Phase.objects.create(
        process=process, kind=PhaseKind.DEBATE, starts_on=day(offset), ends_on=day(offset + 9)
    )
    services.refresh_dates(process)
    return process, phase


def test_a_phase_starting_today_is_announced_once(activities, django_capture_on_commit_callbacks):
    process, phase = _process_with_phase_starting(0)
    _process_with_phase_starting(-1)  # started yesterday
    _process_with_phase_starting(1)  # starts tomorrow
    _process_with_phase_starting(0, is_published=False)  # a draft
    with django_capture_on_commit_callbacks(execute=True):
        assert services.announce_phase_starts() == 1
        assert services.announce_phase_starts() == 0
    assert [(a["verb"], a["target_id"], a["actor_id"]) for a in activities] == [
        ("process.phase_started", process.pk, None)
    ]
    assert activities[0]["context"] == {"process": process.pk, "topic": process.topic_id}
    assert activities[0]["extra"]["phase"] == "debate"
    phase.refresh_from_db()
    assert phase.announced_on == today()


def test_a_phase_moved_to_a_later_start_is_announced_on_its_new_day(
    activities, django_capture_on_commit_callbacks
):
    _process, phase = _process_with_phase_starting(0)
    with django_capture_on_commit_callbacks(execute=True):
        services.announce_phase_starts()
    Phase.objects.filter(pk=phase.pk).update(starts_on=day(3), ends_on=day(9))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.announce_phase_starts(today=day(3)) == 1
        assert services.announce_phase_starts(today=day(3)) == 0
    assert len(activities) == 2


def test_the_celery_task_calls_the_service(activities, django_capture_on_commit_callbacks):
    from wegov.processes.tasks import announce_phase_starts

    _process_with_phase_starting(0)
    with django_capture_on_commit_callbacks(execute=True):
        assert announce_phase_starts.delay().get() == 1
    assert len(activities) == 1


def test_a_manager_user_without_the_flag_is_refused():
    with pytest.raises(PermissionDenied):
        services.check_manager(UserFactory(is_process_manager=False))
    services.check_manager(UserFactory(is_process_manager=True))
