"""Browser tests: Playwright for Python driving the system's Chromium (no downloaded browser)
against Keeper served by pytest-django's live server. Screenshots go to artifacts/screenshots/,
which git ignores."""

import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API keeps an event loop in this thread; the test's own ORM calls are
# plain synchronous code between browser steps.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path() -> str | None:
    return os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is missing; .ci/run installs Debian's chromium package.")
        pytest.skip("Chromium is not installed (apt-get install chromium); CI always runs these tests.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


class Person:
    """One signed-in browser session, with the console errors its pages logged while loading."""

    def __init__(self, browser, base_url: str, username: str, password: str, width: int = 1280):
        self.context = browser.new_context(viewport={"width": width, "height": 900})
        self.base_url = base_url
        self.username = username
        self.load_errors: list[str] = []
        self.page = self.new_tab()
        self.page.goto(f"{base_url}/accounts/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", password)
        self.page.click("button[type=submit]")
        self.page.wait_for_load_state()

    def new_tab(self):
        page = self.context.new_page()
        page.on("console", lambda message: message.type == "error" and self.load_errors.append(message.text))
        return page

    def goto(self, path: str, page=None):
        page = page or self.page
        page.goto(f"{self.base_url}{path}")
        page.wait_for_load_state()
        return page

    def close(self):
        self.context.close()


def shoot(page, name: str, *, full_page: bool = True) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)


@pytest.fixture
def sign_in(browser, live_server):
    people: list[Person] = []

    def _sign_in(user, width: int = 1280) -> Person:
        from tests.factories import DEFAULT_PASSWORD

        person = Person(browser, live_server.url, user.username, DEFAULT_PASSWORD, width)
        people.append(person)
        return person

    yield _sign_in
    for person in people:
        person.close()
