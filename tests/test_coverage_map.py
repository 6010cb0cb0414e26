"""pantau/coverage_map.py: the sources-by-province map, rendered in headless chromium.

With PANTAU_SCREENSHOTS set (`make screenshots`) the rendered map is saved as sources-map.png.
"""

from __future__ import annotations

from click.testing import CliRunner
from selenium.webdriver.common.by import By
from test_browser import browser, open_page, screenshot  # noqa: F401 (browser is a fixture)

from crawler.provinces import load_provinces
from crawler.sources import load_sources
from pantau.cli import cli
from pantau.config import setting

__all__ = ["browser"]


def test_map_of_the_shipped_sources(tmp_path, browser):  # noqa: F811
    out = tmp_path / "map.html"
    result = CliRunner().invoke(cli, ["sources", "map", "-o", str(out)])
    assert result.exit_code == 0, result.output
    marks = open_page(browser, out.as_uri(), "g.province")
    assert len(marks) == 38
    shown = {m.get_attribute("data-name"): (int(m.get_attribute("data-outlets")),
                                            int(m.get_attribute("data-offices"))) for m in marks}
    sources = load_sources(setting("sources"))
    assert set(shown) == set(load_provinces())
    for name, (outlets, offices) in shown.items():
        assert outlets == sum(s.kind == "outlet" and s.province == name for s in sources)
        assert offices == sum(s.kind == "office" and s.province == name for s in sources)
    assert shown["Papua Pegunungan"][1] == 0 and shown["Papua Selatan"] == (2, 1)
    # the basemap tiles loaded (15 tiles of zoom 5) and the page is laid out at their size
    tiles = browser.find_elements(By.CSS_SELECTOR, "#map img")
    assert len(tiles) == 15
    assert all(browser.execute_script("return arguments[0].naturalWidth", t) == 256
               for t in tiles)
    browser.set_window_size(1280, 768 + 130)  # the tiles, and the browser's own frame
    screenshot(browser, "sources-map")
