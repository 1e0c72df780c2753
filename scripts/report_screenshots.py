"""Screenshots of the HTML report for the docs (docs/reference/img/), taken in Debian's
headless Chromium through Playwright, from the shipped Huế example.

    python scripts/report_screenshots.py
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from bdg_indicators import cli

IMAGES = Path(__file__).resolve().parent.parent / "docs" / "reference" / "img"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "report.html"
        assert cli.main(["report", "vn.examples.hue-children-2016-2020", "--out", str(out)]) == 0
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=shutil.which("chromium"), args=ARGS
            )
            page = browser.new_page(viewport={"width": 1000, "height": 760})
            page.goto(out.as_uri())
            page.screenshot(path=IMAGES / "report-summary.png")
            page.locator(".charts").first.screenshot(path=IMAGES / "report-charts.png")
            browser.close()


if __name__ == "__main__":
    main()
