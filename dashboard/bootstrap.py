"""Bring an installation up: secrets, database file, migrations, demo data on a new file.

Both the app and ``python -m dashboard init`` call ``prepare``, so there is one start-up path.
"""

from __future__ import annotations

from dataclasses import dataclass

from dashboard.core import settings
from dashboard.core.secrets_file import load_or_create
from db.connection import Database, get_database, migrate


@dataclass
class Prepared:
    db: Database
    secrets: dict
    applied: list[int]
    demo_filled: bool


def prepare(config: settings.Config | None = None) -> Prepared:
    """Open (creating if needed) and migrate the database; fill a brand-new one with demo data."""
    config = config or settings.load()
    secrets = load_or_create(config.secrets_path)
    db = get_database(config.db_path)
    was_new = db.schema_version() == 0
    applied = migrate(db)
    demo_filled = False
    if was_new and config.demo:
        from dashboard import demo

        demo.fill(db)
        demo_filled = True
    return Prepared(db, secrets, applied, demo_filled)
