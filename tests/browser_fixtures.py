"""Real-browser tests: Playwright driving Debian's chromium against the live test server.

Without chromium (a newcomer's laptop) these tests are skipped with the reason; CI sets
REQUIRE_BROWSER=1 so that a missing browser fails instead of skipping.
"""

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "var" / "screenshots"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _missing(reason: str) -> None:
    if os.environ.get("REQUIRE_BROWSER"):
        pytest.fail(f"{reason} (REQUIRE_BROWSER=1 : les tests de navigateur sont obligatoires)")
    pytest.skip(reason)


def _chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        _missing("chromium absent : `apt-get install -y chromium` pour lancer les tests de navigateur")
    return str(path)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    executable = _chromium_path()
    # Playwright's sync API runs an event loop in this thread; the ORM calls made by tests are
    # still synchronous and safe.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser: object, live_server: object) -> Iterator[object]:
    """A fresh page; the test fails if the page asked for anything outside this machine."""
    context = browser.new_context(locale="fr-FR", base_url=live_server.url)  # type: ignore[attr-defined]
    outside: list[str] = []

    def guard(route: object) -> None:
        url = route.request.url  # type: ignore[attr-defined]
        host = urlsplit(url).hostname or ""
        if url.startswith(("data:", "blob:")) or host in LOCAL_HOSTS:
            route.continue_()  # type: ignore[attr-defined]
        else:
            outside.append(url)
            route.abort()  # type: ignore[attr-defined]

    context.route("**/*", guard)
    new_page = context.new_page()
    yield new_page
    context.close()
    assert not outside, f"requêtes vers l'extérieur : {outside}"


def axe_violations(page: object) -> list[dict[str, object]]:
    """Serious and critical accessibility violations found by axe-core on the current page."""
    if not AXE_SCRIPT.exists():
        _missing("axe-core absent : `npm ci` pour le contrôle d'accessibilité")
    page.evaluate(AXE_SCRIPT.read_text())  # type: ignore[attr-defined]
    results = page.evaluate("async () => JSON.stringify(await axe.run(document))")  # type: ignore[attr-defined]
    violations = json.loads(results)["violations"]
    return [v for v in violations if v.get("impact") in {"serious", "critical"}]


def screenshot(page: object, name: str) -> Path:
    """Full-page capture kept under var/screenshots/ (git-ignored) for review."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
    return path
