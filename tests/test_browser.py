"""The published archive in a real headless browser: home, an office's coverage, the map, a chart.

Debian's chromium through its chromium-driver (`make system-deps`); no browser is downloaded.
Set PANTAU_SCREENSHOTS to a folder (`make screenshots`) to save a picture of each page.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
# The network is closed: nothing in the background may try to reach it.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--window-size=1280,1000"]
WAIT = 30  # seconds a page may take to render; a ceiling, not a measurement
CHART = ("/pantau/coverage_by_month#g.mark=bar&g.x_column=month&g.x_type=ordinal"
         "&g.y_column=articles&g.y_type=quantitative&g.color_column=source")


@pytest.fixture(scope="session")
def browser(tmp_path_factory):
    """One headless chromium for the whole session, with a fresh profile."""
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not shutil.which(p)]
    if missing:
        pytest.fail(f"{', '.join(missing)} missing: run `make system-deps` "
                    "(apt-get install chromium chromium-driver)")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in [*CHROMIUM_ARGS, f"--user-data-dir={tmp_path_factory.mktemp('chromium')}"]:
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    yield driver
    driver.quit()


def open_page(browser, url: str, ready: str):
    """Load `url` and wait until the CSS selector `ready` matches; returns the matches."""
    browser.get(url)
    WebDriverWait(browser, WAIT).until(lambda d: d.find_elements(By.CSS_SELECTOR, ready))
    return browser.find_elements(By.CSS_SELECTOR, ready)


def screenshot(browser, name: str, element=None) -> None:
    folder = os.environ.get("PANTAU_SCREENSHOTS")
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    if element is not None:
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
    browser.save_screenshot(str(Path(folder) / f"{name}.png"))


def test_home_page_lists_the_archive(browser, demo_server):
    open_page(browser, demo_server + "/", "ul.pantau-start")
    assert "Pantau" in browser.find_element(By.TAG_NAME, "h1").text
    links = {a.text for a in browser.find_elements(By.CSS_SELECTOR, "ul.pantau-start a")}
    assert {"peta kantor / map of offices", "halaman kantor / an office's page",
            "liputan per bulan / coverage over time"} <= links
    databases = [h.text for h in browser.find_elements(By.CSS_SELECTOR, ".content h2 a")]
    assert databases[0] == "pantau"
    tables = browser.find_elements(By.CSS_SELECTOR, ".content h2 + p + p a")
    assert {"offices", "counts"} <= {a.text for a in tables}
    screenshot(browser, "home")


def test_office_coverage_query_renders_rows(browser, demo_server):
    rows = open_page(browser, demo_server + "/pantau/office_coverage?office_id=kanim-serang",
                     "table.rows-and-columns tbody tr")
    cells = [[td.text for td in row.find_elements(By.TAG_NAME, "td")] for row in rows]
    assert {c[1] for c in cells} == {"kabar-banten", "warta-nusantara"}
    assert all(c[0].startswith("2026-") and int(c[2]) >= 1 for c in cells)
    screenshot(browser, "office-coverage")


def test_map_plots_every_office_on_offline_tiles(browser, demo_server):
    open_page(browser, demo_server + "/pantau/office_map", ".leaflet-marker-icon")
    WebDriverWait(browser, WAIT).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "img.leaflet-tile-loaded"))
    total = int(browser.find_element(By.CSS_SELECTOR, "h3").text.split()[0])
    # Every office is a marker or is counted in a cluster: nothing was dropped.
    clusters = browser.find_elements(By.CSS_SELECTOR, ".marker-cluster")
    singles = browser.find_elements(By.CSS_SELECTOR, ".leaflet-marker-icon:not(.marker-cluster)")
    assert total > 150
    assert sum(int(c.text) for c in clusters) + len(singles) == total
    tiles = browser.find_elements(By.CSS_SELECTOR, "img.leaflet-tile-loaded")
    assert all("/-/tiles/basemap/" in t.get_attribute("src") for t in tiles)
    screenshot(browser, "map", browser.find_element(By.CSS_SELECTOR, ".leaflet-container"))


def test_coverage_chart_draws(browser, demo_server):
    canvas = open_page(browser, demo_server + CHART, ".vega-embed canvas")[0]
    # Count painted pixels: an empty chart is a blank canvas.
    painted = browser.execute_script("""
        const c = arguments[0];
        const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++;
        return n;""", canvas)
    assert canvas.size["width"] > 200
    assert painted > 1000
    screenshot(browser, "chart", canvas)
