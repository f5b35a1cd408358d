import pytest
from django.urls import reverse

from wegov.accountability import services
from wegov.accountability.models import Result
from wegov.processes.tests.factories import ProcessFactory

from .conftest import jpeg_with_gps
from .factories import MilestoneFactory, ResultFactory

pytestmark = pytest.mark.django_db


def test_list_shows_results_with_accessible_progress(client, result, staff):
    services.result_update_status(actor=staff, result=result, status="in_progress", progress=45)
    response = client.get(reverse("accountability:list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert result.title in html
    assert "45% complete" in html
    assert '<progress class="wegov-result-progress__bar" max="100" value="45"' in html
    assert "?kind=result" in html


def test_list_filters(client, process, department, city):
    other = ProcessFactory(organisation=department, slug="park")
    ResultFactory(process=process, title="Benches", status="done", progress=100, district=city)
    ResultFactory(process=other, title="Playground")
    html = client.get(reverse("accountability:list"), {"status": "done"}).content.decode()
    assert "Benches" in html and "Playground" not in html
    html = client.get(reverse("accountability:list"), {"process": "park"}).content.decode()
    assert "Playground" in html and "Benches" not in html
    html = client.get(reverse("accountability:list"), {"district": "centrum"}).content.decode()
    assert "Benches" in html and "Playground" not in html


def test_list_bad_filter_is_a_400_with_an_error(client, result):
    response = client.get(reverse("accountability:list"), {"status": "finished"})
    assert response.status_code == 400
    assert "govuk-error-summary" in response.content.decode()


def test_list_leaves_out_hidden_and_unpublished(client, process, department):
    ResultFactory(process=process, title="Hidden one", is_hidden=True)
    draft = ProcessFactory(organisation=department, is_published=False)
    ResultFactory(process=draft, title="Draft one")
    html = client.get(reverse("accountability:list")).content.decode()
    assert "Hidden one" not in html and "Draft one" not in html


def test_list_query_count(client, process, department, django_assert_max_num_queries):
    for i in range(15):
        ResultFactory(process=process, title=f"Result {i}")
    with django_assert_max_num_queries(8):
        response = client.get(reverse("accountability:list"))
    assert response.content.decode().count("wegov-results__item") == 15


def test_detail_shows_everything(client, accepted_proposal, staff):
    result = services.result_track(actor=staff, source=accepted_proposal)
    services.result_update_status(
        actor=staff, result=result, status="in_progress", progress=60, note="Benches ordered."
    )
    MilestoneFactory(result=result, title="Benches delivered")
    services.photo_add(
        actor=staff, result=result, image=jpeg_with_gps(), alt_text="Six new benches"
    )
    response = client.get(reverse("accountability:detail", args=[result.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "60% complete" in html
    assert "Benches delivered" in html
    assert 'alt="Six new benches"' in html
    assert "Benches ordered." in html
    assert (
        reverse("proposals:detail", args=[accepted_proposal.process.slug, accepted_proposal.pk])
        in html
    )
    assert 'data-map="point"' in html
    assert "Update this result" not in html


def test_detail_of_hidden_result_is_404_for_the_public(client, result):
    Result.objects.filter(pk=result.pk).update(is_hidden=True)
    assert client.get(reverse("accountability:detail", args=[result.pk])).status_code == 404
    assert client.get(reverse("accountability:detail", args=[99999])).status_code == 404


def test_cancelled_shows_reason(client, result, staff):
    services.result_update_status(
        actor=staff,
        result=result,
        status="cancelled",
        cancel_reason="The canal wall must be repaired first.",
    )
    html = client.get(reverse("accountability:detail", args=[result.pk])).content.decode()
    assert "The canal wall must be repaired first." in html


def test_staff_updates_progress_with_form_errors(as_role, result):
    client, _ = as_role("staff")
    url = reverse("accountability:status", args=[result.pk])
    response = client.post(url, {"status": "in_progress", "progress": "150"})
    assert response.status_code == 400
    assert "govuk-error-summary" in response.content.decode()
    response = client.post(url, {"status": "cancelled"})
    assert response.status_code == 400
    assert "Explain publicly why" in response.content.decode()
    response = client.post(url, {"status": "in_progress", "progress": "35", "note": "Started."})
    assert response.status_code == 302
    result.refresh_from_db()
    assert result.progress == 35


def test_staff_adds_milestone_and_marks_it(as_role, result):
    client, _ = as_role("staff")
    response = client.post(reverse("accountability:milestone_add", args=[result.pk]), {"title": ""})
    assert response.status_code == 400
    response = client.post(
        reverse("accountability:milestone_add", args=[result.pk]),
        {"title": "Tender awarded", "due_on": "2026-04-01"},
    )
    assert response.status_code == 302
    milestone = result.milestones.get()
    client.post(reverse("accountability:milestone_reached", args=[result.pk, milestone.pk]))
    milestone.refresh_from_db()
    assert milestone.is_reached
    client.post(reverse("accountability:milestone_remove", args=[result.pk, milestone.pk]))
    assert not result.milestones.exists()


def test_milestone_of_another_result_is_404(as_role, result, process, department):
    other = MilestoneFactory(result=ResultFactory(process=process, department=department))
    client, _ = as_role("staff")
    url = reverse("accountability:milestone_reached", args=[result.pk, other.pk])
    assert client.post(url).status_code == 404


def test_staff_adds_and_removes_photo(as_role, result):
    client, _ = as_role("staff")
    url = reverse("accountability:photo_add", args=[result.pk])
    response = client.post(url, {"image": jpeg_with_gps(), "alt_text": ""})
    assert response.status_code == 400
    assert "Describe the photo" in response.content.decode()
    response = client.post(url, {"image": jpeg_with_gps(), "alt_text": "The benches"})
    assert response.status_code == 302
    photo = result.photos.get()
    client.post(reverse("accountability:photo_remove", args=[result.pk, photo.pk]))
    assert not result.photos.exists()


def test_staff_creates_and_edits_a_result(as_role, department):
    client, _ = as_role("staff")
    response = client.post(reverse("accountability:new"), {"title": ""})
    assert response.status_code == 400
    response = client.post(
        reverse("accountability:new"),
        {"title": "Repaint the bridge", "department": department.pk, "budget_amount": "5000"},
    )
    assert response.status_code == 302
    result = Result.objects.get(title="Repaint the bridge")
    response = client.post(
        reverse("accountability:edit", args=[result.pk]),
        {"title": "Repaint the old bridge", "starts_on": "2026-05-02", "ends_on": "2026-05-01"},
    )
    assert response.status_code == 400
    assert "end date must not be before" in response.content.decode()
    response = client.post(
        reverse("accountability:edit", args=[result.pk]), {"title": "Repaint the old bridge"}
    )
    assert response.status_code == 302
    result.refresh_from_db()
    assert result.title == "Repaint the old bridge"


def test_track_page_lists_untracked_accepted_proposals(as_role, accepted_proposal, process):
    from wegov.proposals.tests.factories import ProposalFactory

    ProposalFactory(process=process, title="Not answered yet")
    client, _ = as_role("staff")
    html = client.get(reverse("accountability:track")).content.decode()
    assert accepted_proposal.title in html and "Not answered yet" not in html
    response = client.post(reverse("accountability:track"), {"proposal": accepted_proposal.pk})
    result = Result.objects.get()
    assert response["Location"] == reverse("accountability:manage", args=[result.pk])
    html = client.get(reverse("accountability:track")).content.decode()
    assert accepted_proposal.title not in html
    response = client.post(reverse("accountability:track"), {"proposal": "nonsense"})
    assert response.status_code == 400


def test_follower_sees_the_update_in_notifications(
    client, result, staff, citizen, django_capture_on_commit_callbacks
):
    from wegov.social.models import Follow

    Follow.objects.create(user=citizen, target_kind="result", target_id=result.pk)
    with django_capture_on_commit_callbacks(execute=True):
        services.result_update_status(
            actor=staff, result=result, status="in_progress", progress=55, note="Halfway."
        )
    client.force_login(citizen)
    html = client.get(reverse("social:notifications")).content.decode()
    assert "The implementation of" in html and result.title in html
    assert "Now 55% complete." in html
