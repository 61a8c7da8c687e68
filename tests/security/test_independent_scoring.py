"""Independent scoring cannot leak (Product §4): while a caller's own card on loop A is open,
no colleague's card of that loop reaches them by any road: detail, every list filter and
combination of them, the summary and its exports, the pages, or the Django admin.

Loop A of tests/security/world.py: alice, hana, dora and rick each hold an open card there
and bob's is submitted, so each of them is "an interviewer who has not submitted yet"."""

import itertools

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from scorecards.models import Exposure, Scorecard
from tests.factories import DEFAULT_PASSWORD
from tests.security.world import PANEL, canary

pytestmark = pytest.mark.django_db

WAITING = ["alice", "hana", "dora", "rick"]  # an open card of their own on loop A


def colleagues_in_a(world, who: str) -> tuple[set[int], list[str]]:
    """The ids and canaries of every card of loop A that is not ``who``'s."""
    others = [name for name in PANEL if name != who]
    return {world.card(name, "a").pk for name in others}, [canary(f"card_{name}_a") for name in others]


def filter_combinations(world, who: str) -> list[dict]:
    """Every list filter the scorecard list takes (ScorecardListQuery), each with the values
    that could widen it, in every combination; plus paging and parameters it ignores."""
    loop_a = world.loops["a"].pk
    bobs_round = world.card("bob", "a").round_id
    own_round = world.card(who, "a").round_id
    values = {
        "loop": [None, loop_a],
        "status": [None, "submitted", "draft"],
        "mine": [None, "0", "false"],
        "round": [None, bobs_round, own_round],
    }
    combos = [
        {key: value for key, value in zip(values, chosen, strict=True) if value is not None}
        for chosen in itertools.product(*values.values())
    ]
    extras = [
        {"loop": loop_a, "page_size": 1, "page": 2},
        {"loop": loop_a, "page_size": 500},
        {"loop": loop_a, "interviewer": world.users["bob"].pk, "author": "bob", "search": "bob", "ordering": "-id"},
        {"loop": loop_a, "status": "submitted", "format": "json"},
    ]
    return combos + extras


@pytest.mark.parametrize("who", WAITING)
def test_no_list_filter_or_combination_shows_a_colleagues_card(world, who):
    api = APIClient()
    api.force_authenticate(world.users[who])
    hidden_ids, hidden_texts = colleagues_in_a(world, who)
    problems = []

    for params in filter_combinations(world, who):
        response = api.get("/api/v1/scorecards/", params)
        assert response.status_code == 200, (params, response.content[:200])
        body = response.content.decode()
        shown = {card["id"] for card in response.json()} & hidden_ids
        leaked = [text for text in hidden_texts if text in body]
        if shown or leaked:
            problems.append((params, shown, leaked))

    assert problems == []
    assert not Exposure.objects.filter(user=world.users[who], loop=world.loops["a"]).exists()


@pytest.mark.parametrize("who", WAITING)
def test_own_card_is_listed_under_every_filter_that_matches_it(world, who):
    """The guard above must not pass by listing nothing: the caller's own card is there."""
    api = APIClient()
    api.force_authenticate(world.users[who])
    own = world.card(who, "a")

    listed = api.get("/api/v1/scorecards/", {"loop": own.loop_id, "round": own.round_id, "status": "draft"}).json()

    assert [card["id"] for card in listed] == [own.pk]
    assert canary(f"card_{who}_a") in listed[0]["summary"]


@pytest.mark.parametrize("who", WAITING)
def test_the_summary_its_exports_and_the_decision_wait_for_the_callers_own_card(world, who):
    api, browser = APIClient(), Client()
    api.force_authenticate(world.users[who])
    browser.force_login(world.users[who])
    loop_a = world.loops["a"].pk

    answers = {
        "json": api.get(f"/api/v1/loops/{loop_a}/keeper-summary/"),
        "csv": api.get(f"/api/v1/loops/{loop_a}/keeper-summary.csv"),
        "decision": api.post(f"/api/v1/loops/{loop_a}/decision/", {"decision": "keep", "rationale": "x"}),
        "print": browser.get(f"/loops/{loop_a}/keeper-summary/print/"),
        "page": browser.get(f"/loops/{loop_a}/summary/"),
    }

    assert {name: r.status_code for name, r in answers.items()} == dict.fromkeys(answers, 404)
    assert not Exposure.objects.filter(user=world.users[who], loop_id=loop_a).exists()


