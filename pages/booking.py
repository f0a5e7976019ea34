"""One booking: details, edit (same checks as a new one), confirm, check in, cancel."""

import streamlit as st

from dashboard.core import clock
from dashboard.core.i18n import fmt_date, fmt_datetime, t
from dashboard.services import reservations
from dashboard.services.reservations import booking_views
from dashboard.ui import widgets as ui
from dashboard.ui.forms import booking as booking_form

db, actor = ui.db(), ui.actor()
booking_id, booking = ui.detail_header(lambda i: reservations.get_booking(db, actor, i), back_to="rezerwacje",
                                      back_key="bookings.back", title_key="page.booking",
                                      not_found_key="bookings.not_found")

st.title(t("bookings.title", id=booking_id))
ui.show_flash()
ui.form_message("booking_action")
c1, c2, c3 = st.columns(3)
c1.markdown(f"**{t('booking.resource')}:** {ui.escape_md(booking['resource'])}  \n"
            f"**{t('booking.organisation')}:** {ui.escape_md(booking['organisation'])}")
c2.markdown(f"**{t('booking.day')}:** {fmt_date(booking['starts_at'])}  \n"
            f"**{t('week.time')}:** {booking['starts_at']:%H:%M}–{booking['ends_at']:%H:%M}")
shown_status = booking_views.shown_status(booking["status"], booking["starts_at"], booking["ends_at"], clock.local_now())
c3.markdown(f"**{t('booking.status')}:** {t('booking_status.' + shown_status)}  \n"
            f"**{t('booking.attendees')}:** {booking['attendees']}"
            + (f" · {t('desk.attended', count=booking['actual_attendance'])}"
               if booking.get("actual_attendance") is not None else ""))
st.markdown(f"**{t('booking.purpose')}:** {ui.escape_md(booking['purpose'])}  \n"
            f"**{t('booking.contact_person')}:** {ui.escape_md(booking['contact_person'])}")
if booking["status"] == "cancelled":
    st.warning(t("bookings.cancelled_info", reason=booking.get("cancel_reason") or "—",
                 who=booking.get("cancelled_by") or "—", when=fmt_datetime(booking.get("cancelled_at"))))

if not actor.can("write") or not reservations.changeable(booking):
    st.stop()

FORM = f"booking_edit_{booking_id}"
if st.session_state.get("_booking_loaded") != booking_id:
    booking_form.load(FORM, booking)
    st.session_state["_booking_loaded"] = booking_id

with st.expander(t("bookings.edit"), expanded=bool(ui.form_errors(FORM))):
    def saved(_):
        ui.flash(t("bookings.updated"))
        st.session_state.pop("_booking_loaded", None)

    ui.form_message(FORM)
    with st.form(FORM, enter_to_submit=False):
        booking_form.fields(FORM, with_status=False)
        st.form_submit_button(t("common.save"), type="primary", on_click=booking_form.on_submit(
            FORM, lambda values: reservations.update_booking(db, actor, booking_id, values), saved))

c1, c2 = st.columns(2)
if booking["status"] == "requested" and c1.button(t("bookings.confirm"), type="primary"):
    ok, _ = ui.run_service("booking_action", lambda: reservations.confirm_booking(db, actor, booking_id))
    if ok:
        ui.flash(t("bookings.confirmed"))
    st.rerun()
with c2.popover(t("bookings.cancel"), icon=":material/event_busy:"):
    reason = st.text_input(t("bookings.cancel_reason") + " *", key=f"cancel_reason_{booking_id}")
    whole_series = booking.get("series_id") is not None and st.checkbox(t("bookings.cancel_series"),
                                                                        key=f"cancel_series_{booking_id}")
    if st.button(t("bookings.cancel_submit"), key=f"cancel_go_{booking_id}"):
        if whole_series:
            ok, _ = ui.run_service("booking_action", lambda: reservations.cancel_series(
                db, actor, int(booking["series_id"]), reason))
        else:
            ok, _ = ui.run_service("booking_action", lambda: reservations.cancel_booking(db, actor, booking_id, reason))
        if ok:
            ui.flash(t("bookings.cancelled"))
            st.session_state.pop("_booking_loaded", None)
        st.rerun()
