"""Local initiatives (inicjatywa lokalna, UDPP art. 19b–19h): the application and its money.

Residents propose a task; the city does not pay them a grant but buys goods and services
itself (the city's part), while residents contribute social work, goods in kind and money.
This module validates and stores the application and values the contribution; the stages
live in ``stages``, scoring/support/documents in ``extras`` and the
read models for the views in ``views``.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from dashboard.core import clock, privacy, validators
from dashboard.core.converters import as_int
from dashboard.core.errors import Conflict, Errors, NotFound
from dashboard.core.roles import Actor, require
from dashboard.services.admin import app_settings, audit
from db.connection import Database

RATE_SETTING = "initiative_social_work_rate_pln"
FIELDS = ("title", "description", "sphere", "osiedle_id", "applicant_kind", "organisation_id", "leader_name",
          "leader_email", "leader_phone", "supporters", "partners", "planned_start", "planned_end",
          "city_part_pln", "city_part_description", "social_work_hours", "social_work_rate_pln",
          "in_kind_pln", "in_kind_description", "money_pln")
_AMOUNTS = ("city_part_pln", "social_work_hours", "social_work_rate_pln", "in_kind_pln", "money_pln")
_TEXTS = (("title", 200, True), ("description", 4000, False), ("partners", 1000, False),
          ("city_part_description", 2000, False), ("in_kind_description", 2000, False))
_CENT = Decimal("0.01")
MAX_SUPPORTERS = 1_000_000  # more than the city's residents
_MAX_AMOUNT = Decimal("9999999999.99")
_SELECT = ("select i.*, s.name_pl as sphere_pl, s.name_en as sphere_en, o.name as osiedle, "
           "g.name as organisation, st.closed as stage_closed from initiative i "
           "join initiative_sphere s on s.code = i.sphere join initiative_stage st on st.code = i.stage "
           "join osiedle o on o.id = i.osiedle_id left join organisation g on g.id = i.organisation_id "
           "where i.id = ?")


def spheres(db: Database) -> list[dict]:
    """The art. 19b areas (codes with Polish and English names), in the law's order."""
    return db.dicts("select code, legal_basis, name_pl, name_en from initiative_sphere where active order by sort")


def amount(value: object) -> Decimal:
    """A non-negative amount (PLN or hours) to the grosz; '' and None are 0.

    Decimal, not float, so 120 h × 30 zł is exactly 3 600,00 zł in every total.
    Raises ``InvalidValue`` so the caller can attach it to its field.
    """
    if value is None or value == "":
        return Decimal("0.00")
    if isinstance(value, bool):
        raise validators.InvalidValue("error.amount_invalid")
    try:
        number = Decimal(str(value).replace(" ", "").replace("\u00a0", "").replace(",", "."))
    except InvalidOperation:
        raise validators.InvalidValue("error.amount_invalid") from None
    if not number.is_finite():
        raise validators.InvalidValue("error.amount_invalid")
    if number < 0:
        raise validators.InvalidValue("error.amount_negative")
    if number > _MAX_AMOUNT:
        raise validators.InvalidValue("error.amount_invalid")
    return number.quantize(_CENT)


def default_rate(db: Database) -> Decimal:
    """The valuation of one hour of social work unless the initiative sets its own (the agreement's rate)."""
    return Decimal(str(app_settings.get_setting(db, RATE_SETTING))).quantize(_CENT)


def validate(db: Database, data: dict) -> dict:
    """Normalise every field or raise ValidationError with one message per field; nothing is written."""
    errors, clean = Errors(), {}
    _texts(data, errors, clean)
    _reference(db, data, errors, clean)
    _applicant(db, data, errors, clean)
    _money(db, data, errors, clean)
    _dates_and_counts(data, errors, clean)
    errors.raise_if_any()
    return clean


def _take(errors: Errors, clean: dict, field: str, fn, *args, **kwargs) -> None:
    try:
        clean[field] = fn(*args, **kwargs)
    except validators.InvalidValue as exc:
        errors.add(field, exc.key, **exc.params)


def _texts(data: dict, errors: Errors, clean: dict) -> None:
    for field, limit, required in _TEXTS:
        _take(errors, clean, field, validators.clean_text, data.get(field), limit, required=required)


def _reference(db: Database, data: dict, errors: Errors, clean: dict) -> None:
    """The sphere must be a known art. 19b area and the osiedle one that is valid today."""
    sphere = data.get("sphere")
    if not isinstance(sphere, str) or not db.scalar(
            "select count(*) from initiative_sphere where code = ? and active", [sphere]):
        errors.add("sphere", "error.sphere_unknown")
    clean["sphere"] = sphere
    osiedle_id, today = as_int(data.get("osiedle_id")), clock.today()
    if osiedle_id is None or not db.scalar(
            "select count(*) from osiedle where id = ? and valid_from <= ? and (valid_to is null or valid_to >= ?)",
            [osiedle_id, today, today]):
        errors.add("osiedle_id", "error.osiedle_unknown")
    clean["osiedle_id"] = osiedle_id


def _applicant(db: Database, data: dict, errors: Errors, clean: dict) -> None:
    """An informal group needs a leader and a way to reach them; an organisation must be registered."""
    kind = data.get("applicant_kind")
    clean.update(applicant_kind=kind, organisation_id=None, leader_name=None, leader_email=None, leader_phone=None)
    if kind == "organisation":
        org_id = as_int(data.get("organisation_id"))
        if org_id is None or not db.scalar("select count(*) from organisation where id = ?", [org_id]):
            errors.add("organisation_id", "error.organisation_unknown")
        clean["organisation_id"] = org_id
    elif kind == "group":
        _take(errors, clean, "leader_name", validators.clean_text, data.get("leader_name"), 120, required=True)
        _take(errors, clean, "leader_email", validators.email, data.get("leader_email"))
        _take(errors, clean, "leader_phone", validators.phone, data.get("leader_phone"))
        if "leader_email" not in errors.errors and "leader_phone" not in errors.errors \
                and not clean["leader_email"] and not clean["leader_phone"]:
            errors.add("leader_email", "error.contact_required")
    else:
        errors.add("applicant_kind", "error.applicant_kind")


