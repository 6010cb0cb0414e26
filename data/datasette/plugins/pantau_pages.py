"""Datasette plugin: Pantau's own pages and cells: evidence links behind each headline figure.

Headline tables and queries carry an `evidence` column: the path, relative to the database, of
the events (or per-country event rows) a figure is built from. It is rendered as a link under
the served database's name, so it works whatever the file is called.
"""

from __future__ import annotations

from datasette import hookimpl
from markupsafe import Markup

EVIDENCE_COLUMN = "evidence"
EVIDENCE_TABLES = ("events?", "event_nationalities?")


@hookimpl
def render_cell(value, column, database, datasette):
    if column != EVIDENCE_COLUMN or not isinstance(value, str) \
            or not value.startswith(EVIDENCE_TABLES):
        return None
    return Markup('<a href="{}/{}">bukti / evidence</a>').format(
        datasette.urls.database(database), Markup(value.replace("&", "&amp;")))
