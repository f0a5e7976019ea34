"""The demo volunteer register keeps the register's own rules (art. 44–46, minors, children, hours) and is the
same on every run: it is what the pages, the report and the benchmark are shown on."""

from __future__ import annotations

from datetime import datetime

import pytest

from dashboard import demo
from dashboard.core import clock
from dashboard.demo import initiatives, people, volunteers
from dashboard.services.volunteers import gdpr
from db.connection import close_database, get_database, migrate
from tests.conftest import STAFF

NOW = datetime(2026, 11, 2, 8, 0, tzinfo=clock.WARSAW)
TABLES = ("volunteer", "volunteer_consent", "volunteer_agreement", "volunteer_opportunity", "volunteer_assignment",
          "volunteer_hours", "volunteer_document")


def _filled(path) -> object:
    """Organisations and initiatives first (opportunities come from them), then the volunteers."""
    db = get_database(path)
    migrate(db)
    for filler in (people.fill, initiatives.fill, volunteers.fill):
        filler(db, demo.SEED + demo.FILLERS.index(filler), 0.5)
    return db


@pytest.fixture
def register(tmp_path):
    clock.freeze(NOW)
    db = _filled(tmp_path / "a.duckdb")
    yield db
    close_database(tmp_path / "a.duckdb")


def _fingerprint(db) -> tuple:
    counts = tuple(db.scalar("select count(*) from " + table) for table in TABLES)
    people_hash = db.scalar("select sum(hash(first_name || last_name || coalesce(email, '') || status)) from volunteer")
    return counts, people_hash, db.scalar("select sum(hours) from volunteer_hours")


def test_the_same_register_on_every_run(register, tmp_path):
    again = _filled(tmp_path / "b.duckdb")
    try:
        assert _fingerprint(again) == _fingerprint(register)
    finally:
        close_database(tmp_path / "b.duckdb")
    counts = dict(zip(TABLES, _fingerprint(register)[0]))
    assert counts["volunteer"] == 200 and 3_000 <= counts["volunteer_hours"] <= 6_000


def test_minors_and_every_consent_state_are_present(register):
    minors = register.scalar("select count(*) from volunteer where birth_date > date '2026-11-02' - interval 18 year")
    assert minors >= 5
    assert register.scalar("select count(*) from volunteer v where birth_date > date '2026-11-02' - interval 18 year "
                           "and not exists (select 1 from volunteer_consent c where c.volunteer_id = v.id and "
                           "c.kind = 'guardian' and c.withdrawn_on is null)") > 0, "a minor waiting for a guardian"
    states = {(kind, withdrawn) for kind, withdrawn in register.rows(
        "select distinct kind, withdrawn_on is not null from volunteer_consent")}
    assert states == {(k, w) for k in ("processing", "photos", "newsletter", "guardian") for w in (False, True)}
    assert register.scalar("select count(*) from volunteer where anonymised_at is not null") > 0
    assert not gdpr.retention_review(register, STAFF).empty


def test_agreements_keep_the_act_on_volunteering(register):
    forms = {r[0] for r in register.rows("select distinct form from volunteer_agreement where status <> 'draft'")}
    assert forms == {"oral", "written"}
    assert register.scalar("select count(*) from volunteer_agreement where status <> 'draft' and "
                           "datediff('day', starts_on, ends_on) + 1 > 30 and (form <> 'written' or signed_on is null)") == 0
    assert register.scalar("select count(*) from volunteer_agreement where status <> 'draft' and "
                           "datediff('day', starts_on, ends_on) + 1 <= 30 and nnw_policy is null and waiver_reason is null") == 0
    assert register.scalar("select count(*) from volunteer_agreement where waiver_reason is not null") > 0
    assert register.scalar(
        "select count(*) from volunteer_agreement g join volunteer v on v.id = g.volunteer_id where g.status <> 'draft' "
        "and g.starts_on < v.birth_date + interval 18 year and not exists (select 1 from volunteer_consent c where "
        "c.volunteer_id = v.id and c.kind = 'guardian' and c.given_on <= g.starts_on and "
        "(c.withdrawn_on is null or c.withdrawn_on > g.starts_on))") == 0


def test_assignments_and_hours_keep_the_services_rules(register):
    hosts = {r[0] for r in register.rows("select distinct host_kind from volunteer_opportunity")}
    assert hosts == {"centre", "organisation", "initiative"}
    assert register.scalar(
        "select count(*) from volunteer_assignment a join volunteer_assignment b on a.volunteer_id = b.volunteer_id "
        "and a.id < b.id and a.status <> 'declined' and b.status <> 'declined' and a.starts_at < b.ends_at "
        "and a.ends_at > b.starts_at") == 0
    assert register.scalar(
        "select count(*) from volunteer_assignment a join volunteer_opportunity o on o.id = a.opportunity_id "
        "join volunteer v on v.id = a.volunteer_id where a.status <> 'declined' and o.with_children "
        "and not coalesce(v.child_check_ok, false)") == 0
    assert register.scalar(
        "select count(*) from volunteer_hours h join volunteer_assignment a on a.id = h.assignment_id "
        "join volunteer_agreement g on g.id = a.agreement_id where a.status <> 'confirmed' or h.work_date < g.starts_on "
        "or h.work_date > least(g.ends_on, coalesce(g.terminated_on, g.ends_on)) or h.work_date >= date '2026-11-02'") == 0
    assert register.scalar("select count(*) from (select volunteer_id, work_date from volunteer_hours "
                           "where status <> 'rejected' group by all having sum(hours) > 24)") == 0
    statuses = dict(register.rows("select status, count(*) from volunteer_hours group by 1"))
    assert statuses["approved"] > 5 * statuses["pending"] > 0
    months = register.scalar("select count(distinct date_trunc('month', work_date)) from volunteer_hours")
    assert months >= 12, "hours over a year"
