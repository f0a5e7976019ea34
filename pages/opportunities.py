"""Volunteer opportunities: what the Centre, NGOs and local initiatives need people for; staff post new ones.

``?initiative=<id>`` or ``?organisation=<id>`` opens the form with that host chosen (the initiative's
page links here to ask for volunteers).
"""

from datetime import date, datetime, time, timedelta

import streamlit as st

from dashboard.core import clock, exports
from dashboard.core.i18n import current_language, t
from dashboard.services.register import organisations
from dashboard.services.volunteers import register as vol
from dashboard.services.volunteers import work
from dashboard.ui import cells
from dashboard.ui import widgets as ui

db, actor = ui.db(), ui.actor()
FORM = "opportunity_new"
FIELDS = ("title", "description", "place", "start_day", "start_time", "end_day", "end_time", "skills", "needed",
          "with_children")
st.title(t("page.opportunities"))
ui.show_flash()
today = clock.today()

created = st.session_state.pop("_opportunity_created", None)
if created:
    ui.goto("oferta-wolontariatu", id=created)


def organisation_names() -> dict[int, str]:
    return dict(organisations.choices(db))


def initiative_names() -> dict[int, str]:
    return {i: f"{title} (nr {i})" for i, title in work.initiative_choices(db, actor)}

lang = current_language()
skill_table = vol.skills(db)
skill_names = dict(zip(skill_table["code"], skill_table["name_pl" if lang == "pl" else "name_en"]))


def key(field: str) -> str:
    return f"{FORM}__{field}"


def host_label(kind: str, name, kinds: dict[str, str]) -> str:
    """'Centrum Obywatelskie', or the host's name with what it is: 'Fundacja X (organizacja)'.

    ``kinds`` holds each kind already translated: the list calls this for up to 500 rows.
    """
    if isinstance(name, str) and name:
        return f"{name} ({kinds[kind].lower()})"
    return kinds[kind]


def _at(day, moment) -> datetime | None:
    """A date and a time from the form; a missing time means the day's start (the service checks the rest)."""
    return datetime.combine(day, moment or time()) if isinstance(day, date) else None


def submit() -> None:
    values = {field: st.session_state.get(key(field)) for field in FIELDS}
    data = {"title": values["title"], "description": values["description"], "place": values["place"],
            "starts_at": _at(values["start_day"], values["start_time"]),
            "ends_at": _at(values["end_day"], values["end_time"]), "skills": values["skills"] or [],
            "needed": values["needed"], "with_children": values["with_children"],
            "host_kind": st.session_state.get(key("host_kind")),
            "organisation_id": st.session_state.get(key("organisation_id")),
            "initiative_id": st.session_state.get(key("initiative_id"))}
    ok, new_id = ui.run_service(FORM, lambda: work.create_opportunity(db, actor, data))
    if ok:
        ui.flash(t("volunteer_work.opportunity_saved", id=new_id))
        for field in ("title", "description", "place", "skills"):
            st.session_state.pop(key(field), None)
        st.session_state["_opportunity_created"] = new_id


def apply_preset() -> bool:
    """Choose the host the link asked for (once per link), so the form opens ready to fill."""
    for kind, names in (("initiative", initiative_names), ("organisation", organisation_names)):
        raw = st.query_params.get(kind)
        if raw is None:
            continue
        choices = names()
        try:
            host_id = int(raw)
        except ValueError:
            host_id = None
        if host_id not in choices:
            st.warning(t(f"volunteer_work.preset_unknown.{kind}", id=raw))
            return False
        if st.session_state.get("_opportunity_preset") != (kind, host_id):
            st.session_state[key("host_kind")] = kind
            st.session_state[key(f"{kind}_id")] = host_id
            st.session_state["_opportunity_preset"] = (kind, host_id)
        st.info(t(f"volunteer_work.preset_note.{kind}", name=choices[host_id]))
        return True
    return False


if actor.can("write"):
    preset = apply_preset()
    for field, default in (("host_kind", "centre"), ("organisation_id", None), ("initiative_id", None), ("title", ""),
                           ("description", ""), ("place", ""), ("start_day", today + timedelta(days=7)),
                           ("start_time", time(10, 0)), ("end_day", today + timedelta(days=7)),
                           ("end_time", time(14, 0)), ("skills", []), ("needed", 2), ("with_children", False)):
        st.session_state.setdefault(key(field), default)
    with st.expander(t("volunteer_work.new_opportunity"), expanded=bool(preset or ui.form_errors(FORM)),
                     icon=":material/add_circle:"):
        ui.form_message(FORM)
        # The host is chosen outside the form, so the list of organisations or initiatives follows the choice.
        ui.field(FORM, "host_kind", st.radio, t("volunteer_work.host") + " *", list(work.HOSTS), horizontal=True,
                 format_func=lambda k: t(f"volunteer_work.host.{k}"))
        if st.session_state[key("host_kind")] == "organisation":  # the lists are read only when needed
            orgs = organisation_names()
            ui.field(FORM, "organisation_id", st.selectbox, t("volunteer_work.organisation") + " *", list(orgs),
                     format_func=orgs.get, placeholder=t("common.choose"))
        elif st.session_state[key("host_kind")] == "initiative":
            initiatives = initiative_names()
            ui.field(FORM, "initiative_id", st.selectbox, t("volunteer_work.initiative") + " *", list(initiatives),
                     format_func=initiatives.get, placeholder=t("common.choose"))
        with st.form(FORM, enter_to_submit=False):
            ui.field(FORM, "title", st.text_input, t("volunteer_work.title") + " *", max_chars=200)
            ui.field(FORM, "description", st.text_area, t("volunteer_work.description"), max_chars=4000)
            c1, c2, c3, c4 = st.columns(4)
            with c1:
                ui.field(FORM, "starts_at", st.date_input, t("volunteer_work.start_day") + " *", format="DD.MM.YYYY",
                         key=key("start_day"), min_value=date(2020, 1, 1))
            with c2:
                st.time_input(t("volunteer_work.start_time"), step=timedelta(minutes=15), key=key("start_time"))
            with c3:
                ui.field(FORM, "ends_at", st.date_input, t("volunteer_work.end_day") + " *", format="DD.MM.YYYY",
                         key=key("end_day"), min_value=date(2020, 1, 1))
            with c4:
                st.time_input(t("volunteer_work.end_time"), step=timedelta(minutes=15), key=key("end_time"))
            st.caption(t("volunteer_work.period_help"))
            ui.field(FORM, "place", st.text_input, t("volunteer_work.place"), max_chars=300)
            c1, c2 = st.columns([3, 1])
            with c1:
                ui.field(FORM, "skills", st.multiselect, t("volunteer_work.skills"), list(skill_names),
                         format_func=skill_names.get, placeholder=t("common.choose"))
            with c2:
                ui.field(FORM, "needed", st.number_input, t("volunteer_work.needed") + " *", min_value=1, max_value=500,
                         step=1)
            st.checkbox(t("volunteer_work.with_children"), help=t("volunteer_work.with_children_help"),
                        key=key("with_children"))
            st.form_submit_button(t("volunteer_work.create"), type="primary", on_click=submit)

