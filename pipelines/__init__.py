"""Scrapy item pipelines and the SQLite store behind them."""
