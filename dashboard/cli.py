"""Admin CLI: ``python -m dashboard init|demo|user|backup|restore|check``.

DuckDB lets one process hold the file. While the app runs, these commands cannot open it
and say so in one sentence; the app's own admin screens do the same jobs while it runs.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from dashboard.core import settings
from dashboard.core.errors import DomainError, ValidationError
from dashboard.core.i18n import translate
from dashboard.core.roles import ROLES, SYSTEM
from db.connection import DatabaseError


def _print_error(exc: DomainError) -> None:
    if isinstance(exc, ValidationError):
        for field, message in exc.errors.items():
            print(f"{field}: {translate('en', message.key, **message.params)}", file=sys.stderr)
    else:
        print(translate("en", exc.message.key, **exc.message.params), file=sys.stderr)


def cmd_init(args, config) -> int:
    from dashboard import bootstrap
    from dashboard.demo import DEMO_LOGINS

    prepared = bootstrap.prepare(config)
    version = prepared.db.schema_version()
    print(f"Database {config.db_path}: schema version {version}"
          + (f" (applied {', '.join(map(str, prepared.applied))})" if prepared.applied else " (up to date)"))
    if prepared.demo_filled:
        print("A new file: filled with demo data.")
    if config.demo:
        print("Demo logins (user / password / role), unless changed since:")
        for username, _name, role, password in DEMO_LOGINS:
            print(f"  {username:<12} {password:<24} {role}")
    return 0


def cmd_demo(args, config) -> int:
    from dashboard import bootstrap, demo

    config = settings.Config(**{**config.__dict__, "demo": False})
    db = bootstrap.prepare(config).db
    if db.scalar("select count(*) from organisation"):
        print("The database already holds data; demo data goes only into an empty file "
              "(set CIVIC_DB_PATH to a new file).", file=sys.stderr)
        return 1
    demo.fill(db, scale=args.scale)
    print(f"Demo data at scale {args.scale} written to {config.db_path}.")
    return 0


def _password(args) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password (at least 12 characters): ")
    second = getpass.getpass("Repeat the password: ")
    if first != second:
        raise SystemExit("The passwords differ; nothing was changed.")
    return first


def cmd_user(args, config) -> int:
    from dashboard import bootstrap
    from dashboard.services.admin import users

    db = bootstrap.prepare(settings.Config(**{**config.__dict__, "demo": False})).db
    if args.user_cmd == "add":
        users.add_user(db, SYSTEM, username=args.username, full_name=args.name or args.username,
                       role=args.role, password=_password(args), email=args.email)
        print(f"User {args.username.lower()} ({args.role}) created.")
    elif args.user_cmd == "passwd":
        users.set_password(db, SYSTEM, args.username, _password(args))
        print(f"Password of {args.username} changed; any lockout lifted.")
    elif args.user_cmd == "deactivate":
        users.deactivate_user(db, SYSTEM, args.username)
        print(f"User {args.username} deactivated.")
    elif args.user_cmd == "list":
        frame = users.list_users(db, SYSTEM)
        print(frame[["username", "full_name", "role", "active", "locked_until"]].to_string(index=False))
    return 0


def cmd_backup(args, config) -> int:
    from dashboard import bootstrap
    from dashboard.services.admin import backup

    db = bootstrap.prepare(settings.Config(**{**config.__dict__, "demo": False})).db
    path = backup.create_backup(db, SYSTEM, config.backup_dir if args.to is None else args.to)
    print(f"Backup written: {path}")
    return 0


def cmd_restore(args, config) -> int:
    """A refused restore says why in one sentence (exit 2) and leaves the database file as it was."""
    from dashboard.services.admin import backup

    try:
        report = backup.restore(config.db_path, args.file)
    except OSError as exc:  # a full disk or a folder the account may not write: still one sentence
        raise DatabaseError(f"The restore could not write next to {config.db_path} ({exc.strerror or exc}); "
                            "the database file was left as it was.") from exc
    print(report)
    return 0


def cmd_check(args, config) -> int:
    from dashboard.services.admin import backup
    from db.connection import code_schema_version, get_database

    if not config.db_path.exists():
        # Opening would create an empty file and report it as healthy: a typo in
        # CIVIC_DB_PATH must not pass for a working installation.
        raise DatabaseError(f"There is no database file at {config.db_path}: run `python -m dashboard init` first.")
    db = get_database(config.db_path)
    info = backup.inspect(db, read_all=True)  # every column of every row, not only the counts
    print(f"File: {config.db_path}")
    print(f"Schema version: {info['schema_version']} (code knows {code_schema_version()})")
    print(f"Integrity: {info['integrity']}")
    for table, rows in info["counts"].items():
        print(f"  {table:<28} {rows:>10}")
    return 0 if info["integrity"] == "ok" else 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m dashboard", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("init", help="create or migrate the database; demo data into a new file when CIVIC_DEMO=1")
    demo = sub.add_parser("demo", help="fill an empty database with demo data")
    demo.add_argument("--scale", type=float, default=1.0, help="volume multiplier (25 = city scale)")
    user = sub.add_parser("user", help="manage accounts")
    user_sub = user.add_subparsers(dest="user_cmd", required=True)
    add = user_sub.add_parser("add", help="create an account")
    add.add_argument("username")
    add.add_argument("--role", choices=ROLES, required=True)
    add.add_argument("--name", help="full name shown in the app")
    add.add_argument("--email")
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    passwd = user_sub.add_parser("passwd", help="set a new password")
    passwd.add_argument("username")
    passwd.add_argument("--password-stdin", action="store_true")
    deactivate = user_sub.add_parser("deactivate", help="block an account (its history stays)")
    deactivate.add_argument("username")
    user_sub.add_parser("list", help="list accounts")
    backup = sub.add_parser("backup", help="write a consistent copy of the database")
    backup.add_argument("--to", help="folder for the backup (default: CIVIC_BACKUP_DIR)")
    restore = sub.add_parser("restore", help="verify a backup, then put it in place of the database")
    restore.add_argument("file")
    sub.add_parser("check", help="schema version, integrity and row counts")
    return parser


COMMANDS = {"init": cmd_init, "demo": cmd_demo, "user": cmd_user, "backup": cmd_backup,
            "restore": cmd_restore, "check": cmd_check}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    config = settings.load()
    try:
        return COMMANDS[args.command](args, config)
    except DatabaseError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except DomainError as exc:
        _print_error(exc)
        return 1
