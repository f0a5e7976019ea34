"""Centrum Obywatelskie Łódź: the dashboard that runs the Civic Centre pilot."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
