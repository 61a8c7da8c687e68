from loops.models import Assignment
from scorecards.models import Scorecard
from tests.conftest import submit_complete


def test_the_kit_shows_the_pinned_rubric_anchors_and_guidance(api, alice, draft_scorecard):
    api.force_authenticate(alice)

    kit = api.get(f"/api/v1/scorecards/{draft_scorecard.pk}/kit/").json()

    assert kit["round"]["name"] == "Coding"
    assert kit["round"]["duration_minutes"] == 60
    assert [v["slug"] for v in kit["values"]] == ["curiosity", "innovation", "communication"]
    assert set(kit["values"][0]["anchors"]) == {"1", "2", "3", "4"}
    (question,) = kit["questions"]
    assert question["number"] == 5
    assert question["guidance"]
    assert question["criteria"][0]["text"] == "Concurrency fundamentals"
    assert {f["severity"] for f in kit["failure_modes"]} == {"blocking", "concern"}


def test_the_admin_lists_submitted_scorecards_read_only_and_never_drafts(client, ada, draft_scorecard, bobs_scorecard):
    sealed = submit_complete(bobs_scorecard)
    client.force_login(ada)

    listing = client.get("/admin/scorecards/scorecard/")
    detail = client.get(f"/admin/scorecards/scorecard/{sealed.pk}/change/")
    draft = client.get(f"/admin/scorecards/scorecard/{draft_scorecard.pk}/change/")
    edit = client.post(f"/admin/scorecards/scorecard/{sealed.pk}/change/", {"status": "draft"})

    assert listing.status_code == 200
    assert f"/admin/scorecards/scorecard/{sealed.pk}/change/" in listing.content.decode()
    assert f"/admin/scorecards/scorecard/{draft_scorecard.pk}/change/" not in listing.content.decode()
    assert detail.status_code == 200
    assert "Solid interview." in detail.content.decode()
    assert 'name="_save"' not in detail.content.decode()
    assert draft.status_code == 302
    assert edit.status_code == 403


def test_removing_an_interviewer_takes_their_draft_with_them(api, hana, draft_scorecard):
    api.force_authenticate(hana)

    response = api.delete(f"/api/v1/assignments/{draft_scorecard.assignment_id}/")

    assert response.status_code == 204
    assert not Scorecard.objects.filter(pk=draft_scorecard.pk).exists()
    assert not Assignment.objects.filter(pk=draft_scorecard.assignment_id).exists()


def test_an_interviewer_with_a_submitted_scorecard_stays_on_the_record(api, hana, draft_scorecard):
    sealed = submit_complete(draft_scorecard)
    api.force_authenticate(hana)

    response = api.delete(f"/api/v1/assignments/{sealed.assignment_id}/")

    assert response.status_code == 409
    assert Scorecard.objects.filter(pk=sealed.pk).exists()


def test_assigning_through_the_api_opens_the_draft(api, hana, bob, loop):
    from tests.conftest import round_of

    api.force_authenticate(hana)

    response = api.post(f"/api/v1/rounds/{round_of(loop, 'coding').pk}/assignments/", {"interviewer": bob.pk})

    assert response.status_code == 201
    scorecard = Scorecard.objects.get(assignment_id=response.json()["id"])
    assert response.json()["scorecard"] == scorecard.pk
    assert scorecard.status == "draft"
    assert scorecard.interviewer == bob


def test_a_submitted_scorecard_fixes_its_questions_and_values(api, hana, draft_scorecard):
    sealed = submit_complete(draft_scorecard)
    api.force_authenticate(hana)
    url = f"/api/v1/assignments/{sealed.assignment_id}/"

    refused = api.patch(url, {"questions": [1, 2, 3, 4, 5, 6, 7, 8]}, format="json")
    notes = api.patch(url, {"notes": "Thanks for the quick turnaround."}, format="json")

    assert refused.status_code == 409
    assert sorted(sealed.assignment.questions.values_list("number", flat=True)) == [5]
    assert notes.status_code == 200
