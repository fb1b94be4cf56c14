"""Every dashboard page renders its charts in headless Chromium without console errors.

Uses the system browser (``/usr/bin/chromium``, Debian package ``chromium``) through the
``playwright`` Python package; never downloads a browser. Skipped when either is missing.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
SHOTS = Path(__file__).resolve().parent / "screenshots"
DOC_SHOT = ROOT / "docs" / "img" / "dashboard-overview.png"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ASOF = "2025-11-28"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def base_url(init_db: Path) -> Iterator[str]:
    import uvicorn

    from flowscope.serve.app import create_app

    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(init_db), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists() and shutil.which("chromium") is None:
        pytest.skip("no system chromium (/usr/bin/chromium): apt-get install chromium")
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="playwright is not installed (pip install playwright)"
    )
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


def test_every_page_renders_its_charts_without_console_errors(
    base_url: str, browser: object
) -> None:
    import httpx

    from flowscope.serve._pages import PAGES

    SHOTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.route(  # the dashboard must not reach beyond the loopback server
        "**/*",
        lambda route: (
            route.continue_() if route.request.url.startswith(base_url) else route.abort()
        ),
    )
    home = httpx.get(f"{base_url}/?asof={ASOF}", timeout=300)  # builds and caches the pages
    assert home.status_code == 200
    shown = with_charts = 0
    for key, _title in PAGES:
        url = f"{base_url}/{'' if key == 'overview' else key}?asof={ASOF}"
        resp = page.goto(url, timeout=300_000)
        assert resp is not None
        if resp.status == 404:  # a front without data: the nav greys it out
            assert f'title="no data held for this front">{_title}<' in home.text
            errors[:] = [e for e in errors if "status of 404" not in e]  # that very 404
            continue
        assert resp.status == 200, key
        n_charts = page.locator("div.chart").count()
        if n_charts:  # e.g. rates without futures has bullets (fed funds target), no chart
            page.wait_for_selector("div.chart .main-svg", timeout=30_000)
            drawn = page.locator("div.chart .main-svg").count()
            assert drawn >= n_charts, f"{key}: {drawn} of {n_charts} charts drawn"
            with_charts += 1
        else:
            assert page.locator("main section h2").count() >= 1, f"{key}: empty page"
        page.screenshot(path=str(SHOTS / f"{key}.png"), full_page=True)
        if key == "overview" and os.environ.get("FLOWSCOPE_UPDATE_SCREENSHOTS"):
            DOC_SHOT.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(DOC_SHOT), type="png")
        shown += 1
    assert not errors, errors
    assert shown >= 7 and with_charts >= 6, (shown, with_charts)
    assert DOC_SHOT.stat().st_size < 600_000  # the README's copy stays small
