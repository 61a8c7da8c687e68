"""Every page on a phone (390 by 844, touch, two device pixels a pixel), as the person it is for: a screenshot of each
in artifacts/screenshots/phone-*.png, nothing that scrolls the page sideways, and no table cell
narrower than its longest word (no word broken letter by letter). The pages come from the URL
configuration: every page route of the access matrix (whose own meta-test holds it to the URL
configuration) must be listed here, so a new page fails until it is covered."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.services import calendar_feed_create
from calibration.services import calibration_recompute
from loops.models import Candidate, Loop
from loops.services import loop_open, round_place_set, round_schedule
from scorecards.demo import demo_password, demo_seed
from scorecards.models import Scorecard
from scorecards.services import interviewer_assign
from tests.browser.conftest import shoot
from tests.security.test_access_matrix import ROWS

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}

# Measured in the page: the words (runs of letters and digits) of every visible table cell, each
# as the browser laid it out. A word on more than one line was broken inside; a word wider than
# its cell's content box sticks out of it.
BROKEN_WORDS = """() => {
  const problems = [];
  for (const cell of document.querySelectorAll("td, th")) {
    if (cell.getClientRects().length === 0) continue;
    const style = getComputedStyle(cell);
    const room = cell.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    const texts = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = texts.nextNode(); node; node = texts.nextNode()) {
      for (const word of node.data.matchAll(/[\\p{L}\\p{N}]+/gu)) {
        const range = document.createRange();
        range.setStart(node, word.index);
        range.setEnd(node, word.index + word[0].length);
        const lines = [...range.getClientRects()].filter((r) => r.width > 0);
        if (lines.length === 0) continue;
        const width = range.getBoundingClientRect().width;
        if (lines.length > 1) problems.push(`"${word[0]}" broken over ${lines.length} lines`);
        else if (width > room + 1) problems.push(`"${word[0]}" ${Math.round(width)}px in a ${Math.round(room)}px cell`);
      }
    }
  }
  return problems;
}"""
SIDEWAYS = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
# The on-screen size of each text of the summary's chart: its font size times the SVG's scale.
CHART_TEXT_PX = """() => [...document.querySelectorAll(".chart svg text")].map(
  (t) => t.getScreenCTM().a * parseFloat(getComputedStyle(t).fontSize))"""


@dataclass(frozen=True)
class Visit:
    who: str | None  # a demo user, or None for a signed-out visitor
    path: str  # with {loop}, {card}, {long_card}, {read_card}, {feed} from the world below


# Every page route, by the pattern the URL configuration spells, with who opens it and where.
PAGES = {
    "": [Visit("hana", "/")],
    "interviews/": [Visit("alice", "/interviews/")],
    "scorecards/<int:pk>/": [
        Visit("alice", "/scorecards/{card}/"),
        Visit("alice", "/scorecards/{long_card}/"),  # the behavioural card: nine values
        Visit("hana", "/scorecards/{read_card}/"),  # a colleague's submitted card, read-only
    ],
    "loops/": [Visit("hana", "/loops/")],
    "loops/new/": [Visit("rick", "/loops/new/")],
    "loops/<int:pk>/": [Visit("hana", "/loops/{loop}/")],
    "loops/<int:pk>/scorecards/": [Visit("hana", "/loops/{loop}/scorecards/")],
    "loops/<int:pk>/summary/": [Visit("dora", "/loops/{loop}/summary/")],
    "loops/<int:pk>/keeper-summary/print/": [Visit("dora", "/loops/{loop}/keeper-summary/print/")],
    "loops/<int:pk>/history/": [Visit("hana", "/loops/{loop}/history/")],
    "rubric/": [Visit("alice", "/rubric/")],
    "profile/": [Visit("alice", "/profile/")],
    "calibration/": [Visit("dora", "/calibration/")],
    "interviews/calibration/": [Visit("alice", "/interviews/calibration/")],
}
# Page routes of the URL configuration that are not pages a person reads.
NOT_PAGES = {
    r"^calendar/(?P<token>[A-Za-z0-9_-]{20,100})\.ics$": "an iCalendar file for calendar apps",
}
# Pages outside the access matrix (Django's sign-in view, the error pages) that people see too.
EXTRA = {
    "sign-in": Visit(None, "/accounts/login/"),
    "not-found": Visit("alice", "/loops/999999/"),
}


def page_routes() -> set[str]:
    """Every route of the access matrix that answers GET outside the API: the pages."""
    return {row.pattern for row in ROWS if not row.is_api and "GET" in row.methods}


def test_every_page_route_is_opened_on_a_phone():
    assert sorted(page_routes() - set(PAGES) - set(NOT_PAGES)) == [], "pages with no phone visit"
    assert sorted((set(PAGES) | set(NOT_PAGES)) - page_routes()) == [], "visits to routes that are gone"


@pytest.fixture
def world(rubric):
    """The demo (a loop mid-way, names as long as real ones), a second loop whose candidate has a
    long double-barrelled name, a place on the onsite interviews and a calendar feed for alice."""
    _, loop, _ = demo_seed()
    users = {u.username: u for u in loop.hiring_manager.__class__.objects.all()}
    other = loop_open(
        candidate=Candidate.objects.create(
            name="Maximiliana Oyelaran-Featherstonehaugh", email="max@example.com", level="principal"
        ),
        hiring_manager=users["hana"],
        recruiter=users["rick"],
        started_on=timezone.localdate() - timedelta(weeks=9),
        by=users["rick"],
    )
    screen = other.rounds.get(rubric_round__slug="recruiter-screen")
    interviewer_assign(round=screen, interviewer=users["alice"], by=users["hana"])
    round_schedule(round=screen, start=timezone.now() + timedelta(days=1), end=None, by=users["hana"])
    round_place_set(
        round=screen,
        location="Building Q, 4th floor, room 'Stranger Things'",
        video_url="https://meet.example.com/maximiliana-oyelaran-featherstonehaugh-recruiter-screen",
        by=users["hana"],
    )
    calendar_feed_create(user=users["alice"])
    calibration_recompute(rubric_id=rubric.pk)
    cards = Scorecard.objects.filter(loop=loop)
    return {
        "loop": loop.pk,
        "card": cards.get(interviewer__username="alice", round__rubric_round__slug="coding").pk,
        "long_card": cards.get(interviewer__username="alice", round__rubric_round__slug="behavioral").pk,
        "read_card": cards.get(interviewer__username="rick").pk,
        "other_loop": Loop.objects.get(pk=other.pk).pk,
    }


class Phone:
    """One person's phone: a browser context signed in as them (or nobody)."""

    def __init__(self, browser, base_url: str, username: str | None):
        self.context = browser.new_context(**PHONE)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.base_url = base_url
        if username:
            self.page.goto(f"{base_url}/accounts/login/")
            self.page.fill("#id_username", username)
            self.page.fill("#id_password", demo_password(username))
            self.page.click("button[type=submit]")
            self.page.wait_for_load_state()

    def open(self, path: str):
        response = self.page.goto(f"{self.base_url}{path}")
        self.page.wait_for_load_state("networkidle")
        # Every collapsed section open too: its forms and lists must fit as well.
        self.page.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true; })")
        return response


