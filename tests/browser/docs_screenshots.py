"""Take the README's admin screenshots: docs/admin-imports-list.png and docs/admin-import-detail.png.

    .venv/bin/python -m tests.browser.docs_screenshots

Uses a throw-away SQLite database and media folder, seeds the demo data with
`seed_demo`, serves it with `runserver` and photographs the admin in the same
headless Chromium as the browser test. Not collected by pytest.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.browser.chromium import CHROMIUM, launch_chromium, log_in

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def manage(*args: str, env: dict, **kwargs) -> subprocess.Popen | subprocess.CompletedProcess:
    command = [sys.executable, "manage.py", *args]
    if kwargs.pop("background", False):
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True, text=True)


def wait_for(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"runserver did not listen on port {port}")


def main() -> None:
    if not CHROMIUM.exists():
        sys.exit(f"{CHROMIUM} is missing: apt-get install -y chromium chromium-driver")
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="docs-screenshots-") as scratch:
        env = {
            **os.environ,
            "DEBUG": "1",
            "DATABASE_URL": f"sqlite:///{scratch}/demo.sqlite3",
            "MEDIA_ROOT": f"{scratch}/media",
            "SITE_URL": f"http://127.0.0.1:{port}",
            "DJANGO_SETTINGS_MODULE": "config.settings",
        }
        env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        manage("migrate", "--no-input", "-v", "0", env=env)
        manage("seed_demo", env=env)
        server = manage("runserver", "--noreload", f"127.0.0.1:{port}", env=env, background=True)
        try:
            wait_for(port)
            take(f"http://127.0.0.1:{port}")
        finally:
            server.terminate()
            server.wait(timeout=10)


def take(base_url: str) -> None:
    DOCS.mkdir(exist_ok=True)
    with launch_chromium() as browser:
        page = browser.new_page(viewport={"width": 1760, "height": 640})
        log_in(page, base_url, "demo@example.com", "demo-password")
        page.goto(f"{base_url}/admin/imports/import/")
        page.click("#toggle-nav-sidebar")  # the app menu is not the subject; give the columns room
        page.screenshot(path=DOCS / "admin-imports-list.png")
        page.get_by_role("link", name="sample_csv_with_some_invalid_rows.csv").click()
        page.wait_for_selector("#failed-rows")
        # The top of the page: the summary and the failed rows, which is what the page is for.
        page.set_viewport_size({"width": 1760, "height": 1400})
        page.screenshot(path=DOCS / "admin-import-detail.png")
    print(f"Wrote {DOCS / 'admin-imports-list.png'} and {DOCS / 'admin-import-detail.png'}")


if __name__ == "__main__":
    main()
