"""The settings moved to core/settings.py (a table every stage may read); these names stay
importable from here for code written before."""

from core.settings import DATA_DIR, ROOT, beside_db, help_for, setting

__all__ = ["DATA_DIR", "ROOT", "beside_db", "help_for", "setting"]