def test_a_director_with_an_open_card_cannot_learn_the_verdict_by_deciding(world):
    """Regression: the decision endpoint loaded the loop by loop visibility, so a director whose
    own system-design card was open got the summary's unmet checks back in a 400, and could record
    a decision on a summary she may not read yet (Product §4, §5)."""
    api = APIClient()
    api.force_authenticate(world.users["dora"])
    loop_a, loop_b = world.loops["a"].pk, world.loops["b"].pk

    refused = api.post(f"/api/v1/loops/{loop_a}/decision/", {"decision": "keep", "rationale": "x"})
    page = Client()
    page.force_login(world.users["dora"])
    refused_on_page = page.post(f"/loops/{loop_a}/decision/", {"decision": "do_not_keep", "rationale": "x"})
    allowed = api.post(f"/api/v1/loops/{loop_b}/decision/", {"decision": "do_not_keep", "rationale": "x"})

    assert refused.status_code == 404
    assert refused.json() == {"detail": "Not found."}
    assert refused_on_page.status_code == 404
    assert allowed.status_code == 201


@pytest.mark.parametrize("who", WAITING)
def test_pages_show_no_colleagues_card_of_the_loop(world, who):
    browser = Client()
    browser.force_login(world.users[who])
    loop_a = world.loops["a"].pk
    _, hidden_texts = colleagues_in_a(world, who)

    pages = {
        "loop": browser.get(f"/loops/{loop_a}/"),
        "interviews": browser.get("/interviews/"),
        "bob's card": browser.get(f"/scorecards/{world.card('bob', 'a').pk}/"),
        "own card": browser.get(f"/scorecards/{world.card(who, 'a').pk}/"),
    }

    assert {name: r.status_code for name, r in pages.items()} == {
        "loop": 200,
        "interviews": 200,
        "bob's card": 404,
        "own card": 200,
    }
    for name, response in pages.items():
        body = response.content.decode()
        assert [text for text in hidden_texts if text in body] == [], name
    assert canary(f"card_{who}_a") in pages["own card"].content.decode()


# The Django admin ----------------------------------------------------------------------------


def admin_urls(world) -> list[str]:
    """Every admin page of every registered model: the list, and the add, change, history and
    delete pages of one of its rows (a colleague's submitted card, for scorecards)."""
    objects = {Scorecard: world.card("bob", "a")}
    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        info = model._meta.app_label, model._meta.model_name
        urls += [reverse("admin:{}_{}_changelist".format(*info)), reverse("admin:{}_{}_add".format(*info))]
        row = objects.get(model) or model._default_manager.order_by("pk").first()
        if row is not None:
            urls += [
                reverse(f"admin:{info[0]}_{info[1]}_{page}", args=[row.pk]) for page in ("change", "history", "delete")
            ]
    return urls


@pytest.mark.parametrize("who", ["alice", "hana", "dora", "rick", "eve"])
def test_people_without_staff_status_do_not_get_into_the_admin(world, who):
    browser = Client()
    browser.force_login(world.users[who])
    problems = []

    for url in admin_urls(world):
        response = browser.get(url)
        if response.status_code != 302 or not response["Location"].startswith(reverse("admin:login")):
            problems.append((url, response.status_code))
        if canary("card_bob_a") in response.content.decode():
            problems.append((url, "shows bob's card"))
    signed_in = Client().post(reverse("admin:login"), {"username": who, "password": DEFAULT_PASSWORD})

    assert problems == []
    assert len(admin_urls(world)) > 20
    assert signed_in.status_code == 200, "the admin's sign-in refuses people without staff status"
    assert "_auth_user_id" not in signed_in.wsgi_request.session


def test_staff_without_permissions_read_no_scorecard_in_the_admin(world):
    alice = type(world.users["alice"]).objects.get(pk=world.users["alice"].pk)  # the world's copy stays as it is
    alice.is_staff = True
    alice.save(update_fields=["is_staff"])
    browser = Client()
    browser.force_login(alice)
    bobs = world.card("bob", "a")

    listing = browser.get(reverse("admin:scorecards_scorecard_changelist"))
    change = browser.get(reverse("admin:scorecards_scorecard_change", args=[bobs.pk]))

    assert listing.status_code == 403
    assert change.status_code == 403
    assert canary("card_bob_a") not in listing.content.decode() + change.content.decode()


def test_the_admin_shows_even_an_admin_no_draft(world):
    """Drafts belong to their author alone (Product §4); the admin lists and opens submitted cards only."""
    browser = Client()
    browser.force_login(world.users["ada"])
    drafts = [card for card in world.cards.values() if card.status == Scorecard.Status.DRAFT]
    draft_texts = [canary(f"card_{who}_{letter}") for (who, letter), card in world.cards.items() if card in drafts]

    pages = [browser.get(url) for url in admin_urls(world)]
    opened = [browser.get(reverse("admin:scorecards_scorecard_change", args=[card.pk])) for card in drafts]

    assert {page.status_code for page in pages} <= {200, 302, 403}  # 403: adding to a read-only admin
    body = "".join(page.content.decode() for page in pages + opened)
    assert [text for text in draft_texts if text in body] == []
    assert {response.status_code for response in opened} == {302}  # "doesn't exist", back to the index
    assert (
        canary("card_bob_a")
        in browser.get(reverse("admin:scorecards_scorecard_change", args=[world.card("bob", "a").pk])).content.decode()
    )
