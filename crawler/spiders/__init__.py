"""Spiders: one generic news spider discovers articles from any source start URL."""
