"""A whole loop walked through the pages in a real browser, as its people would."""

import re

import pytest
from playwright.sync_api import expect

from loops.models import Loop
from scorecards.models import Scorecard
from tests.browser.conftest import shoot

pytestmark = pytest.mark.django_db(transaction=True)


def fill_scorecard(page, rating: str = "3") -> None:
    for radio_group in page.locator("input[name^='rating-'][value='1']").all():
        slug = radio_group.get_attribute("name").removeprefix("rating-")
        page.check(f"input[name='rating-{slug}'][value='{rating}']")
        page.fill(f"#evidence-{slug}", f"Concrete evidence for {slug}: described the trade-off and its outcome.")
    page.check("input[name=recommendation][value=yes]")
    page.check("input[name=keeper][value=yes]")
    page.fill("#summary", "Clear thinker; owned the work end to end.")


def wait_saved(page) -> None:
    expect(page.locator("#save-state")).to_have_text(re.compile(r"^Saved at"), timeout=10_000)


def test_a_loop_from_opening_to_the_keeper_decision(sign_in, rubric, hana, alice, bob, dora, rick):
    # The hiring manager opens a loop and assigns two interviewers.
    manager = sign_in(hana)
    expect(manager.page).to_have_url(re.compile(r"/loops/$"))
    shoot(manager.page, "loop-board-empty")
    manager.page.click("text=Open a loop")
    manager.page.fill("#name", "Priya Raman")
    manager.page.fill("#email", "priya@example.com")
    manager.page.select_option("#level", "senior")
    shoot(manager.page, "loop-new")
    manager.page.click("button:has-text('Open the loop')")
    expect(manager.page.locator("h1")).to_contain_text("Priya Raman")
    loop = Loop.objects.get(candidate__email="priya@example.com")

    for slug, person in (("coding", alice), ("system-design", bob)):
        round_id = loop.rounds.get(rubric_round__slug=slug).pk
        step = manager.page.locator(f"#round-{round_id}")
        step.locator("summary").click()
        step.locator(f"#interviewer-{round_id}").select_option(str(person.pk))
        step.locator("button:has-text('Assign')").click()
        expect(manager.page.locator(".messages")).to_contain_text("Interviewer assigned")
    expect(manager.page.locator(".matrix")).to_be_visible()
    shoot(manager.page, "loop-page")
    alice_card = Scorecard.objects.get(loop=loop, interviewer=alice)
    bob_card = Scorecard.objects.get(loop=loop, interviewer=bob)

    # Alice cannot read Bob's scorecard before submitting her own.
    interviewer = sign_in(alice)
    expect(interviewer.page.locator("h1")).to_have_text("My interviews")
    shoot(interviewer.page, "my-interviews")
    response = interviewer.page.goto(f"{interviewer.base_url}/scorecards/{bob_card.pk}/")
    assert response.status == 404

    # Two tabs on one draft: the second save hits a 409 and keeps the text typed in it.
    first = interviewer.goto(f"/scorecards/{alice_card.pk}/")
    second = interviewer.goto(f"/scorecards/{alice_card.pk}/", page=interviewer.new_tab())
    second.fill("#summary", "Written in the second tab.")
    wait_saved(second)
    first.fill("#evidence-curiosity", "Typed in the first tab: asked how bursts are smoothed.")
    expect(first.locator("#conflict")).to_be_visible(timeout=10_000)
    expect(first.locator("#evidence-curiosity")).to_have_value("Typed in the first tab: asked how bursts are smoothed.")
    shoot(first, "scorecard-conflict")
    first.locator("#conflict").scroll_into_view_if_needed()
    shoot(first, "readme-scorecard-conflict", full_page=False)
    first.click("#keep-mine")
    wait_saved(first)
    alice_card.refresh_from_db()
    evidence = alice_card.current_revision.value_ratings.get(value__slug="curiosity").evidence
    assert evidence == "Typed in the first tab: asked how bursts are smoothed."
    second.close()

    # Alice completes and submits; the page turns read-only with an amend form.
    fill_scorecard(first, rating="4")
    wait_saved(first)
    shoot(first, "scorecard")
    first.click("#submit-scorecard")
    expect(first.locator("#sealed")).to_contain_text("Submitted")
    expect(first.locator("#amend > summary")).to_be_visible()
    assert Scorecard.objects.get(pk=alice_card.pk).status == "submitted"

    # Bob submits too early, sees every problem next to its field, then completes it.
    bob_session = sign_in(bob)
    page = bob_session.goto(f"/scorecards/{bob_card.pk}/")
    page.click("#submit-scorecard")
    expect(page.locator("#problems")).to_be_visible()
    assert page.locator("#problem-list li").count() == 5
    assert page.locator(".value-card .field-error").count() == 3
    shoot(page, "scorecard-problems")
    fill_scorecard(page, rating="3")
    wait_saved(page)
    page.click("#submit-scorecard")
    expect(page.locator("#sealed")).to_contain_text("Submitted")
    # Now Bob reads Alice's submitted card.
    assert bob_session.goto(f"/scorecards/{alice_card.pk}/").locator("h1").inner_text().startswith("Coding")

    # The director reads the summary and records the decision.
    director = sign_in(dora)
    page = director.goto(f"/loops/{loop.pk}/summary/")
    expect(page.locator("#verdict-heading")).to_contain_text("not met")
    expect(page.locator(".chart svg rect")).to_have_count(9)
    shoot(page, "keeper-summary")
    shoot(page, "readme-keeper-summary", full_page=False)
    page.check("input[name=decision][value=do_not_keep]")
    page.fill("#rationale", "Four values have no evidence; the loop cannot support a keep.")
    page.click("button:has-text('Record the decision')")
    expect(page.locator(".messages")).to_contain_text("Decision recorded")
    expect(page.locator("#decision")).to_contain_text("Do not keep")

    # The loop board shows the loop closed.
    page = director.goto("/loops/")
    page.select_option("#status", "rejected")
    row = page.locator(f"tr[data-loop='{loop.pk}']")
    expect(row).to_contain_text("Rejected")
    shoot(page, "loop-board")
    assert Loop.objects.get(pk=loop.pk).status == "rejected"

    for person in (manager, interviewer, bob_session, director):
        # The journey provokes a 400 (early submit), a 404 (Bob's card) and a 409 (two tabs) on purpose.
        provoked = ("status of 400", "status of 404", "status of 409")
        unexpected = [e for e in person.load_errors if not any(code in e for code in provoked)]
        assert not unexpected, person.load_errors


