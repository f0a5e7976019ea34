"""One organisation: its details, edit form (staff, admin), and everything it did with the Centre in
tabs: bookings, events its people enrolled in, lockers, advisory, local initiatives, volunteer
opportunities it hosts, and the change history."""

import pandas as pd
import streamlit as st

from dashboard.core import clock
from dashboard.core.i18n import current_language, fmt_date, fmt_datetime, t
from dashboard.core.privacy import show
from dashboard.services.admin import audit
from dashboard.services.register import organisations
from dashboard.services.reservations import booking_views
from dashboard.ui import cached
from dashboard.ui import widgets as ui
from dashboard.ui.forms import organisation as forms

db, actor = ui.db(), ui.actor()
now = clock.local_now()
lang = current_language()
# Each read, and each tab's table as shown, is kept while the data stays as it is (the stamp: the newest audit
# row, new with every write in the app), per role, day and language; the bookings (their order, coming ones
# first, and their state) per minute.
data_key = (db.path, cached.stamp(), actor.role, now.date(), lang)


def kept(name: str, *args, read):
    """``read()``, kept under ``name`` and ``args`` while the data stays as it is."""
    return cached.remember(("organisation page", *data_key, name, *args), read)


organisation_id, org = ui.detail_header(lambda i: kept("organisation", i, read=lambda: organisations.get(db, actor, i)),
                                        back_to="organizacje", back_key="org.back_to_list",
                                        title_key="page.organisation", not_found_key="org.not_found")
pages = st.session_state["_pages"]

st.title(org["name"])
ui.show_flash()
osiedla = kept("osiedla", read=lambda: organisations.osiedla(db))
osiedle = dict(zip(osiedla["id"].astype(int), osiedla["name"])).get(org["osiedle_id"], "—")
c1, c2, c3 = st.columns(3)
c1.markdown(f"**{t('org.legal_form')}:** {t('legal_form.' + org['legal_form'])}  \n"
            f"**{t('org.krs')}:** {org['krs'] or '—'}  \n**{t('org.nip')}:** {org['nip'] or '—'}  \n"
            f"**{t('org.regon')}:** {org['regon'] or '—'}")
address = " ".join(filter(None, [org["street"], org["postal_code"], org["city"]]))
c2.markdown(f"**{t('org.address')}:** {ui.escape_md(address) or '—'}  \n"
            f"**{t('org.osiedle')}:** {osiedle}  \n**{t('org.first_served_on')}:** {fmt_date(org['first_served_on']) or '—'}")
c3.markdown(f"**{t('org.contact_person')}:** {ui.escape_md(org['contact_person'] or '—')}  \n"
            f"**{t('org.email')}:** {show(org['email'], 'email', actor) or '—'}  \n"
            f"**{t('org.phone')}:** {show(org['phone'], 'phone', actor) or '—'}")
if org["notes"]:
    st.caption(org["notes"])

if actor.can("write"):
    form = f"org_edit_{organisation_id}"
    if st.session_state.get("_org_edit_loaded") != organisation_id:
        forms.load_values(form, org)
        st.session_state["_org_edit_loaded"] = organisation_id
    with st.expander(t("org.edit"), key=f"{form}_box"):
        def saved(_):
            ui.flash(t("org.updated"), form=form)
            st.session_state.pop("_org_edit_loaded", None)

        forms.organisation_form(
            form, t("common.save"),
            save=lambda values, confirm: organisations.update(db, actor, organisation_id, values,
                                                               confirm_duplicate=confirm),
            on_saved=saved,
        )


# -- what the organisation did with the Centre ---------------------------------------------------------------
def hm(value) -> str:
    return value.strftime("%H:%M")


def pick(frame, key: str, page: str) -> None:
    """Open the record of the row clicked in a table (``key``: the table's widget key)."""
    chosen = st.session_state.get(key)
    rows = getattr(getattr(chosen, "selection", None), "rows", None) or []
    if rows:
        ui.goto(page, id=int(frame.iloc[rows[0]]["id"]))


counts = kept("counts", organisation_id, read=lambda: organisations.activity_counts(db, actor, organisation_id))
labels = [("bookings", "org.tab.bookings"), ("events", "org.tab.events"), ("lockers", "org.tab.lockers"),
          ("advisory", "org.tab.advisory"), ("initiatives", "org.tab.initiatives"),
          ("opportunities", "org.tab.opportunities")]
titles = [f"{t(key)} ({counts[name]})" for name, key in labels]
if actor.can("audit"):
    titles.append(t("org.tab.history"))
tabs = st.tabs(titles, key=f"org_tabs_{organisation_id}")

def bookings_shown():
    bookings = organisations.bookings_of(db, actor, organisation_id)
    return bookings.assign(
        day=bookings["starts_at"].map(fmt_date),
        time=[f"{hm(a)}–{hm(b)}" for a, b in zip(bookings["starts_at"], bookings["ends_at"])],
        status=[t(f"booking_status.{booking_views.shown_status(s, a, b, now)}")
                for s, a, b in zip(bookings["status"], bookings["starts_at"], bookings["ends_at"])])


with tabs[0]:
    bookings = shown = kept("bookings", organisation_id, now.replace(second=0, microsecond=0), read=bookings_shown)
    if bookings.empty:
        st.info(t("org.no_bookings"))
    else:
        key = f"org_bookings_{organisation_id}"
        ui.table(shown, {"id": "bookings.number", "day": "booking.day", "time": "week.time",
                         "resource": "booking.resource", "purpose": "booking.purpose",
                         "attendees": "booking.attendees", "actual_attendance": "bookings.attended",
                         "status": "booking.status", "cancel_reason": "bookings.cancel_reason"},
                 on_select="rerun", selection_mode="single-row", key=key)
        pick(bookings, key, "rezerwacja")
        st.caption(t("org.bookings_hint"))
    if actor.can("write"):
        st.page_link(pages["nowa-rezerwacja"], label=t("org.book_for"), icon=":material/event_available:")

