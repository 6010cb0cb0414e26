"""`python -m pantau` runs the command line."""

from pantau.cli import cli

cli()
