"""Roles are enforced in the services, not only in the menus.

The city coordinator reads everything but writes nothing: every write service refuses her
with PermissionDenied even when the UI is bypassed, and leaves no trace (no row changed, no
audit row, no backup file). Centre staff enter data but do not manage accounts or backups.
Administrators may do all of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from dashboard.core.errors import PermissionDenied
from dashboard.core.roles import PERMISSIONS, ROLES, allows
from dashboard.services.admin import backup, users
from dashboard.services.register import organisations

STRONG_PASSWORD = "Manufaktura-1872"


@dataclass
class World:
    """A small Centre: one staff account and one organisation, made by the admin."""

    db: object
    backups: Path
    organisation_id: int


@pytest.fixture
def world(db, admin, make_user, zielona, tmp_path) -> World:
    make_user("ewa.kowalska", role="staff")
    organisation_id = organisations.create(db, admin, zielona)
    return World(db, tmp_path / "backups", organisation_id)


# name -> (call(world, actor), the audit row an allowed call leaves: (action, entity, entity_id(world)),
# where an entity_id of None means "whatever id the new record got").
WRITES = {
    "users.add_user": (
        lambda w, actor: users.add_user(w.db, actor, username="jan.nowak", full_name="Jan Nowak",
                                        role="staff", password=STRONG_PASSWORD),
        ("create", "user", lambda w: "jan.nowak")),
    "users.update_user": (
        lambda w, actor: users.update_user(w.db, actor, "ewa.kowalska", full_name="Ewa Nowak-Kowalska"),
        ("update", "user", lambda w: "ewa.kowalska")),
    "users.deactivate_user": (
        lambda w, actor: users.deactivate_user(w.db, actor, "ewa.kowalska"),
        ("update", "user", lambda w: "ewa.kowalska")),
    "users.set_password": (
        lambda w, actor: users.set_password(w.db, actor, "ewa.kowalska", STRONG_PASSWORD),
        ("password_reset", "user", lambda w: "ewa.kowalska")),
    "organisations.create": (
        lambda w, actor: organisations.create(w.db, actor, {"name": "Stowarzyszenie Księży Młyn",
                                                            "legal_form": "stowarzyszenie"}),
        ("create", "organisation", None)),
    "organisations.update": (
        lambda w, actor: organisations.update(w.db, actor, w.organisation_id,
                                              {"name": "Fundacja Zielona Łódź", "legal_form": "fundacja",
                                               "phone": "601 234 567"}),
        ("update", "organisation", lambda w: str(w.organisation_id))),
    "backup.create_backup": (
        lambda w, actor: backup.create_backup(w.db, actor, w.backups),
        ("backup", "database", None)),
}
USER_MANAGEMENT = [name for name in WRITES if name.startswith("users.")] + ["backup.create_backup"]
DATA_ENTRY = ["organisations.create", "organisations.update"]


def snapshot(w: World) -> dict:
    """Everything a write could touch: the rows of every written table, and the backup folder."""
    return {
        "app_user": w.db.rows("select * from app_user order by username"),
        "organisation": w.db.rows("select * from organisation order by id"),
        "audit_log": w.db.rows("select * from audit_log order by id"),
        "backups": sorted(p.name for p in w.backups.glob("*")) if w.backups.exists() else [],
    }


@pytest.mark.parametrize("name", list(WRITES))
def test_the_coordinator_is_refused_every_write_and_nothing_is_written(world, coordinator, name):
    call, _ = WRITES[name]
    before = snapshot(world)

    with pytest.raises(PermissionDenied) as caught:
        call(world, coordinator)

    assert caught.value.message.key == "error.permission"
    assert caught.value.message.params == {"role": "coordinator"}
    assert snapshot(world) == before
    assert world.db.scalar("select count(*) from audit_log where username = ?", [coordinator.username]) == 0


@pytest.mark.parametrize("name", USER_MANAGEMENT)
def test_staff_are_refused_accounts_and_backups(world, staff, name):
    call, _ = WRITES[name]
    before = snapshot(world)

    with pytest.raises(PermissionDenied):
        call(world, staff)

    assert snapshot(world) == before


@pytest.mark.parametrize("name", DATA_ENTRY)
def test_staff_enter_and_edit_organisations(world, staff, name):
    call, (action, entity, _) = WRITES[name]
    call(world, staff)
    assert world.db.rows(
        "select action, entity from audit_log where username = ? order by id", [staff.username]
    ) == [(action, entity)]


@pytest.mark.parametrize("name", list(WRITES))
def test_the_admin_may_do_every_write_and_it_is_audited(world, admin, name):
    call, (action, entity, entity_id) = WRITES[name]
    last_id = world.db.scalar("select max(id) from audit_log")

    call(world, admin)

    new_rows = world.db.rows(
        "select username, action, entity, entity_id from audit_log where id > ? order by id", [last_id])
    assert len(new_rows) == 1
    username, got_action, got_entity, got_id = new_rows[0]
    assert (username, got_action, got_entity) == (admin.username, action, entity)
    if entity_id is not None:
        assert got_id == entity_id(world)


def test_the_coordinator_may_read_and_search_the_register(world, coordinator):
    found = organisations.search(world.db, coordinator, text="zielona")
    assert list(found["name"]) == ["Fundacja Zielona Łódź"]
    assert organisations.get(world.db, coordinator, world.organisation_id)["nip"] == "8567346215"


def test_only_the_admin_lists_accounts(world, admin, staff, coordinator):
    assert "ewa.kowalska" in set(users.list_users(world.db, admin)["username"])
    for actor in (staff, coordinator):
        with pytest.raises(PermissionDenied):
            users.list_users(world.db, actor)


def test_the_permission_table_matches_the_readme():
    assert set(PERMISSIONS) == set(ROLES)
    assert not allows("coordinator", "write") and not allows("coordinator", "personal")
    assert allows("coordinator", "audit") and allows("coordinator", "export")
    assert not allows("staff", "users") and not allows("staff", "settings") and not allows("staff", "audit")
    assert PERMISSIONS["staff"] < PERMISSIONS["admin"]
    assert not allows("intruder", "read")