with tabs[1]:
    def events_shown():
        events = organisations.events_of(db, actor, organisation_id)
        return events.assign(when=events["starts_at"].map(fmt_datetime),
                             event_type=events["event_type"].map(lambda v: t(f"event_type.{v}")),
                             status=events["status"].map(lambda v: t(f"event_status.{v}")))

    events = shown = kept("events", organisation_id, read=events_shown)
    if events.empty:
        st.info(t("org.no_events"))
    else:
        key = f"org_events_{organisation_id}"
        ui.table(shown, {"title": "event.title", "event_type": "event.type", "when": "events.first_session",
                         "status": "event.status", "enrolled": "org.enrolled", "waitlisted": "org.waitlisted",
                         "cancelled": "org.enrolment_cancelled", "attended": "org.attended"},
                 on_select="rerun", selection_mode="single-row", key=key)
        pick(events, key, "wydarzenie")
        st.caption(t("org.events_hint"))

with tabs[2]:
    lockers = kept("lockers", organisation_id, read=lambda: organisations.lockers_of(db, actor, organisation_id))
    if lockers.empty:
        st.info(t("org.no_lockers"))
    else:
        # Past its end date with the key still out: the same flag as on the lockers page.
        late = ((pd.to_datetime(lockers["date_to"]) < pd.Timestamp(clock.today())).fillna(False)
                & lockers["key_handed_on"].notna() & lockers["key_returned_on"].isna())
        shown = lockers.assign(
            date_from=lockers["date_from"].map(fmt_date),
            date_to=[fmt_date(d) or "—" for d in lockers["date_to"]],
            key_handed_on=lockers["key_handed_on"].map(fmt_date),
            key_returned_on=lockers["key_returned_on"].map(fmt_date),
            state=[t("locker.state_overdue") if x else "" for x in late])
        ui.table(shown, {"locker": "locker.locker", "date_from": "locker.date_from", "date_to": "locker.date_to",
                         "key_handed_on": "locker.key_handed_on", "key_returned_on": "locker.key_returned_on",
                         "state": "locker.state", "notes": "org.notes"})
    st.page_link(pages["szafki"], label=t("org.open_lockers"), icon=":material/lock:")

with tabs[3]:
    def advice_shown():
        advice = organisations.advisory_of(db, actor, organisation_id)
        return advice.assign(held_on=advice["held_on"].map(fmt_date), topic=advice[f"topic_{lang}"],
                             form=advice["form"].map(lambda v: t(f"advisory_form.{v}")))

    shown = kept("advisory", organisation_id, read=advice_shown)
    if shown.empty:
        st.info(t("org.no_advisory"))
    else:
        ui.table(shown, {"held_on": "advisory.held_on", "topic": "advisory.topic", "form": "advisory.form",
                         "duration_min": "advisory.duration_min", "advisor": "advisory.advisor"})

with tabs[4]:
    def initiatives_shown():
        initiatives = organisations.initiatives_of(db, actor, organisation_id)
        return initiatives.assign(submitted_on=initiatives["submitted_on"].map(fmt_date),
                                  stage=initiatives["stage"].map(lambda v: t(f"initiative.stage.{v}")),
                                  stage_since=initiatives["stage_since"].map(fmt_date))

    initiatives = shown = kept("initiatives", organisation_id, read=initiatives_shown)
    if initiatives.empty:
        st.info(t("org.no_initiatives"))
    else:
        key = f"org_initiatives_{organisation_id}"
        ui.table(shown, {"id": "bookings.number", "title": "initiatives.title", "submitted_on": "initiatives.submitted_on",
                         "stage": "initiatives.stage", "stage_since": "org.stage_since"},
                 on_select="rerun", selection_mode="single-row", key=key)
        pick(initiatives, key, "inicjatywa")
        st.caption(t("org.initiatives_hint"))

with tabs[5]:
    def offers_shown():
        offers = organisations.opportunities_of(db, actor, organisation_id)
        return offers.assign(
            when=[f"{fmt_date(a)} {hm(a)}–{hm(b)}" if a.date() == b.date() else f"{fmt_date(a)} – {fmt_date(b)}"
                  for a, b in zip(offers["starts_at"], offers["ends_at"])],
            status=offers["status"].map(lambda v: t(f"volunteer_work.status.{v}")))

    offers = shown = kept("opportunities", organisation_id, read=offers_shown)
    if offers.empty:
        st.info(t("org.no_opportunities"))
    else:
        key = f"org_opportunities_{organisation_id}"
        ui.table(shown, {"title": "volunteer_work.title", "when": "volunteer_work.when", "status": "volunteer_work.status",
                         "needed": "volunteer_work.needed"},
                 on_select="rerun", selection_mode="single-row", key=key)
        pick(offers, key, "oferta-wolontariatu")
        st.caption(t("org.opportunities_hint"))

if actor.can("audit"):
    with tabs[6]:
        st.caption(t("audit.for_record"))
        history = audit.history(db, actor, entity="organisation", entity_id=str(organisation_id), limit=50)
        if history.empty:
            st.info(t("audit.none"))
        else:
            history = history.assign(at_utc=history["at_utc"].map(fmt_datetime))
            ui.table(history, {"at_utc": "audit.at", "username": "audit.user", "action": "audit.action",
                               "before": "audit.before", "after": "audit.after"})
