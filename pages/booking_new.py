"""New booking: one date or a weekly series, refused with the reason when it cannot be booked."""

import streamlit as st

from dashboard.core.i18n import fmt_date, t, tm
from dashboard.services import reservations
from dashboard.services.register import organisations
from dashboard.ui import widgets as ui
from dashboard.ui.forms import booking as booking_form

db, actor = ui.db(), ui.actor()
FORM = "booking_new"
st.title(t("page.booking_new"))
ui.show_flash()
booking_form.defaults(FORM)
booking_form.prefill(FORM, st.query_params)  # a free slot clicked in the week calendar
st.session_state.setdefault("booking_new_repeat", "none")


def saved(booking_id) -> None:
    ui.flash(t("booking.created", id=booking_id), form=FORM, link=("rezerwacja", booking_id, t("booking.open")))
    booking_form.clear(FORM)


def series_args() -> dict:
    repeat = st.session_state["booking_new_repeat"]
    every = 1 if repeat == "weekly" else int(st.session_state.get("booking_new_every", 2))
    until = st.session_state.get("booking_new_until") if st.session_state.get("booking_new_end_by") == "until" else None
    count = None if until else int(st.session_state.get("booking_new_count", 4))
    return {"every_weeks": every, "until": until, "count": count}


def submit() -> None:
    ui.restore_choices(FORM)  # "co tydzień" chosen before a switch to English is still a weekly series
    if st.session_state["booking_new_repeat"] not in ("weekly", "every_n"):
        ok, result = ui.run_service(FORM, lambda: reservations.create_booking(db, actor, booking_form.values(FORM)))
        if ok:
            saved(result)
        return
    ok, preview = ui.run_service(FORM, lambda: reservations.preview_series(
        db, actor, booking_form.values(FORM), **series_args()))
    st.session_state["booking_new_preview"] = preview if ok else None
    if ok:
        st.toast(t("booking.series_check"), icon=":material/event_repeat:")


def book_series(only_free: bool) -> None:
    ok, result = ui.run_service(FORM, lambda: reservations.create_series(
        db, actor, booking_form.values(FORM), only_free=only_free, **series_args()))
    st.session_state["booking_new_preview"] = None
    if ok:
        ui.flash(t("booking.series_created", count=len(result["booked"]), booked=len(result["booked"]),
                   skipped=len(result["skipped"])), form=FORM,
                 link=("rezerwacja", result["booked"][0], t("booking.open_first")) if result["booked"] else None)
        booking_form.clear(FORM)


def quick_org() -> None:
    name = st.session_state.get("quick_org_name")
    ok, new_id = ui.run_service("quick_org", lambda: organisations.create(
        db, actor, {"name": name, "legal_form": st.session_state.get("quick_org_form")}, confirm_duplicate=False))
    if ok:
        st.session_state[booking_form.key(FORM, "organisation_id")] = new_id
        ui.flash(t("org.created_for_booking", name=name), form="quick_org", link=("organizacja", new_id, t("org.open")))
        st.session_state["quick_org_name"] = ""


with st.expander(t("booking.quick_add_org"), key="quick_org_box"), st.form("quick_org", enter_to_submit=False):
    ui.field("quick_org", "name", st.text_input, t("org.name") + " *", key="quick_org_name")
    ui.field("quick_org", "legal_form", st.selectbox, t("org.legal_form"), organisations.legal_forms(db),
             format_func=lambda c: t(f"legal_form.{c}"), key="quick_org_form")
    ui.outcome("quick_org")
    for match in ui.duplicates("quick_org"):
        st.warning(t("booking.quick_add_exists", name=match["name"]))
    st.form_submit_button(t("org.add_submit"), on_click=quick_org)

if "booking_new_book" in st.session_state:  # the series' dialog said which dates to book
    book_series(only_free=st.session_state.pop("booking_new_book"))

with st.form(FORM, enter_to_submit=False):
    booking_form.fields(FORM)
    st.divider()
    c1, c2, c3 = st.columns(3)
    # Through ui.field: a choice sent as its Polish label after a switch to English still counts (a lost
    # "jednorazowo" once turned a single booking into a series).
    with c1:
        ui.field(FORM, "repeat", st.radio, t("booking.repeat"), ["none", "weekly", "every_n"], key="booking_new_repeat",
                 format_func=lambda r: t(f"booking.repeat_{r}"))
    c2.number_input(t("booking.every_n_weeks"), min_value=2, max_value=8, value=2, key="booking_new_every")
    with c3:
        ui.field(FORM, "end_by", st.radio, t("booking.series_end"), ["count", "until"], key="booking_new_end_by",
                 horizontal=True, format_func=lambda r: t(f"booking.series_end_{r}"))
    c3.number_input(t("booking.series_count"), min_value=2, max_value=52, value=4, key="booking_new_count")
    c3.date_input(t("booking.series_until"), key="booking_new_until", value=None, format="DD.MM.YYYY")
    ui.outcome(FORM)  # saved (with a link) or refused (with every reason), where the person is looking
    st.form_submit_button(t("booking.submit"), type="primary", on_click=submit)


def cancel_preview() -> None:
    st.session_state["booking_new_preview"] = None


@st.dialog(t("booking.series_preview"), width="large", on_dismiss=cancel_preview)
def series_preview(preview: list[dict]) -> None:
    """The series' dates in a dialog: it opens over the form, where the person clicked "Zarezerwuj"."""
    free = [o for o in preview if o["status"] == "free"]
    rows = [{t("booking.day"): fmt_date(o["day"]), t("booking.occurrence_status"): t(f"occurrence.{o['status']}"),
             t("booking.detail"): tm(o["detail"]) if hasattr(o.get("detail"), "key") else (o.get("detail") or "")}
            for o in preview]
    st.dataframe(rows, hide_index=True, width="stretch")
    if len(free) != len(preview):
        st.warning(t("booking.series_some_not_free", free=len(free), total=len(preview)))
    c1, c2 = st.columns(2)
    if len(free) == len(preview):
        chosen = c1.button(t("booking.series_book_all", count=len(preview)), type="primary", key="series_book_all")
    else:
        chosen = c1.button(t("booking.series_book_free", count=len(free)), type="primary", key="series_book_free",
                           disabled=not free)
    if chosen:  # booked on the full run this starts: a toast raised inside the dialog would go with it
        st.session_state["booking_new_book"] = len(free) != len(preview)
        st.rerun()
    if c2.button(t("booking.series_cancel"), key="series_cancel"):
        cancel_preview()
        st.rerun()


preview = st.session_state.get("booking_new_preview")
if preview:
    series_preview(preview)