def _name(label: str, path: str) -> str:
    return "phone-" + (label or path.strip("/").replace("/", "-") or "home")


def test_every_page_reads_on_a_phone(browser, live_server, world):
    phones: dict = {}
    problems: list[str] = []
    visits = [(pattern, visit) for pattern, listed in PAGES.items() for visit in listed]
    visits += [(label, visit) for label, visit in EXTRA.items()]

    try:
        for n, (label, visit) in enumerate(visits):
            phone = phones.get(visit.who)
            if phone is None:
                phone = phones[visit.who] = Phone(browser, live_server.url, visit.who)
            path = visit.path.format(**world)
            response = phone.open(path)
            expected = 404 if label == "not-found" else 200
            if response.status != expected:
                problems.append(f"{path} as {visit.who}: HTTP {response.status}")
            shoot(phone.page, f"{_name(label if label in EXTRA else '', path)}-{n:02d}")
            sideways = phone.page.evaluate(SIDEWAYS)
            if sideways > 0:
                problems.append(f"{path} as {visit.who}: scrolls {sideways}px sideways")
            problems += [f"{path} as {visit.who}: {p}" for p in phone.page.evaluate(BROKEN_WORDS)]
    finally:
        for phone in phones.values():
            phone.context.close()

    assert problems == []
    assert all(phone.errors == [] or all("404" in e for e in phone.errors) for phone in phones.values())


