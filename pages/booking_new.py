"""New booking: one date or a weekly series, refused with the reason when it cannot be booked."""

import streamlit as st

from dashboard.ui.forms import booking as booking_form
from dashboard.ui import widgets as ui
from dashboard.core.i18n import fmt_date, t, tm
from dashboard.services.register import organisations
from dashboard.services.reservations import reservations

db, actor = ui.db(), ui.actor()
FORM = "booking_new"
st.title(t("page.booking_new"))
ui.show_flash()
booking_form.defaults(FORM)
st.session_state.setdefault("booking_new_repeat", "none")


def saved(booking_id) -> None:
    ui.flash(t("booking.created", id=booking_id))
    booking_form.clear(FORM)


def series_args() -> dict:
    repeat = st.session_state["booking_new_repeat"]
    every = 1 if repeat == "weekly" else int(st.session_state.get("booking_new_every", 2))
    until = st.session_state.get("booking_new_until") if st.session_state.get("booking_new_end_by") == "until" else None
    count = None if until else int(st.session_state.get("booking_new_count", 4))
    return {"every_weeks": every, "until": until, "count": count}


def submit() -> None:
    if st.session_state["booking_new_repeat"] == "none":
        ok, result = ui.run_service(FORM, lambda: reservations.create_booking(db, actor, booking_form.values(FORM)))
        if ok:
            saved(result)
        return
    ok, preview = ui.run_service(FORM, lambda: reservations.preview_series(
        db, actor, booking_form.values(FORM), **series_args()))
    st.session_state["booking_new_preview"] = preview if ok else None


def book_series(only_free: bool) -> None:
    ok, result = ui.run_service(FORM, lambda: reservations.create_series(
        db, actor, booking_form.values(FORM), only_free=only_free, **series_args()))
    st.session_state["booking_new_preview"] = None
    if ok:
        ui.flash(t("booking.series_created", booked=len(result["booked"]), skipped=len(result["skipped"])))
        booking_form.clear(FORM)


with st.expander(t("booking.quick_add_org")):
    with st.form("quick_org", clear_on_submit=True, enter_to_submit=False):
        name = st.text_input(t("org.name") + " *", key="quick_org_name")
        form_code = st.selectbox(t("org.legal_form"), organisations.legal_forms(db),
                                 format_func=lambda c: t(f"legal_form.{c}"), key="quick_org_form")
        if st.form_submit_button(t("org.add_submit")):
            ok, new_id = ui.run_service("quick_org", lambda: organisations.create(
                db, actor, {"name": name, "legal_form": form_code}, confirm_duplicate=False))
            if ok:
                st.session_state[booking_form.key(FORM, "organisation_id")] = new_id
                st.success(t("org.created"))
    ui.form_message("quick_org")
    ui.field_error("quick_org", "name")
    for match in ui.duplicates("quick_org"):
        st.warning(t("booking.quick_add_exists", name=match["name"]))

ui.form_message(FORM)
with st.form(FORM, enter_to_submit=False):
    booking_form.fields(FORM)
    st.divider()
    c1, c2, c3 = st.columns(3)
    c1.radio(t("booking.repeat"), ["none", "weekly", "every_n"], key="booking_new_repeat",
             format_func=lambda r: t(f"booking.repeat_{r}"))
    c2.number_input(t("booking.every_n_weeks"), min_value=2, max_value=8, value=2, key="booking_new_every")
    c3.radio(t("booking.series_end"), ["count", "until"], key="booking_new_end_by", horizontal=True,
             format_func=lambda r: t(f"booking.series_end_{r}"))
    c3.number_input(t("booking.series_count"), min_value=2, max_value=52, value=4, key="booking_new_count")
    c3.date_input(t("booking.series_until"), key="booking_new_until", value=None, format="DD.MM.YYYY")
    st.form_submit_button(t("booking.submit"), type="primary", on_click=submit)

preview = st.session_state.get("booking_new_preview")
if preview:
    st.subheader(t("booking.series_preview"))
    free = [o for o in preview if o["status"] == "free"]
    rows = [{t("booking.day"): fmt_date(o["day"]), t("booking.occurrence_status"): t(f"occurrence.{o['status']}"),
             t("booking.detail"): tm(o["detail"]) if hasattr(o.get("detail"), "key") else (o.get("detail") or "")}
            for o in preview]
    st.dataframe(rows, hide_index=True, width="stretch")
    c1, c2, c3 = st.columns(3)
    if len(free) == len(preview):
        c1.button(t("booking.series_book_all", count=len(preview)), type="primary", on_click=book_series,
                  kwargs={"only_free": False})
    else:
        st.warning(t("booking.series_some_not_free", free=len(free), total=len(preview)))
        c1.button(t("booking.series_book_free", count=len(free)), type="primary", on_click=book_series,
                  kwargs={"only_free": True}, disabled=not free)
    c2.button(t("booking.series_cancel"), on_click=lambda: st.session_state.update(booking_new_preview=None))
