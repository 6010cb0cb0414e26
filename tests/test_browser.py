"""The published archive in a real headless browser, walked as each user group walks it.

The demo is served under a name other than `pantau` (conftest.RENAMED, as `--db /x/demo.db`
would), so every link must follow the served name. Analysts go from the home page's headline
numbers to a headline page and on to the evidence; communications staff pick their office by
name and open its page and its Atom feed; readers search; researchers read the codebook.
Debian's chromium through its chromium-driver (`make system-deps`); no browser is downloaded.
Set PANTAU_SCREENSHOTS to a folder (`make screenshots`) to save a picture of each page.
"""

from __future__ import annotations

import os
import shutil
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import RENAMED
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
# The network is closed: nothing in the background may try to reach it.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--window-size=1280,1000"]
WAIT = 30  # seconds a page may take to render; a ceiling, not a measurement
CHART = (f"/{RENAMED}/coverage_by_month#g.mark=bar&g.x_column=month&g.x_type=ordinal"
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


# What each link of the home page's user-group list promises, and a text its page must show.
PROMISES = {
    "deportasi per kewarganegaraan / deportations by nationality":
        "Deportasi per kewarganegaraan / Deportations by nationality and year",
    "deportasi per kantor / by office": "Deportasi per kantor dan bulan",
    "penangkapan / arrests": "Penangkapan per kantor",
    "deteni / detentions": "Deteni per kantor dan bulan",
    "penolakan masuk / refusals of entry": "Penolakan masuk per kantor dan bulan",
    "paspor / passports": "Paspor per kantor dan bulan",
    "pemohon / applicants served": "Pemohon dilayani per kantor dan bulan",
    "operasi / operations": "Operasi per kantor dan bulan",
    "per provinsi dan tahun / by province and year": "headline_by_province_year",
    "angka periode / period totals (listed, never added)": "event_period_totals",
    "peta kantor / map of offices": "office_map",
    "halaman kantor / an office's page": "Halaman kantor / Office pages",
    "berita paling banyak dimuat / stories picked up by the most outlets":
        "Berita yang paling banyak dimuat",
    "media per peristiwa / outlets per event": "event_outlets",
    "artikel baru / new articles since a date": "Artikel baru sejak tanggal",
    "liputan per bulan / coverage over time": "coverage_by_month",
    "kewarganegaraan teratas / top nationalities": "Kewarganegaraan teratas",
    "artikel sebagai kartu / articles as cards, the match highlighted":
        "Cari berita / Search the articles",
    "buku kode, sitasi dan lisensi / codebook, citation and licences": "Buku kode / Codebook",
    "setiap angka per artikel / every figure as each article gives it": "counts",
}


def test_home_page_keeps_every_promise(browser, renamed_server):
    open_page(browser, renamed_server + "/", "ul.pantau-start")
    assert "Pantau" in browser.find_element(By.TAG_NAME, "h1").text
    links = {a.text: a.get_attribute("href")
             for a in browser.find_elements(By.CSS_SELECTOR, "ul.pantau-start a")}
    assert set(links) == set(PROMISES)
    assert all(f"/{RENAMED}/" in href or href.endswith("/codebook") for href in links.values())
    # the headline numbers and the chart are on the page
    assert browser.find_elements(By.CSS_SELECTOR, ".pantau-headline-table tbody tr")
    assert len(browser.find_elements(By.CSS_SELECTOR, "svg.pantau-bars rect")) >= 3
    assert "Cara mengutip / How to cite" in browser.find_element(By.ID, "cite").text
    screenshot(browser, "home")
    for text, href in links.items():
        browser.get(href)
        WebDriverWait(browser, WAIT).until(lambda d: d.find_elements(By.TAG_NAME, "h1"))
        assert PROMISES[text] in browser.find_element(By.TAG_NAME, "h1").text, (text, href)


def test_analyst_goes_from_a_headline_figure_to_its_evidence(browser, renamed_server):
    open_page(browser, renamed_server + "/", ".pantau-headline-table")
    browser.find_element(By.LINK_TEXT, "Deportasi / Deportation").click()
    WebDriverWait(browser, WAIT).until(lambda d: "/deportations_by_office" in d.current_url
                                       and d.find_elements(By.CSS_SELECTOR,
                                                           "table.rows-and-columns tbody tr"))
    rows = browser.find_elements(By.CSS_SELECTOR, "table.rows-and-columns tbody tr")
    assert "Deportasi per kantor dan bulan" in browser.find_element(By.TAG_NAME, "h1").text
    assert "counted once" in browser.page_source
    screenshot(browser, "analyst-deportations")
    evidence = rows[0].find_element(By.LINK_TEXT, "bukti / evidence")
    people = int(rows[0].find_element(By.CSS_SELECTOR, "td.col-people").text)
    evidence.click()
    WebDriverWait(browser, WAIT).until(lambda d: f"/{RENAMED}/events?" in d.current_url
                                       and d.find_elements(By.CSS_SELECTOR,
                                                           "table.rows-and-columns tbody tr"))
    events = browser.find_elements(By.CSS_SELECTOR, "table.rows-and-columns tbody tr")
    values = [int(e.find_element(By.CSS_SELECTOR, "td.col-value").text) for e in events]
    assert sum(values) == people
    assert all(e.find_element(By.CSS_SELECTOR, "td.col-sentence").text for e in events)


def test_communications_officer_picks_an_office_by_name(browser, renamed_server):
    open_page(browser, renamed_server + "/", "ul.pantau-start")
    browser.find_element(By.LINK_TEXT, "halaman kantor / an office's page").click()
    WebDriverWait(browser, WAIT).until(lambda d: d.find_elements(By.CSS_SELECTOR,
                                                                 "select#office_id"))
    select = Select(browser.find_element(By.CSS_SELECTOR, "select#office_id"))
    select.select_by_visible_text("Kantor Imigrasi Kelas I TPI Serang (3 artikel)")
    browser.find_element(By.CSS_SELECTOR, ".pantau-office-form input[type=submit]").click()
    # the form's redirect lands on the office's own page (waited for: a click returns at once)
    WebDriverWait(browser, WAIT).until(
        lambda d: d.current_url.endswith(f"/{RENAMED}/-/office/kanim-serang")
        and d.find_elements(By.CSS_SELECTOR, "svg.pantau-bars rect"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "Kantor Imigrasi Kelas I TPI Serang"
    for section in ("coverage", "outlets", "latest", "officials", "awards", "events"):
        assert browser.find_element(By.ID, section).text
    latest = browser.find_elements(By.CSS_SELECTOR, "#latest li")
    assert len(latest) == 3 and all("arsip / archived" in li.text for li in latest)
    screenshot(browser, "office-page")
    feed = browser.find_element(By.CSS_SELECTOR, "a.pantau-feed").get_attribute("href")
    with urllib.request.urlopen(feed, timeout=30) as r:
        atom = r.read().decode("utf-8")
    assert "<title>Pantau: Kantor Imigrasi Kelas I TPI Serang</title>" in atom
    # every link of the office page answers
    links = {a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR,
                                                                     ".content a[href]")}
    local = sorted(u for u in links if u.startswith(renamed_server))
    assert len(local) >= 10
    assert [u for u in local if status(u) != 200] == []


def test_reader_searches_and_gets_cards(browser, renamed_server):
    open_page(browser, renamed_server + "/", "ul.pantau-start")
    browser.find_element(By.PARTIAL_LINK_TEXT, "artikel sebagai kartu").click()
    WebDriverWait(browser, WAIT).until(lambda d: "/-/search" in d.current_url)
    box = open_page(browser, browser.current_url, ".pantau-search-form input[type=search]")[0]
    box.clear()
    box.send_keys("dideportasi")
    box.submit()
    WebDriverWait(browser, WAIT).until(lambda d: "q=dideportasi" in d.current_url
                                       and d.find_elements(By.CSS_SELECTOR, "article.pantau-card"))
    cards = browser.find_elements(By.CSS_SELECTOR, "article.pantau-card")
    assert len(cards) >= 3
    for card in cards:
        marks = [m.text.lower() for m in card.find_elements(By.TAG_NAME, "mark")]
        assert marks and all("deportasi" in m for m in marks)
        assert card.find_element(By.CSS_SELECTOR, ".pantau-outlet").text
        archived = card.find_element(By.LINK_TEXT, "arsip / archived copy")
        assert f"/{RENAMED}/-/archive?url=" in archived.get_attribute("href")
    screenshot(browser, "search-results")
    archived = cards[0].find_element(By.LINK_TEXT, "arsip / archived copy").get_attribute("href")
    # the card's title opens the article, its text on screen (not off to the right)
    cards[0].find_element(By.CSS_SELECTOR, "h2 a").click()
    WebDriverWait(browser, WAIT).until(lambda d: d.find_elements(By.CSS_SELECTOR,
                                                                 "td.col-text"))
    text = browser.find_element(By.CSS_SELECTOR, "td.col-text")
    window = browser.get_window_size()
    assert len(text.text) > 300
    assert text.location["x"] < window["width"] / 2 and text.location["y"] < window["height"]
    assert text.location["x"] + text.size["width"] <= window["width"]
    screenshot(browser, "article")
    browser.get(archived)
    WebDriverWait(browser, WAIT).until(lambda d: "Salinan arsip Pantau" in d.page_source)


def test_researcher_reads_the_codebook(browser, renamed_server):
    open_page(browser, renamed_server + "/codebook", ".pantau-codebook-table")
    tables = browser.find_elements(By.CSS_SELECTOR, ".pantau-codebook-table")
    assert len(tables) >= 25
    assert browser.find_element(By.ID, "cite").text.startswith("Cara mengutip / How to cite")
    events = browser.find_element(By.ID, "events")
    assert "Satu baris per peristiwa" in events.text and "One row per happening" in events.text
    screenshot(browser, "codebook")


def test_office_coverage_query_renders_rows(browser, renamed_server):
    rows = open_page(browser, f"{renamed_server}/{RENAMED}/office_coverage"
                     "?office_id=kanim-serang", "table.rows-and-columns tbody tr")
    cells = [[td.text for td in row.find_elements(By.TAG_NAME, "td")] for row in rows]
    assert {c[1] for c in cells} == {"kabar-banten", "warta-nusantara"}
    assert all(c[0].startswith("2026-") and int(c[2]) >= 1 for c in cells)
    screenshot(browser, "office-coverage")


def test_map_plots_every_office_on_offline_tiles(browser, renamed_server):
    open_page(browser, f"{renamed_server}/{RENAMED}/office_map", ".leaflet-marker-icon")
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


def test_coverage_chart_draws(browser, renamed_server):
    canvas = open_page(browser, renamed_server + CHART, ".vega-embed canvas")[0]
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


def status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status
    except urllib.error.HTTPError as e:
        e.close()
        return e.code
