import pytest

from loops.models import Assignment, TimelineEvent
from loops.services import assignment_create
from tests.conftest import round_of


def assign(api, round_, **body):
    return api.post(f"/api/v1/rounds/{round_.pk}/assignments/", body)


def test_assigning_uses_the_rubric_defaults(api, hana, alice, loop):
    api.force_authenticate(hana)

    response = assign(api, round_of(loop, "system-design"), interviewer=alice.pk)

    assert response.status_code == 201
    body = response.json()
    assert body["interviewer"] == alice.pk
    assert body["questions"] == [2, 4]
    assert body["values_in_focus"] == ["judgment", "curiosity", "innovation"]
    assert "scorecard" in body
    event = TimelineEvent.objects.get(loop=loop, kind="assignment_created")
    assert event.data["questions"] == [2, 4]


def test_questions_values_and_notes_can_be_chosen(api, hana, alice, loop):
    api.force_authenticate(hana)

    response = assign(
        api,
        round_of(loop, "coding"),
        interviewer=alice.pk,
        questions=[5, 6],
        values_in_focus=["integrity", "curiosity"],
        notes="Push on the distributed variant.",
    )

    assert response.status_code == 201
    assert response.json()["questions"] == [5, 6]
    assert response.json()["values_in_focus"] == ["curiosity", "integrity"]
    assert response.json()["notes"] == "Push on the distributed variant."


def test_an_interviewer_is_assigned_to_a_round_once(api, hana, alice, loop):
    api.force_authenticate(hana)
    coding = round_of(loop, "coding")
    assign(api, coding, interviewer=alice.pk)

    response = assign(api, coding, interviewer=alice.pk)

    assert response.status_code == 409
    assert Assignment.objects.filter(round=coding).count() == 1


def test_unknown_questions_and_values_are_named_and_nothing_is_written(api, hana, alice, loop):
    api.force_authenticate(hana)

    response = assign(
        api, round_of(loop, "coding"), interviewer=alice.pk, questions=[5, 42], values_in_focus=["bravery"]
    )

    assert response.status_code == 400
    assert response.json() == {
        "questions": ["Question 42 is not in this rubric."],
        "values_in_focus": ["'bravery' is not a value of this rubric."],
    }
    assert not Assignment.objects.exists()
    assert not TimelineEvent.objects.filter(kind="assignment_created").exists()


def test_the_onsite_block_takes_no_interviewers(api, hana, alice, loop):
    api.force_authenticate(hana)

    response = assign(api, round_of(loop, "onsite"), interviewer=alice.pk)

    assert response.status_code == 400
    assert "scheduling block" in response.json()["round"][0]


def test_the_director_final_is_run_by_a_director(api, hana, alice, dora, loop):
    api.force_authenticate(hana)
    final = round_of(loop, "director-final")

    refused = assign(api, final, interviewer=alice.pk)
    accepted = assign(api, final, interviewer=dora.pk)

    assert refused.status_code == 400
    assert "run by a director" in refused.json()["interviewer"][0]
    assert accepted.status_code == 201


def test_someone_with_no_interviewing_role_cannot_be_assigned(api, hana, loop):
    from tests.factories import UserFactory

    nobody = UserFactory(username="nobody")
    api.force_authenticate(hana)

    response = assign(api, round_of(loop, "coding"), interviewer=nobody.pk)

    assert response.status_code == 400
    assert "interviewer" in response.json()


@pytest.mark.parametrize(("user", "expected"), [("eve", 404), ("rick", 403), ("dora", 403)])
def test_only_the_hiring_manager_assigns(api, alice, loop, user, expected, request):
    api.force_authenticate(request.getfixturevalue(user))

    response = assign(api, round_of(loop, "coding"), interviewer=alice.pk)

    assert response.status_code == expected
    assert not Assignment.objects.exists()


def test_an_interviewer_sees_their_loop_with_their_own_notes_only(api, hana, alice, bob, loop):
    assignment_create(round=round_of(loop, "coding"), interviewer=alice, notes="For Alice", by=hana)
    assignment_create(round=round_of(loop, "system-design"), interviewer=bob, notes="For Bob", by=hana)
    api.force_authenticate(alice)

    response = api.get(f"/api/v1/loops/{loop.pk}/")

    assert response.status_code == 200
    notes = {a["interviewer"]: a["notes"] for r in response.json()["rounds"] for a in r["assignments"]}
    assert notes == {alice.pk: "For Alice", bob.pk: None}
    assert response.json()["timeline"] == []
    assert "For Bob" not in response.content.decode()


def test_the_hiring_manager_edits_and_removes_an_assignment(api, hana, alice, loop):
    assignment = assignment_create(round=round_of(loop, "coding"), interviewer=alice, by=hana)
    api.force_authenticate(hana)

    edited = api.patch(f"/api/v1/assignments/{assignment.pk}/", {"questions": [5, 1], "values_in_focus": ["courage"]})
    removed = api.delete(f"/api/v1/assignments/{assignment.pk}/")

    assert edited.status_code == 200
    assert edited.json()["questions"] == [1, 5]
    assert edited.json()["values_in_focus"] == ["courage"]
    assert removed.status_code == 204
    assert not Assignment.objects.exists()
    kinds = list(TimelineEvent.objects.filter(loop=loop).values_list("kind", flat=True))
    assert kinds[-2:] == ["assignment_changed", "assignment_removed"]


def test_an_interviewer_cannot_edit_their_own_assignment(api, hana, alice, loop):
    assignment = assignment_create(round=round_of(loop, "coding"), interviewer=alice, by=hana)
    api.force_authenticate(alice)

    assert api.patch(f"/api/v1/assignments/{assignment.pk}/", {"questions": []}).status_code == 403
    assert api.delete(f"/api/v1/assignments/{assignment.pk}/").status_code == 403
    assert api.get(f"/api/v1/assignments/{assignment.pk}/").status_code == 200


def test_an_outsider_cannot_find_an_assignment(api, hana, alice, eve, loop):
    assignment = assignment_create(round=round_of(loop, "coding"), interviewer=alice, by=hana)
    api.force_authenticate(eve)

    assert api.get(f"/api/v1/assignments/{assignment.pk}/").status_code == 404
    assert api.patch(f"/api/v1/assignments/{assignment.pk}/", {"notes": "x"}).status_code == 404
    assert api.delete(f"/api/v1/assignments/{assignment.pk}/").status_code == 404
    assert Assignment.objects.filter(pk=assignment.pk, notes="").exists()
