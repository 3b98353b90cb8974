"""`python -m generator` runs the antq command line."""

from generator.cli import main

main(ends_process=True)
