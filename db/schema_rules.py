"""Schema rule: a table that a foreign key points to keeps no column that DuckDB would move on UPDATE.

The trap (DuckDB 2.0, measured; stack-notes §7): an UPDATE that sets a column DuckDB indexes (PRIMARY KEY,
UNIQUE, FOREIGN KEY, CREATE INDEX) or a nested column (LIST, ARRAY, MAP, UNION, or a STRUCT holding one)
is executed as delete + insert of the row. If any foreign key points INTO that table, the delete is
refused ("Violates foreign key constraint") even when the id does not change. So once a row has been
referenced (an organisation with a booking), every later edit of such a column crashes.

THE RULE. In every table that some foreign key references, the only "row-moving" columns are
  * the referenced key itself (its id or code: never updated, the foreign keys pointing at it forbid that
    anyway), and
  * the columns listed in ``NEVER_UPDATED``, each with the reason no service ever updates it;
and no UPDATE in the code (``update <table> set ...`` or ``... on conflict ... do update set ...``) sets
any row-moving column of a referenced table.

How to satisfy it when adding a table or a column: a referenced table gets no FOREIGN KEY / UNIQUE /
LIST column that can be edited; keep the column plain and check the reference (or the uniqueness) in the
service, inside the write's transaction, with a message next to the field (migrations 0002–0005 and
0008 do so: resource.name, event.resource_id, initiative.*, organisation.legal_form). Or let no foreign
key point to the table (volunteer, whose skills are a LIST: the services check its references).
``violations`` lists what breaks the first part; tests/unit/test_schema_rules.py runs it on the migrated
schema and checks the second part by scanning the UPDATE statements under dashboard/ (``update_targets``).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass

# Row-moving columns of referenced tables that no service updates: (table, column) -> why.
# tests/unit/test_schema_rules.py proves no UPDATE in the code sets them; an entry that no longer names a
# row-moving column of a referenced table is reported as stale.
NEVER_UPDATED: dict[tuple[str, str], str] = {
    ("booking_series", "resource_id"):
        "a series never moves to another room: it is cancelled (cancel_series) and a new one created",
    ("booking_series", "organisation_id"):
        "a series never changes hands: it is cancelled and a new one created",
    ("event_session", "event_id"):
        "a session belongs to its event for good; moving it changes only its times and booking",
    ("enrolment", "event_id"):
        "an enrolment is never moved to another event: it is cancelled and the person enrolled again",
    ("enrolment", "organisation_id"):
        "an enrolment is not edited after it is made (only cancelled, promoted, or its attendance marked)",
}

# Types DuckDB updates by delete + insert (a STRUCT only when it holds one of them).
_NESTED = re.compile(r"\[|\bMAP\(|\bUNION\(", re.IGNORECASE)


@dataclass(frozen=True)
class RowMoving:
    table: str
    column: str
    why: tuple[str, ...]      # 'PRIMARY KEY', 'UNIQUE', 'FOREIGN KEY', 'INDEX', 'LIST'


def _current(cur) -> str:
    return cur.execute("select current_database()").fetchone()[0]


def referenced_keys(cur) -> dict[str, set[str]]:
    """Table -> its columns that some foreign key references (only tables that are referenced)."""
    keys: dict[str, set[str]] = {}
    for table, columns in cur.execute(
            "select referenced_table, referenced_column_names from duckdb_constraints() "
            "where constraint_type = 'FOREIGN KEY' and database_name = ? and schema_name = 'main'",
            [_current(cur)]).fetchall():
        keys.setdefault(table, set()).update(columns)
    return keys


def row_moving_columns(cur) -> dict[tuple[str, str], RowMoving]:
    """Every column of every table that DuckDB would update by delete + insert."""
    database = _current(cur)
    found: dict[tuple[str, str], set[str]] = {}
    for table, kind, columns in cur.execute(
            "select table_name, constraint_type, constraint_column_names from duckdb_constraints() "
            "where constraint_type in ('PRIMARY KEY', 'UNIQUE', 'FOREIGN KEY') and database_name = ? "
            "and schema_name = 'main'", [database]).fetchall():
        for column in columns:
            found.setdefault((table, column), set()).add(kind)
    table_columns: dict[str, list[str]] = {}
    for table, column, data_type in cur.execute(
            "select table_name, column_name, data_type from duckdb_columns() where database_name = ? "
            "and schema_name = 'main' and not internal", [database]).fetchall():
        table_columns.setdefault(table, []).append(column)
        if _NESTED.search(data_type):
            found.setdefault((table, column), set()).add("LIST")
    for table, expressions in cur.execute(
            "select table_name, coalesce(expressions, sql, '') from duckdb_indexes() where database_name = ? "
            "and schema_name = 'main'", [database]).fetchall():
        for column in table_columns.get(table, []):  # every column the index expression names
            if re.search(r"(?<![\w\"])\"?" + re.escape(column) + r"\"?(?![\w\"])", str(expressions), re.I):
                found.setdefault((table, column), set()).add("INDEX")
    return {key: RowMoving(key[0], key[1], tuple(sorted(why))) for key, why in found.items()}


def violations(cur, never_updated: dict[tuple[str, str], str] | None = None) -> list[str]:
    """What breaks the rule in the database ``cur`` is connected to, one plain sentence each ([] if none)."""
    never_updated = NEVER_UPDATED if never_updated is None else never_updated
    keys = referenced_keys(cur)
    moving = row_moving_columns(cur)
    problems = []
    for (table, column), info in sorted(moving.items()):
        if table not in keys or column in keys[table] or (table, column) in never_updated:
            continue
        problems.append(
            f"{table}.{column} ({', '.join(info.why)}) is in a table that foreign keys point to: an UPDATE of it is "
            f"a delete + insert that DuckDB refuses once the row is referenced. Drop the constraint and check it in "
            f"the service, or list it in NEVER_UPDATED with the reason no service updates it.")
    for table, column in sorted(never_updated):
        if table not in keys or (table, column) not in moving or column in keys[table]:
            problems.append(f"NEVER_UPDATED lists {table}.{column}, which is not a row-moving column of a referenced "
                            f"table (any more): remove the entry.")
    return problems


# -- the UPDATE statements of the code -------------------------------------------------------------------
_UPDATE = re.compile(r"\bupdate\s+\"?(\w+)\"?\s+set\b", re.IGNORECASE)
_UPSERT = re.compile(r"\bdo\s+update\s+set\b", re.IGNORECASE)
_INSERT = re.compile(r"\binsert\s+into\s+\"?(\w+)\"?", re.IGNORECASE)
_REPLACE = re.compile(r"\binsert\s+or\s+replace\s+into\s+\"?(\w+)\"?", re.IGNORECASE)
_SET_END = re.compile(r"\bwhere\b|\breturning\b|;", re.IGNORECASE)
_ASSIGNED = re.compile(r"(?:^|,)\s*\"?(\w+)\"?\s*=(?!=)")
_CODE = "\x00"   # stands for a part of the SQL text that is computed, not written out


@dataclass(frozen=True)
class UpdateTarget:
    table: str
    columns: frozenset[str] | None   # None: the SET clause is (partly) built in code, so unreadable here
    line: int
    replaces: bool = False           # INSERT OR REPLACE: a delete + insert of the whole row


def update_targets(source: str) -> Iterator[UpdateTarget]:
    """The table and SET columns of every UPDATE, upsert (``do update set``) and INSERT OR REPLACE in a
    Python module's text.

    Reads the module's string expressions (literals split over lines are one constant; ``+`` and f-strings
    are followed, the computed parts marked), so SQL written over several lines is read whole.
    """
    tree = ast.parse(source)
    inside = {id(child) for node in ast.walk(tree) if _is_text(node)
              for child in ast.iter_child_nodes(node) if _is_text(child)}
    for node in ast.walk(tree):
        if not _is_text(node) or id(node) in inside:
            continue
        text = _flatten(node)
        if text == _CODE or not re.search(r"\b(update|replace)\b", text, re.IGNORECASE):
            continue
        for match in _UPDATE.finditer(text):
            yield _target(text, match.group(1), match.end(), node.lineno)
        for match in _UPSERT.finditer(text):
            inserts = list(_INSERT.finditer(text, 0, match.start()))  # the upsert's own INSERT: the last before it
            yield _target(text, inserts[-1].group(1) if inserts else "?", match.end(), node.lineno)
        for match in _REPLACE.finditer(text):
            yield UpdateTarget(match.group(1).lower(), None, node.lineno, replaces=True)


def _is_text(node: ast.AST) -> bool:
    return ((isinstance(node, ast.Constant) and isinstance(node.value, str)) or isinstance(node, ast.JoinedStr)
            or (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add)))


def _flatten(node: ast.AST) -> str:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(_flatten(part) if isinstance(part, ast.Constant) else _CODE for part in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _flatten(node.left) + _flatten(node.right)
    return _CODE


def _target(text: str, table: str, start: int, line: int) -> UpdateTarget:
    end = _SET_END.search(text, start)
    clause = text[start:end.start() if end else len(text)]
    columns = None if _CODE in clause else frozenset(c.lower() for c in _ASSIGNED.findall(clause))
    return UpdateTarget(table.lower(), columns, line)
