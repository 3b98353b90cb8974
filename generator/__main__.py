"""`python -m generator` runs the antq command line."""

from generator.cli import app

app()
