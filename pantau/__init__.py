"""Pantau: the command line and the glue between crawl, extract and publish."""

__version__ = "0.1.0"
