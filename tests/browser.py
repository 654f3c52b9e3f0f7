"""Debian's chromium, headless, driven by selenium: the one browser setup of the tests.

Without selenium, chromium, chromedriver or a CJK font the browser tests skip, or fail
under ``GOVREPORT_REQUIRE_BROWSER=1`` (set by .ci/run). Selenium Manager is never
asked to download anything: the driver path is given and ``SE_OFFLINE`` is set.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


def has_cjk_font() -> bool:
    """Whether fontconfig knows Noto Sans CJK SC, so Chinese labels render as glyphs."""
    if shutil.which("fc-list") is None:
        return False
    listed = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, check=False).stdout
    return "Noto Sans CJK SC" in listed


@contextlib.contextmanager
def chromium() -> Iterator[Any]:
    """A headless chromium WebDriver (1400×1000, zh-CN), quit afterwards."""
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:  # pragma: no cover - depends on the test extra
        webdriver = None  # type: ignore[assignment]
    missing = [what for what, ok in (("selenium", webdriver is not None), (CHROMIUM, os.path.exists(CHROMIUM)),
                                     (CHROMEDRIVER, os.path.exists(CHROMEDRIVER)),
                                     ("a CJK font (fonts-noto-cjk)", has_cjk_font())) if not ok]
    if missing:
        message = f"browser tests need {', '.join(missing)} (apt-get install chromium chromium-driver fonts-noto-cjk)"
        if os.environ.get("GOVREPORT_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    os.environ["SE_OFFLINE"] = "true"  # Selenium Manager, should anything call it, stays offline
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1400,1000", "--lang=zh-CN"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()