st.subheader(t("volunteer_work.list"))
c1, c2, c3, c4 = st.columns(4)
status = c1.selectbox(t("volunteer_work.status"), [None, *work.OPPORTUNITY_STATUSES], placeholder=t("common.all"),
                      key="opp_status",
                      format_func=lambda s: t("common.all") if s is None else t(f"volunteer_work.status.{s}"))
host_kind = c2.selectbox(t("volunteer_work.host"), [None, *work.HOSTS], placeholder=t("common.all"), key="opp_host",
                         format_func=lambda k: t("common.all") if k is None else t(f"volunteer_work.host.{k}"))
date_from = c3.date_input(t("volunteer_work.date_from"), value=today - timedelta(days=30), format="DD.MM.YYYY",
                          key="opp_from")
date_to = c4.date_input(t("volunteer_work.date_to"), value=None, format="DD.MM.YYYY", key="opp_to")
if date_from and date_to and date_from > date_to:
    st.error(t("error.period_reversed"))
    st.stop()

LIMIT = 500
found = work.list_opportunities(db, actor, status=status, host_kind=host_kind, date_from=date_from, date_to=date_to,
                                limit=LIMIT)
if found.empty:
    st.info(t("volunteer_work.none"))
    st.stop()


def when(starts, ends):
    """'18.11.2026 10:00–14:00' within one day, '18.11.2026 – 20.11.2026' across days; a whole column at once."""
    first, last = cells.dates(starts, lang), cells.dates(ends, lang)
    one_day = starts.dt.normalize() == ends.dt.normalize()
    hours = first + " " + starts.dt.strftime("%H:%M") + "–" + ends.dt.strftime("%H:%M")
    return hours.where(one_day, first + " – " + last)


# Written per column, each code translated once: up to 500 rows.
kinds = {kind: t(f"volunteer_work.host.{kind}") for kind in work.HOSTS}
shown = found.assign(
    host=[host_label(k, n, kinds) for k, n in zip(found["host_kind"], found["host_name"])],
    when=when(found["starts_at"], found["ends_at"]),
    people=[f"{int(c)} / {int(n)}" + (f" (+{int(p)})" if p else "")
            for c, n, p in zip(found["confirmed"], found["needed"], found["proposed"])],
    status=cells.translated(found["status"], "volunteer_work.status.{}"),
    skills=[", ".join(skill_names.get(c, c) for c in codes) for codes in found["skills"]],
    place=found["place"].fillna(""),
)
columns = {"id": "volunteer_work.number", "title": "volunteer_work.title", "when": "volunteer_work.when",
           "status": "volunteer_work.status", "people": "volunteer_work.people", "host": "volunteer_work.host",
           "place": "volunteer_work.place"}
st.caption((t("volunteer_work.count_limited", count=LIMIT) if len(found) == LIMIT
            else t("volunteer_work.count", count=len(found))) + " · " + t("volunteer_work.people_help"))
picked = ui.table(shown, columns, on_select="rerun", selection_mode="single-row", key="opp_table",
                  column_config={t("volunteer_work.number"): st.column_config.NumberColumn(width="small")})
if picked and picked.selection.rows:
    ui.goto("oferta-wolontariatu", id=int(found.iloc[picked.selection.rows[0]]["id"]))
st.caption(t("volunteer_work.open_hint"))

if actor.can("export"):
    columns = {**columns, "skills": "volunteer_work.skills"}  # the export has room for the skills too
    export = shown[list(columns)].rename(columns={c: t(k) for c, k in columns.items()})
    sheet = t("page.opportunities")
    c1, c2, _ = st.columns([1, 1, 2])
    c1.download_button(t("common.export_csv"), lambda: exports.to_csv(export), file_name=f"oferty-{today}.csv",
                       mime="text/csv", icon=":material/download:", key="opp_csv")
    c2.download_button(t("common.export_xlsx"), lambda: exports.to_xlsx(export, sheet), key="opp_xlsx",
                       file_name=f"oferty-{today}.xlsx", icon=":material/download:",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
