from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from tests.factories import DEFAULT_PASSWORD

User = get_user_model()


def add_user(*args: str) -> str:
    out = StringIO()
    call_command("add_user", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_add_user_twice_updates_the_same_user_and_duplicates_nothing():
    first = add_user(
        "maya",
        "--role",
        "interviewer",
        "--role",
        "director",
        "--password",
        "first-pass-123",
        "--email",
        "maya@example.com",
    )
    second = add_user("maya", "--role", "interviewer", "--role", "director", "--email", "maya@example.com")

    assert first.startswith("Created maya") and second.startswith("Updated maya")
    maya = User.objects.get(username="maya")
    assert User.objects.filter(username="maya").count() == 1
    assert sorted(maya.groups.values_list("name", flat=True)) == ["director", "interviewer"]
    assert maya.check_password("first-pass-123"), "a re-run without --password keeps the password"
    assert maya.email == "maya@example.com"


@pytest.mark.django_db
def test_add_user_without_a_password_prints_a_generated_one_that_works():
    output = add_user("lee", "--role", "recruiter")

    password = output.rsplit("password: ", 1)[1].strip()
    assert User.objects.get(username="lee").check_password(password)


@pytest.mark.django_db
def test_add_user_sets_exactly_the_given_roles_and_admin_gets_the_django_admin():
    add_user("kim", "--role", "admin", "--role", "interviewer")
    add_user("kim", "--role", "interviewer")

    kim = User.objects.get(username="kim")
    assert list(kim.groups.values_list("name", flat=True)) == ["interviewer"]
    assert not kim.is_staff


@pytest.mark.django_db
def test_add_user_refuses_an_unknown_role():
    with pytest.raises(CommandError, match="invalid choice"):
        add_user("x", "--role", "overlord")
    assert not User.objects.filter(username="x").exists()


def test_token_exchange_gives_a_working_token(api, alice):
    response = api.post("/api/v1/auth/token/", {"username": "alice", "password": DEFAULT_PASSWORD})

    assert response.status_code == 200
    token = response.json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = api.get("/api/v1/me/")
    assert me.status_code == 200
    assert me.json() == {
        "id": alice.pk,
        "username": "alice",
        "name": "Alice Ng",
        "roles": ["interviewer"],
        "time_zone": "UTC",
    }


@pytest.mark.parametrize(
    "body", [{"username": "alice", "password": "wrong"}, {"username": "alice"}, {}, {"username": ["a"], "password": 1}]
)
def test_token_exchange_refuses_bad_credentials_with_a_400(api, alice, body):
    response = api.post("/api/v1/auth/token/", body)

    assert response.status_code == 400
    assert "token" not in response.json()


def test_me_needs_authentication(api):
    assert api.get("/api/v1/me/").status_code == 401


def test_the_hiring_team_lists_people_by_role(api, hana, alice, bob, dora, rick):
    api.force_authenticate(hana)

    response = api.get("/api/v1/users/", {"role": "interviewer"})

    assert response.status_code == 200
    usernames = [u["username"] for u in response.json()]
    assert usernames == ["alice", "bob", "dora", "hana"]
    assert set(response.json()[0]) == {"id", "username", "name", "roles"}


def test_an_unknown_role_filter_is_a_400(api, hana):
    api.force_authenticate(hana)

    response = api.get("/api/v1/users/", {"role": "overlord"})

    assert response.status_code == 400
    assert "role" in response.json()


def test_interviewers_may_not_list_people(api, alice):
    api.force_authenticate(alice)

    assert api.get("/api/v1/users/").status_code == 403