def _money(db: Database, data: dict, errors: Errors, clean: dict) -> None:
    for field in _AMOUNTS:
        _take(errors, clean, field, amount, data.get(field))
    if data.get("social_work_rate_pln") in (None, "") and "social_work_rate_pln" not in errors.errors:
        clean["social_work_rate_pln"] = default_rate(db)


def _dates_and_counts(data: dict, errors: Errors, clean: dict) -> None:
    supporters = data.get("supporters")
    if supporters in (None, ""):
        clean["supporters"] = 0
    elif isinstance(supporters, bool) or as_int(supporters) is None or as_int(supporters) < 0:
        errors.add("supporters", "error.supporters_invalid")
    elif as_int(supporters) > MAX_SUPPORTERS:  # 10**18 would reach the INTEGER column as a ConversionException
        errors.add("supporters", "initiatives.error.supporters_too_many", max=MAX_SUPPORTERS)
    else:
        clean["supporters"] = as_int(supporters)
    for field in ("planned_start", "planned_end"):
        value = data.get(field)
        if value in (None, ""):
            clean[field] = None
        elif not isinstance(value, date):
            errors.add(field, "error.date_format")
        else:
            clean[field] = value
    start, end = clean.get("planned_start"), clean.get("planned_end")
    if start and end and end < start:
        errors.add("planned_end", "error.end_before_start")


def money_totals(row: dict) -> dict[str, Decimal]:
    """The valuation of one initiative: social work at hours × rate, the residents' total and their share.

    ``own_share`` is the residents' part of the whole (residents + city), 0..1, as the
    criterion "share of own contribution" reads it.
    """
    social = (Decimal(row["social_work_hours"]) * Decimal(row["social_work_rate_pln"])).quantize(_CENT)
    residents = social + Decimal(row["in_kind_pln"]) + Decimal(row["money_pln"])
    city = Decimal(row["city_part_pln"])
    whole = residents + city
    share = (residents / whole).quantize(Decimal("0.0001")) if whole else Decimal("0")
    return {"social_work_pln": social, "in_kind_pln": Decimal(row["in_kind_pln"]),
            "money_pln": Decimal(row["money_pln"]), "residents_pln": residents, "city_pln": city,
            "total_pln": whole, "own_share": share}


def create(db: Database, actor: Actor, data: dict) -> int:
    """Register a submitted application: the first history row says who entered it and when."""
    require(actor, "write")
    clean = validate(db, data)
    now, local = clock.utc_now(), clock.local_now()

    def work(cur):
        cur.execute(
            "insert into initiative (" + ", ".join(FIELDS) + ", stage, stage_since, submitted_on, created_at, "
            "created_by, updated_at) values (" + ", ".join("?" * len(FIELDS)) + ", 'submitted', ?, ?, ?, ?, ?) "
            "returning id", [clean[f] for f in FIELDS] + [local, local.date(), now, actor.username, now])
        new_id = cur.fetchone()[0]
        cur.execute("insert into initiative_history (initiative_id, from_stage, to_stage, at_local, username, note) "
                    "values (?, null, 'submitted', ?, ?, null)", [new_id, local, actor.username])
        audit.record(cur, actor.username, "create", "initiative", new_id, None, clean)
        return new_id

    return db.write(work)


def update(db: Database, actor: Actor, initiative_id: int, data: dict) -> None:
    """Correct the application's data (not its stage); the audit keeps only what changed.

    A closed initiative (settled, rejected, withdrawn) is a record of what happened, so its
    data no longer changes.
    """
    require(actor, "write")
    clean = validate(db, data)

    def work(cur):
        before = fetch(cur, initiative_id)
        cur.execute("select closed from initiative_stage where code = ?", [before["stage"]])
        if cur.fetchone()[0]:
            raise Conflict("initiatives.error.closed_no_edit", stage=before["stage"])
        cur.execute("update initiative set " + ", ".join(f + " = ?" for f in FIELDS) + ", updated_at = ? where id = ?",
                    [clean[f] for f in FIELDS] + [clock.utc_now(), before["id"]])
        old, new = audit.changed({f: before[f] for f in FIELDS}, clean)
        if new:
            audit.record(cur, actor.username, "update", "initiative", before["id"], old, new)

    db.write(work)


def fetch(cur, initiative_id: int) -> dict:
    """The initiative row read on the caller's cursor (inside its transaction), or NotFound."""
    cur.execute("select * from initiative where id = ?", [as_int(initiative_id) or -1])
    row = cur.fetchone()
    if row is None:
        raise NotFound("error.initiative_not_found", id=initiative_id)
    return dict(zip([d[0] for d in cur.description], row))


def get_row(db: Database, actor: Actor, initiative_id: int) -> dict:
    """The initiative with names of its sphere, osiedle and organisation, and whether its stage is closed
    (``stage_closed``); contact masked for the coordinator."""
    require(actor, "read")
    rows = db.dicts(_SELECT, [as_int(initiative_id) or -1])
    if not rows:
        raise NotFound("error.initiative_not_found", id=initiative_id)
    row = rows[0]
    row["leader_email"] = privacy.show(row["leader_email"], "email", actor) or None
    row["leader_phone"] = privacy.show(row["leader_phone"], "phone", actor) or None
    return row