def test_the_summary_charts_text_is_at_least_12_px_on_a_phone(browser, live_server, world):
    phone = Phone(browser, live_server.url, "dora")

    phone.open(f"/loops/{world['loop']}/summary/")
    sizes = phone.page.evaluate(CHART_TEXT_PX)
    phone.context.close()

    assert len(sizes) >= 9 * 2 + 4  # a name and a figure per value, and the scale's ticks
    assert min(sizes) >= 12, sorted(sizes)[:5]


def test_the_long_scorecard_has_a_list_of_its_sections_to_jump_to(browser, live_server, world):
    phone = Phone(browser, live_server.url, "alice")
    page = phone.page
    phone.open(f"/scorecards/{world['long_card']}/")

    links = page.locator("nav.jump a")
    names = links.all_inner_texts()
    page.locator("nav.jump a", has_text="Overall").click()
    overall = page.locator("#overall-heading").bounding_box()
    page.locator("nav.jump a", has_text="Integrity").click()
    integrity = page.locator("#value-integrity h3").bounding_box()
    jump_bar = page.locator("nav.jump").bounding_box()
    short = phone.open(f"/scorecards/{world['card']}/")
    short_links = page.locator("nav.jump a").count()
    phone.context.close()

    assert short.status == 200
    assert len(names) == 9 + 3
    assert names[-3:] == ["Questions", "Red flags", "Overall"]
    assert 0 <= overall["y"] < 844
    assert jump_bar["y"] + jump_bar["height"] <= integrity["y"] < 844, "the section shows below the sticky bar"
    assert short_links == 0  # three values: no list needed


def test_hidden_buttons_stay_hidden_and_the_steps_card_has_room(browser, live_server, world):
    phone = Phone(browser, live_server.url, "hana")
    page = phone.page
    phone.open(f"/loops/{world['loop']}/")

    hidden_button = page.evaluate(
        """() => { const b = document.createElement("button"); b.hidden = true; document.body.append(b);
                   return getComputedStyle(b).display; }"""
    )
    padding = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.steps.card')).paddingLeft)")
    phone.context.close()

    assert hidden_button == "none"
    assert padding >= 8


def test_the_profile_page_shows_a_new_feed_address_once_on_a_phone(browser, live_server, world):
    phone = Phone(browser, live_server.url, "alice")
    page = phone.page
    phone.open("/profile/")

    page.click("button:has-text('Make a new address')")
    address = page.locator("#feed-url").input_value()
    shoot(page, "phone-profile-new-feed")
    phone.open("/profile/")
    expect(page.locator("#feed-url")).to_have_count(0)
    feed = page.request.get(live_server.url + "/calendar/" + address.split("/calendar/", 1)[1])
    feed_status, feed_type, feed_body = feed.status, feed.headers["content-type"], feed.body()
    sideways = page.evaluate(SIDEWAYS)
    phone.context.close()

    assert feed_status == 200
    assert feed_type == "text/calendar; charset=utf-8"
    assert b"BEGIN:VCALENDAR" in feed_body and b"Maximiliana Oyelaran-Featherstonehaugh" in feed_body
    assert sideways <= 0
