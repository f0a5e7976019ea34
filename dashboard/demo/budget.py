"""Demo actual costs of the pilot: what a small NGO operator books month by month against the plan.

Runs after the trainings filler (trainers' fees follow the trainings actually held) and, in the app's
order, after the volunteers filler (volunteer work is never a cost row: it is valued from the register).
Costs are dated from the pilot's start up to today (never in the future), inside the pilot period, so they
pass the same rules as costs typed in on the Budget page. Deterministic for a given day.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import pandas as pd

from dashboard.core import clock
from dashboard.services.admin import audit
from dashboard.services.reporting import budget
from db.connection import Database

CREATED_BY = "recepcja"
_MONTHS_PL = ("styczeń", "luty", "marzec", "kwiecień", "maj", "czerwiec", "lipiec", "sierpień", "wrzesień",
              "październik", "listopad", "grudzień")
# (category, source, description, document prefix, amount): booked every month of the pilot.
_MONTHLY = [
    ("coordination", "city_grant", "Wynagrodzenie koordynatora Centrum", "LP", 7000),
    ("coordination", "own_financial", "Telefon i internet koordynatora", "FV", 480),
    ("trainers", "city_grant", "Dyżury doradcze: prawnik i księgowa", "RACH", 1500),
    ("room", "city_grant", "Media: energia i ogrzewanie sali", "FV", 1150),
    ("room", "in_kind", "Udostępnienie sali operatora (wycena miesięczna)", "WYC", 1500),
    ("administration", "city_grant", "Obsługa księgowa zadania", "FV", 1200),
    ("administration", "own_financial", "Opłaty bankowe", "NB", 40),
]
# Booked once, in the month given (0 = the pilot's first month).
_ONCE = [
    (0, "room", "city_grant", "Zakup krzeseł konferencyjnych (20 szt.)", "FV", 4200),
    (0, "room", "city_grant", "Laptop do stanowiska komputerowego", "FV", 3100),
    (0, "promotion", "city_grant", "Druk ulotek i plakatów o usługach Centrum", "FV", 1400),
    (0, "promotion", "city_grant", "Roll-up i tablica informacyjna", "FV", 900),
    (0, "promotion", "own_financial", "Domena i hosting strony Centrum (rok)", "FV", 240),
    (0, "administration", "own_financial", "Ubezpieczenie OC działalności", "POL", 600),
    (2, "promotion", "city_grant", "Kampania w mediach społecznościowych", "FV", 800),
    (4, "promotion", "city_grant", "Kampania w mediach społecznościowych", "FV", 800),
]
_SUPPLIES = ["Materiały biurowe", "Materiały szkoleniowe (segregatory, notesy)", "Toner do drukarki",
             "Woda i kawa na spotkania"]


def _months(start: date, end: date) -> list[date]:
    out, month = [], start.replace(day=1)
    while month <= end:
        out.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return out


def fill(db: Database, seed: int, scale: float) -> None:
    """The pilot's costs up to today: monthly lines, one-off purchases, supplies and trainers' fees.

    ``scale`` changes nothing by itself: one pilot has one budget; at city scale only the trainers' fees grow,
    with the trainings held.
    """
    rng = random.Random(seed)
    start, end = budget.pilot_period(db)
    today = clock.today()
    last = min(end, today)
    if last < start:
        return
    rows: list[dict] = []

    def add(day: date, category: str, source: str, description: str, prefix: str, amount: float) -> None:
        rows.append({"spent_on": min(max(day, start), last), "category_code": category, "source_code": source,
                     "amount_pln": round(float(amount), 2), "description": description, "prefix": prefix})

    for index, month in enumerate(_months(start, last)):
        label = f"{_MONTHS_PL[month.month - 1]} {month.year}"
        month_end = (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        for category, source, description, prefix, amount in _MONTHLY:
            if month_end <= last:  # a month's salary and bills are booked once it is over
                add(month_end, category, source, f"{description} — {label}", prefix, amount)
        for when, category, source, description, prefix, amount in _ONCE:
            if when == index:
                add(month + timedelta(days=rng.randint(2, 20)), category, source, description, prefix, amount)
        for _ in range(2):
            day = month + timedelta(days=rng.randint(0, 27))
            if day <= last:
                add(day, "administration", "city_grant", rng.choice(_SUPPLIES), "FV", rng.randint(60, 450))
    held = db.rows(
        "select e.title, max(s.ends_at)::date from event e join event_session s on s.event_id = e.id "
        "where e.event_type in ('training', 'specialist_meeting') and e.status <> 'cancelled' "
        "group by e.id, e.title having min(s.starts_at)::date >= ? and max(s.ends_at)::date <= ? order by 2, 1",
        [start, last])
    for title, day in held:
        add(day + timedelta(days=rng.randint(0, 5)), "trainers", "city_grant", f"Honorarium trenera: „{title}”",
            "RACH", rng.choice((600, 750, 900, 1050, 1200)))
    if not rows:
        return
    frame = pd.DataFrame(rows).sort_values(["spent_on", "prefix", "description"], kind="stable").reset_index(drop=True)
    month = frame["spent_on"].map(lambda d: d.strftime("%Y/%m"))
    number = frame.groupby([frame["prefix"], month]).cumcount() + 1  # documents numbered per kind and month
    frame["document_no"] = frame["prefix"] + "/" + month + "/" + number.map("{:03d}".format)

    def work(cur):
        now = clock.utc_now()
        cur.execute("select nextval('budget_cost_id_seq') from range(?)", [len(frame)])
        costs = frame.assign(id=[r[0] for r in cur.fetchall()], created_at=now, created_by=CREATED_BY, updated_at=now,
                             updated_by=CREATED_BY)
        cur.register("demo_costs", costs)
        cur.execute("insert into budget_cost (id, spent_on, category_code, source_code, amount_pln, description, "
                    "document_no, created_at, created_by, updated_at, updated_by) select id, spent_on, category_code, "
                    "source_code, amount_pln, description, document_no, created_at, created_by, updated_at, updated_by "
                    "from demo_costs")
        cur.unregister("demo_costs")
        audit.record(cur, "system", "demo_fill", "budget_cost", None, None, {"budget_cost": len(costs)})

    db.write(work, attempts=1)
