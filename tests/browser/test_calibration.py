"""The calibration page in Chromium (issue #15): a director reads the two server-drawn plots and
the question tables; an interviewer reads their own leniency on "My interviews" and nobody
else's. Screenshots go to artifacts/screenshots/."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from calibration.services import calibration_recompute, loops_simulate, rubric_round_plans
from calibration.simulation import plan_loops
from tests.browser.conftest import SCREENSHOTS, shoot
from tests.calibration.conftest import held_loop, rate

pytestmark = pytest.mark.django_db(transaction=True)


def shoot_part(locator, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    locator.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def test_a_director_reads_calibration_and_an_interviewer_only_their_own(sign_in, rubric, hana, alice, bob, dora):
    for n in range(3):
        loop = held_loop(n, hana)
        rate(loop, "coding", alice, 4, n)
        rate(loop, "system-design", bob, 2, n)
    rounds = rubric_round_plans(rubric)
    values = [v.slug for v in rubric.values.order_by("order")]
    plan = plan_loops(rounds=rounds, values=values, loops=16, interviewers=14, seed=2)
    loops_simulate(rubric=rubric, plan=plan, today=timezone.localdate())
    calibration_recompute(rubric_id=rubric.pk)

    director = sign_in(dora)
    director.page.click("nav >> text=Calibration")
    page = director.page
    expect(page.locator("h1")).to_contain_text("Calibration: Netflix Software Engineer v1")
    expect(page.locator("svg[aria-labelledby='len-title len-desc'] circle").first).to_be_visible()
    expect(page.locator("svg[aria-labelledby='rel-title rel-desc'] rect")).to_have_count(10)
    expect(page.locator("text=How many reads are enough")).to_be_visible()
    expect(page.locator("h3")).to_have_count(8)
    shoot(page, "calibration")
    shoot_part(page.locator("section[aria-labelledby='leniency-heading']"), "calibration-leniency")
    shoot_part(page.locator("section[aria-labelledby='reliability-heading']"), "calibration-reliability")
    assert director.load_errors == []

    interviewer = sign_in(alice)
    section = interviewer.page.locator("#my-calibration")
    expect(section).to_contain_text("your leniency is")
    expect(section).to_contain_text("How to read it")
    expect(section).not_to_contain_text("Bob")
    expect(interviewer.page.locator("nav >> text=Calibration")).to_have_count(0)
    shoot_part(section, "my-calibration")
    assert interviewer.load_errors == []
    assert interviewer.page.goto(f"{interviewer.base_url}/calibration/").status == 403
