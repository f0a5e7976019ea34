"""The admin CLI, run as an operator would: ``python -m dashboard …`` in a separate process,
configured only through the environment.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import tomllib
from pathlib import Path

import bcrypt
import pytest

from db.connection import close_database, code_schema_version, get_database

ROOT = Path(__file__).resolve().parents[2]


class Install:
    """One installation in a temporary folder: its own database, secrets and backups."""

    def __init__(self, base: Path):
        base.mkdir(parents=True, exist_ok=True)
        self.db_path = base / "civic.duckdb"
        self.secrets_path = base / "secrets" / "secrets.toml"
        self.backup_dir = base / "backups"
        self.env = {**os.environ, "CIVIC_DB_PATH": str(self.db_path), "CIVIC_SECRETS_PATH": str(self.secrets_path),
                    "CIVIC_BACKUP_DIR": str(self.backup_dir), "CIVIC_DEMO": "0", "PYTHONPATH": str(ROOT)}
        self.first_init: subprocess.CompletedProcess | None = None
        self.saved: Path | None = None  # a backup made by ``backup``

    def run(self, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "dashboard", *args], cwd=ROOT, env=self.env, input=stdin,
                              capture_output=True, text=True, timeout=60)

    def cookie_key(self) -> str:
        return tomllib.loads(self.secrets_path.read_text(encoding="utf-8"))["auth"]["cookie_key"]


@pytest.fixture(scope="module")
def centre(tmp_path_factory) -> Install:
    """An installation set up once with ``init`` (each CLI run costs a second of imports)."""
    install = Install(tmp_path_factory.mktemp("centrum"))
    install.first_init = install.run("init")
    assert install.first_init.returncode == 0, install.first_init.stderr
    return install


def test_init_creates_the_database_and_a_private_secrets_file(centre):
    assert centre.db_path.is_file()
    mode = stat.S_IMODE(centre.secrets_path.stat().st_mode)
    assert mode == 0o600, oct(mode)
    assert len(centre.cookie_key()) >= 32


def test_init_reports_the_schema_version(centre):
    assert f"schema version {code_schema_version()}" in centre.first_init.stdout
    assert "demo" not in centre.first_init.stdout.lower()  # CIVIC_DEMO=0: no demo logins printed


def test_two_installations_get_different_cookie_keys(centre, tmp_path):
    other = Install(tmp_path / "drugie-centrum")
    assert other.run("init").returncode == 0
    assert centre.cookie_key() != other.cookie_key()


def test_running_init_again_keeps_the_key_and_changes_nothing(centre):
    key = centre.cookie_key()
    result = centre.run("init")
    assert result.returncode == 0
    assert "up to date" in result.stdout
    assert centre.cookie_key() == key


def test_user_add_reads_the_password_from_stdin(centre):
    result = centre.run("user", "add", "Ewa", "--role", "admin", "--name", "Ewa Nowak",
                        "--email", "ewa@example.org", "--password-stdin", stdin="Piotrkowska-104\n")

    assert result.returncode == 0, result.stderr
    assert "ewa (admin) created" in result.stdout
    db = get_database(centre.db_path)
    try:
        full_name, role, password_hash = db.one(
            "select full_name, role, password_hash from app_user where username = 'ewa'")
        assert (full_name, role) == ("Ewa Nowak", "admin")
        assert bcrypt.checkpw(b"Piotrkowska-104", password_hash.encode("ascii"))
    finally:
        close_database(centre.db_path)


def test_a_short_password_is_explained_without_a_traceback(centre):
    result = centre.run("user", "add", "jan", "--role", "staff", "--password-stdin", stdin="krótkie\n")
    assert result.returncode == 1
    assert result.stderr.startswith("password:")
    assert "12" in result.stderr
    assert "Traceback" not in result.stderr


def test_check_prints_the_schema_version(centre):
    result = centre.run("check")
    assert result.returncode == 0, result.stderr
    version = code_schema_version()
    assert f"Schema version: {version} (code knows {version})" in result.stdout
    assert "Integrity: ok" in result.stdout


def test_check_of_a_missing_file_says_so_and_creates_nothing(tmp_path):
    nowhere = Install(tmp_path / "literowka")

    result = nowhere.run("check")

    assert result.returncode != 0
    assert "no database file" in result.stderr and "Traceback" not in result.stderr
    assert not nowhere.db_path.exists()


HOLD_THE_FILE = ("import duckdb, sys, time\n"
                 "con = duckdb.connect(sys.argv[1])\nprint('open', flush=True)\ntime.sleep(120)\n")


@pytest.fixture(scope="module")
def app_holding_the_file(tmp_path_factory):
    """An installation with a backup, whose database another process holds open (as the running app would)."""
    install = Install(tmp_path_factory.mktemp("zajete"))
    assert install.run("init").returncode == 0
    assert install.run("backup").returncode == 0
    [install.saved] = install.backup_dir.glob("civic-*.duckdb")
    holder = subprocess.Popen([sys.executable, "-c", HOLD_THE_FILE, str(install.db_path)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        yield install
    finally:
        holder.kill()
        holder.wait(timeout=10)


@pytest.mark.parametrize("command", [["check"], ["init"], ["user", "list"], ["backup"], ["restore", "SAVED"]])
def test_while_the_app_holds_the_file_the_cli_says_so_in_one_sentence(app_holding_the_file, command):
    args = [str(app_holding_the_file.saved) if arg == "SAVED" else arg for arg in command]

    result = app_holding_the_file.run(*args)

    assert result.returncode != 0
    assert "in use" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert list(app_holding_the_file.db_path.parent.glob("civic.replaced-*")) == []

