"""The installation's secrets: generated on first start, never shipped, owner-readable only."""

from __future__ import annotations

import os
import secrets
import tomllib
from pathlib import Path

TEMPLATE = """# Generated on first start by the Centrum Obywatelskie dashboard. Keep it private:
# whoever holds the cookie key can forge a login. Delete the file to log everybody out.
[auth]
cookie_name = "civic_auth"
cookie_key = "{key}"
"""


def load_or_create(path: Path) -> dict:
    """Read the secrets file, creating it (mode 600) with a fresh random cookie key if missing."""
    if not path.exists() or not _readable_key(path):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(TEMPLATE.format(key=secrets.token_urlsafe(48)))
    os.chmod(path, 0o600)
    return tomllib.loads(path.read_text(encoding="utf-8"))


def _readable_key(path: Path) -> bool:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return False
    return len(str(data.get("auth", {}).get("cookie_key", ""))) >= 32
