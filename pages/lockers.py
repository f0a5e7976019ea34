"""Lockers: which organisation holds which locker, keys handed and returned, free ones."""

import pandas as pd
import streamlit as st

from dashboard.core import clock
from dashboard.core.i18n import fmt_date, t
from dashboard.services.register import organisations
from dashboard.services.reservations import lockers
from dashboard.ui import widgets as ui

db, actor = ui.db(), ui.actor()
today = clock.today()
st.title(t("page.lockers"))
ui.show_flash()

overview = lockers.locker_overview(db, today)
if overview.empty:
    st.info(t("locker.none"))
    st.stop()
free = overview[overview["free"]]
c1, c2 = st.columns(2)
c1.metric(t("locker.free"), f"{len(free)} / {len(overview)}", border=True)
c2.metric(t("locker.keys_out"), int((overview["key_handed_on"].notna() & overview["key_returned_on"].isna()).sum()),
          border=True)

# An assignment whose end date has passed while its key is still out: the locker is not free, and
# staff must ask for the key back.
overdue = (~overview["free"]) & (pd.to_datetime(overview["date_to"]) < pd.Timestamp(today)).fillna(False)


def state(free: bool, late: bool) -> str:
    return t("locker.state_free") if free else t("locker.state_overdue") if late else t("locker.state_taken")


shown = overview.assign(
    state=[state(f, late) for f, late in zip(overview["free"], overdue)],
    organisation=overview["organisation"].fillna("—"),
    date_from=overview["date_from"].map(fmt_date),
    date_to=[fmt_date(d) or ("—" if not f else "") for d, f in zip(overview["date_to"], overview["free"])],
    key_handed_on=overview["key_handed_on"].map(fmt_date), key_returned_on=overview["key_returned_on"].map(fmt_date))
if overdue.any():
    late = overview[overdue]
    st.warning(t("locker.overdue", count=int(overdue.sum()), lockers=", ".join(
        f"{r.name} ({r.organisation}, {fmt_date(r.date_to)})" for r in late.itertuples())),
        icon=":material/key_off:")
dates = st.column_config.TextColumn(width=110)
ui.table(shown, {"name": "locker.locker", "state": "locker.state", "organisation": "booking.organisation",
                 "date_from": "locker.date_from", "date_to": "locker.date_to", "key_handed_on": "locker.key_handed_on",
                 "key_returned_on": "locker.key_returned_on"},
         column_config={t("locker.date_from"): dates, t("locker.date_to"): dates, t("locker.key_handed_on"): dates,
                        t("locker.key_returned_on"): dates,
                        t("locker.state"): st.column_config.TextColumn(width="medium")})

if not actor.can("write"):
    st.stop()

st.subheader(t("locker.assign"))
form = "locker_assign"
orgs = dict(organisations.choices(db))
free_names = dict(zip(free["resource_id"].astype(int), free["name"]))


def assign() -> None:
    ok, _ = ui.run_service(form, lambda: lockers.assign_locker(db, actor, {
        "resource_id": st.session_state["locker_resource"], "organisation_id": st.session_state["locker_org"],
        "date_from": st.session_state["locker_from"], "date_to": st.session_state["locker_to"],
        "notes": st.session_state["locker_notes"]}))
    if ok:
        ui.flash(t("locker.assigned"), form=form)
        for name in ("locker_resource", "locker_org", "locker_to"):
            st.session_state[name] = None
        st.session_state["locker_notes"] = ""


with st.form(form, enter_to_submit=False):
    c1, c2 = st.columns(2)
    with c1:
        ui.field(form, "resource_id", st.selectbox, t("locker.locker") + " *", list(free_names),
                 format_func=free_names.get, key="locker_resource", index=None, placeholder=t("common.choose"))
    with c2:
        ui.field(form, "organisation_id", st.selectbox, t("booking.organisation") + " *", list(orgs),
                 format_func=orgs.get, key="locker_org", index=None, placeholder=t("booking.organisation_placeholder"))
    c1, c2 = st.columns(2)
    with c1:
        ui.field(form, "date_from", st.date_input, t("locker.date_from") + " *", value=today, key="locker_from",
                 format="DD.MM.YYYY")
    with c2:
        ui.field(form, "date_to", st.date_input, t("locker.date_to"), value=None, key="locker_to", format="DD.MM.YYYY")
    st.text_input(t("org.notes"), key="locker_notes")
    ui.outcome(form)
    st.form_submit_button(t("locker.assign_submit"), type="primary", on_click=assign)

taken = overview[~overview["free"]]
if not taken.empty and "assignment_id" in taken.columns:
    st.subheader(t("locker.keys"))
    labels = {int(r.assignment_id): f"{r.name} — {r.organisation}"
              + (f" ({t('locker.state_overdue')})" if late else "")
              for r, late in zip(taken.itertuples(), overdue[~overview["free"]])}
    chosen = st.selectbox(t("locker.locker"), list(labels), format_func=labels.get, key="locker_key_pick")
    c1, c2 = st.columns(2)
    if c1.button(t("locker.key_handed"), key="locker_key_out"):
        ok, _ = ui.run_service("locker_keys", lambda: lockers.record_key_handed(db, actor, chosen, today))
        if ok:
            ui.flash(t("locker.key_handed_done"), form="locker_keys")
        st.rerun()
    if c2.button(t("locker.key_returned"), key="locker_key_in"):
        ok, _ = ui.run_service("locker_keys", lambda: lockers.record_key_returned(db, actor, chosen, today))
        if ok:
            ui.flash(t("locker.key_returned_done"), form="locker_keys")
        st.rerun()
    ui.outcome("locker_keys")
