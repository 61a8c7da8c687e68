import pytest

from loops.models import Candidate


@pytest.mark.parametrize("user", ["hana", "rick"])
def test_the_hiring_team_adds_a_candidate(api, rubric, user, request):
    api.force_authenticate(request.getfixturevalue(user))

    response = api.post("/api/v1/candidates/", {"name": "Sam Lee", "email": "sam@example.com", "level": "staff"})

    assert response.status_code == 201
    body = response.json()
    assert body == {"id": body["id"], "name": "Sam Lee", "email": "sam@example.com", "level": "staff"}
    assert Candidate.objects.get(pk=body["id"]).level == "staff"


@pytest.mark.parametrize("level", ["junior", "entry", "wizard"])
def test_a_level_the_rubric_does_not_hire_at_is_refused_naming_the_hireable_ones(api, hana, rubric, level):
    api.force_authenticate(hana)

    response = api.post("/api/v1/candidates/", {"name": "New Grad", "email": "grad@example.com", "level": level})

    assert response.status_code == 400
    message = response.json()["level"][0]
    assert "hireable levels are: senior, staff, principal" in message
    assert not Candidate.objects.exists()


def test_every_bad_field_is_named_at_once(api, hana, rubric):
    api.force_authenticate(hana)

    response = api.post("/api/v1/candidates/", {"name": "", "email": "not-an-email"})

    assert response.status_code == 400
    assert set(response.json()) == {"name", "email", "level"}


def test_a_second_candidate_with_the_same_email_is_refused(api, hana, candidate):
    api.force_authenticate(hana)

    response = api.post("/api/v1/candidates/", {"name": "Jordan R.", "email": "JORDAN@example.com", "level": "senior"})

    assert response.status_code == 400
    assert "email" in response.json()
    assert Candidate.objects.count() == 1


def test_interviewers_neither_add_nor_list_candidates(api, alice, rubric):
    api.force_authenticate(alice)

    assert (
        api.post("/api/v1/candidates/", {"name": "X", "email": "x@example.com", "level": "senior"}).status_code == 403
    )
    assert api.get("/api/v1/candidates/").status_code == 403


def test_anonymous_callers_are_refused(api, rubric):
    assert api.get("/api/v1/candidates/").status_code == 401


def test_a_hiring_manager_lists_only_their_candidates(api, hana, candidate, rubric):
    from tests.factories import CandidateFactory, UserFactory

    other_manager = UserFactory(username="omar", roles=["hiring_manager"])
    CandidateFactory(name="Someone Else", created_by=other_manager)
    api.force_authenticate(hana)
    api.post("/api/v1/candidates/", {"name": "Sam Lee", "email": "sam@example.com", "level": "staff"})

    names = [c["name"] for c in api.get("/api/v1/candidates/").json()]

    assert names == ["Jordan Rivera", "Sam Lee"]


def test_a_candidate_another_manager_entered_is_not_found(api, hana, rubric):
    from tests.factories import CandidateFactory, UserFactory

    other = CandidateFactory(created_by=UserFactory(username="omar", roles=["hiring_manager"]))
    api.force_authenticate(hana)

    assert api.get(f"/api/v1/candidates/{other.pk}/").status_code == 404
