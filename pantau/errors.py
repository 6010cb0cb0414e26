"""The errors a user can cause, and user_errors(), which turns each into a one-line message.

Every exception a Pantau library module raises for bad input, a bad file or a bad setting is
named, has a docstring, and is listed in user_errors() (tests/test_architecture.py checks all
three over the source): the command line prints its message, with the fix, and exits 1.
"""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager

import click


def user_error_types() -> tuple[type[Exception], ...]:
    """Pantau's user-facing exceptions (subclasses are covered by their base)."""
    # Imported here, not at the top: the command line imports this module before it knows
    # which stage a command needs, and a stage's imports (spaCy, Scrapy) are slow.
    from core.settings import SettingError
    from crawler.frontier import FrontierError
    from crawler.site_kinds import SiteKindError
    from crawler.sources import SourcesError
    from nlp.gazetteer import GazetteerError
    from nlp.nationalities import NationalitiesError
    from nlp.vocabulary import VocabularyError
    from pantau.demo_site import DemoSiteError
    from pantau.export import UnknownTable
    from pantau.serve import MetadataError, PortInUse
    from pipelines.db import DatabaseError

    return (SourcesError, SiteKindError, DatabaseError, MetadataError, GazetteerError,
            VocabularyError, UnknownTable, DemoSiteError, FrontierError, SettingError,
            NationalitiesError, PortInUse)


@contextmanager
def user_errors():
    """Turn Pantau's own exceptions into one-line messages and a non-zero exit."""
    try:
        yield
    except user_error_types() as e:
        raise click.ClickException(" ".join(str(e).split())) from None
    except sqlite3.Error as e:  # e.g. the disk filled up halfway through `pantau extract`
        raise click.ClickException(f"database error: {e} (what was committed is kept; "
                                   "free space or use another --db, then run again)") from None