PAGES = ["/loops/", "/loops/{loop}/", "/loops/{loop}/summary/", "/rubric/", "/scorecards/{card}/", "/interviews/"]


@pytest.mark.parametrize("width", [390, 1280])
def test_pages_hold_up_at_phone_and_desktop_widths_without_console_errors(sign_in, dora, loop, width):
    from tests.conftest import assign

    card = assign(loop, "director-final", dora)  # a director with an open final-round card still reads the summary
    person = sign_in(dora, width=width)

    for path in PAGES:
        page = person.goto(path.format(loop=loop.pk, card=card.pk))
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{path} overflows by {overflow}px at {width}px"
        if width == 390:
            shoot(page, "phone-" + path.strip("/").replace("/", "-").replace("{", "").replace("}", "") or "home")
    assert person.load_errors == []


def test_the_scorecard_works_from_the_keyboard(sign_in, alice, loop):
    from tests.conftest import assign

    card = assign(loop, "coding", alice)
    person = sign_in(alice)
    page = person.goto(f"/scorecards/{card.pk}/")

    page.focus("input[name='rating-curiosity'][value='1']")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Tab")
    page.keyboard.type("Keyboard-typed evidence.")

    expect(page.locator("input[name='rating-curiosity'][value='2']")).to_be_checked()
    wait_saved(page)
    saved = Scorecard.objects.get(pk=card.pk).current_revision.value_ratings.get(value__slug="curiosity")
    assert (saved.rating, saved.evidence) == (2, "Keyboard-typed evidence.")
    assert page.locator("label[for='evidence-curiosity']").count() == 1
