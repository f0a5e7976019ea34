"""Installation settings, read from the environment with documented defaults.

Settings that staff change at run time (booking horizon, targets…) live in the database;
these are the ones an operator sets before starting the app.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from dashboard import PROJECT_ROOT


@dataclass(frozen=True)
class Setting:
    name: str
    env: str
    default: str
    help: str


SETTINGS = (
    Setting("db_path", "CIVIC_DB_PATH", str(PROJECT_ROOT / "db" / "civic.duckdb"),
            "The DuckDB file holding all of the Centre's data."),
    Setting("language", "CIVIC_LANG", "pl", "Default interface language: pl or en."),
    Setting("demo", "CIVIC_DEMO", "1",
            "1: fill a newly created database with demo data and demo logins; 0: start empty."),
    Setting("port", "CIVIC_PORT", "8501", "The port the app listens on (make run)."),
    Setting("secrets_path", "CIVIC_SECRETS_PATH", str(PROJECT_ROOT / ".streamlit" / "secrets.toml"),
            "Where the generated cookie key is kept (created on first start, mode 600)."),
    Setting("session_hours", "CIVIC_SESSION_HOURS", "10",
            "How long a login cookie stays valid, in hours."),
    Setting("backup_dir", "CIVIC_BACKUP_DIR", str(PROJECT_ROOT / "db" / "backups"),
            "Where backups are written."),
    Setting("daily_backup", "CIVIC_DAILY_BACKUP", "1",
            "1: an automatic backup on the first request of each day (kept as long as the admin sets); "
            "0: none (the benchmark, which measures memory and time)."),
)


@dataclass(frozen=True)
class Config:
    db_path: Path
    language: str
    demo: bool
    port: int
    secrets_path: Path
    session_hours: float
    backup_dir: Path
    daily_backup: bool = True


def load() -> Config:
    """Read every setting from the environment, falling back to its default."""
    raw = {s.name: os.environ.get(s.env, s.default) for s in SETTINGS}
    language = raw["language"] if raw["language"] in ("pl", "en") else "pl"
    return Config(
        db_path=Path(raw["db_path"]),
        language=language,
        demo=raw["demo"].strip().lower() in ("1", "true", "yes", "tak"),
        port=int(raw["port"]),
        secrets_path=Path(raw["secrets_path"]),
        session_hours=float(raw["session_hours"]),
        backup_dir=Path(raw["backup_dir"]),
        daily_backup=raw["daily_backup"].strip().lower() in ("1", "true", "yes", "tak"),
    )
