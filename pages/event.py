"""One event: its sessions, participants and waitlist, attendance, feedback and documents."""

import streamlit as st

from dashboard.core import clock, exports
from dashboard.core.i18n import current_language, fmt_date, fmt_number, t
from dashboard.services.education import certificates, enrolment, trainings
from dashboard.services.register import organisations
from dashboard.ui import cached
from dashboard.ui import widgets as ui
from dashboard.ui.forms import event as event_form

db, actor = ui.db(), ui.actor()
# Each read is kept while the data stays as it is (the stamp: the newest audit row, new with every write in
# the app; enrolling, attendance and feedback all write one), per role (contacts are masked by role).
data_key = (db.path, cached.stamp(), actor.role)


def kept(name: str, *args, read):
    """``read()``, kept under ``name`` and ``args`` while the data stays as it is."""
    return cached.remember(("event page", *data_key, name, *args), read)


event_id, event = ui.detail_header(lambda i: kept("event", i, read=lambda: trainings.get_event(db, actor, i)),
                                   back_to="szkolenia", back_key="event.back", title_key="page.event",
                                   not_found_key="event.not_found")

st.title(event["title"])
topics = kept("topics", read=lambda: trainings.topics(db, active_only=False))
topic_names = dict(zip(topics["code"], topics["name_pl" if current_language() == "pl" else "name_en"]
                       .fillna(topics["name_pl"])))
ui.show_flash()
# Each form's outcome is kept under the form's name and this event's id, and drawn next to the form.
ENROL, WALK_IN, FEEDBACK = f"event_enrol_{event_id}", f"event_walk_in_{event_id}", f"event_feedback_{event_id}"
UNENROL, ATTENDANCE, STATUS = f"event_unenrol_{event_id}", f"event_attendance_{event_id}", f"event_status_{event_id}"
writable = actor.can("write") and trainings.changeable(event)
c1, c2, c3, c4 = st.columns([3, 2, 2, 2])  # the status is words ("zapisy otwarte"): a wider tile, not cut
c1.metric(t("event.status"), t(f"event_status.{event['status']}"), border=True)
c2.metric(t("events.places"), f"{event['enrolled']} / {event['capacity']}", border=True)
c3.metric(t("event.waitlist"), fmt_number(event["waitlisted"]), border=True)
c4.metric(t("events.sessions"), len(event["sessions"]), border=True)
st.markdown(
    f"**{t('event.type')}:** {t('event_type.' + event['event_type'])}"
    + (f" · {t('partner.' + event['partner_kind'])}" if event.get("partner_kind") else "")
    + f"  \n**{t('event.topics')}:** {ui.escape_md(', '.join(topic_names.get(c, c) for c in event['topics']))}  \n"
    f"**{t('event.trainer')}:** {ui.escape_md(event.get('trainer_name') or '—')}"
    + (f" ({ui.escape_md(event['trainer_organisation'])})" if event.get("trainer_organisation") else "")
    + f"  \n**{t('booking.resource')}:** {ui.escape_md(event['room'])}")
if event.get("target_group"):
    st.markdown(f"**{t('event.target_group')}:** {ui.escape_md(event['target_group'])}")
if event.get("description"):
    st.caption(ui.escape_md(event["description"]))
sessions = event["sessions"]
if sessions:
    st.markdown("  \n".join(f"{i + 1}. {fmt_date(s['starts_at'])} {s['starts_at']:%H:%M}–{s['ends_at']:%H:%M}"
                            for i, s in enumerate(event["sessions"])))
if event["status"] == "cancelled":
    st.warning(t("events.edit.cancelled_info", reason=event.get("cancel_reason") or "—"))

people = kept("participants", event_id, read=lambda: enrolment.participants(db, actor, event_id))
attended = people[people["sessions_present"] > 0]  # for feedback and certificates
names = dict(zip(people["enrolment_id"].astype(int), people["full_name"]))


def promoted_text(promoted: list[int]) -> str:
    """Who moved up from the waitlist, by name (staff phone them)."""
    return t("events.edit.promoted", names=", ".join(names.get(i, str(i)) for i in promoted)) if promoted else ""


if writable:
    EDIT = f"event_edit_{event_id}"
    if st.session_state.get("_event_edit_loaded") != event_id:
        event_form.load(EDIT, event)
        st.session_state["_event_edit_loaded"] = event_id

    def edited(promoted: list[int]) -> None:
        ui.flash(" ".join(filter(None, [t("events.edit.saved"), promoted_text(promoted)])), form=EDIT)
        st.session_state.pop("_event_edit_loaded", None)

    with st.expander(t("events.edit.title"), icon=":material/edit:", key=f"{EDIT}_box"):
        st.caption(t("events.edit.hint"))
        with st.form(EDIT, enter_to_submit=False):
            event_form.fields(EDIT)
            ui.outcome(EDIT)
            st.form_submit_button(t("common.save"), type="primary", on_click=event_form.on_submit(
                EDIT, lambda values: trainings.update_event(db, actor, event_id, values), edited))

orgs = dict(kept("organisations", read=lambda: organisations.choices(db)))


def person_fields(form: str, prefix: str) -> None:
    """A participant's name, contact, organisation and consent, each with its message."""
    prefix = f"{prefix}_{event_id}"  # what is typed for one event stays with that event
    ui.field(form, "full_name", st.text_input, t("event.full_name") + " *", key=f"{prefix}_name")
    c1, c2 = st.columns(2)
    with c1:
        ui.field(form, "email", st.text_input, t("org.email"), key=f"{prefix}_email")
    with c2:
        ui.field(form, "phone", st.text_input, t("org.phone"), key=f"{prefix}_phone")
    ui.field(form, "organisation_id", st.selectbox, t("booking.organisation"), [None, *orgs],
             placeholder=t("event.resident"), key=f"{prefix}_org",
             format_func=lambda i: t("event.resident") if i is None else orgs[i])
    ui.field(form, "consent", st.checkbox, t("event.consent") + " *", key=f"{prefix}_consent")
    ui.field_error(form, "event_id")


def person_values(prefix: str) -> dict:
    prefix = f"{prefix}_{event_id}"
    return {"full_name": st.session_state[f"{prefix}_name"], "email": st.session_state[f"{prefix}_email"],
            "phone": st.session_state[f"{prefix}_phone"], "organisation_id": st.session_state[f"{prefix}_org"],
            "consent": st.session_state[f"{prefix}_consent"]}


# A key keeps the tab the user is on when a save changes what sits above the tabs (the event becoming held).
tab_people, tab_attendance, tab_feedback, tab_documents = st.tabs(
    [t("event.tab_participants"), t("event.tab_attendance"), t("event.tab_feedback"), t("event.tab_documents")],
    key="event_tabs")

with tab_people:
    if people.empty:
        st.info(t("event.no_participants"))
    else:
        shown = people.assign(status=people["status"].map({s: t(f"enrolment_status.{s}")
                                                           for s in people["status"].unique()}))
        ui.table(shown, {"no": "event.no", "full_name": "event.full_name", "organisation": "booking.organisation",
                         "email": "org.email", "phone": "org.phone", "status": "event.status",
                         "waitlist_position": "event.waitlist_position", "sessions_present": "event.present"},
                 column_config={t("event.status"): st.column_config.TextColumn(width="medium")})
    if writable:
        def enrol() -> None:
            ok, result = ui.run_service(ENROL, lambda: enrolment.enrol(db, actor, event_id, person_values("enrol")))
            if ok:
                key = "event.enrolled" if result["status"] == "enrolled" else "event.waitlisted_as"
                ui.flash(t(key, name=st.session_state[f"enrol_{event_id}_name"], position=result.get("position") or ""),
                         form=ENROL)
                for field in ("name", "email", "phone"):
                    st.session_state[f"enrol_{event_id}_{field}"] = ""
                st.session_state[f"enrol_{event_id}_consent"] = False

        st.subheader(t("event.enrol"))
        if event["enrolled"] >= event["capacity"]:
            st.info(t("event.full_waitlist"))
        with st.form(ENROL, enter_to_submit=False):
            person_fields(ENROL, "enrol")
            ui.outcome(ENROL)
            st.form_submit_button(t("event.enrol_submit"), type="primary", on_click=enrol)

        active = people[people["status"].isin(("enrolled", "waitlisted"))]
        if not active.empty:
            labels = {int(r.enrolment_id): f"{r.full_name} ({t('enrolment_status.' + r.status)})"
                      for r in active.itertuples()}
            with st.popover(t("event.cancel_enrolment"), icon=":material/person_remove:"):
                chosen = st.selectbox(t("event.full_name"), list(labels), format_func=labels.get,
                                      key="enrol_cancel_pick")
                if st.button(t("event.cancel_enrolment_submit"), key="enrol_cancel_go"):
                    ok, promoted = ui.run_service(UNENROL, lambda: enrolment.cancel_enrolment(db, actor, chosen))
                    if ok:
                        ui.flash(" ".join(filter(None, [t("event.enrolment_cancelled", promoted=len(promoted)),
                                                        promoted_text(promoted)])), form=UNENROL)
                    st.rerun()
            ui.outcome(UNENROL)

with tab_attendance:
    if not sessions:
        st.info(t("event.no_sessions"))
    else:
        session_labels = {int(s["id"]): f"{i + 1}. {fmt_date(s['starts_at'])} {s['starts_at']:%H:%M}"
                          for i, s in enumerate(event["sessions"])}
        session_id = st.selectbox(t("event.session"), list(session_labels), format_func=session_labels.get,
                                  key="att_session")
        sheet = kept("attendance", session_id, read=lambda: enrolment.attendance(db, actor, session_id))
        if sheet.empty:
            st.info(t("event.no_participants"))
        else:
            editable = sheet.assign(present=sheet["present"].fillna(False).astype(bool),
                                    organisation=sheet["organisation"].fillna(t("event.resident")))
            edited = st.data_editor(
                editable[["full_name", "organisation", "present"]], hide_index=True, width="stretch",
                disabled=["full_name", "organisation"] if actor.can("write") else True,
                key=f"att_editor_{session_id}_{st.session_state.get('att_saves', 0)}",
                column_config={"full_name": t("event.full_name"), "organisation": t("booking.organisation"),
                               "present": st.column_config.CheckboxColumn(t("event.present"))})
            if actor.can("write") and st.button(t("event.save_attendance"), type="primary", key="att_save"):
                marks = dict(zip(sheet["enrolment_id"].astype(int), edited["present"].astype(bool)))
                ok, _ = ui.run_service(ATTENDANCE, lambda: enrolment.record_attendance(db, actor, session_id, marks))
                if ok:
                    ui.flash(t("event.attendance_saved", present=sum(marks.values()), total=len(marks)),
                             form=ATTENDANCE)
                    # A fresh editor over the saved marks: the old one's edits would be replayed over new data.
                    st.session_state["att_saves"] = st.session_state.get("att_saves", 0) + 1
                st.rerun()
            ui.outcome(ATTENDANCE)
        if actor.can("write"):
            with st.expander(t("event.walk_in"), key=f"{WALK_IN}_box"):
                def walk_in() -> None:
                    ok, _ = ui.run_service(WALK_IN, lambda: enrolment.add_walk_in(db, actor, session_id,
                                                                                 person_values("walk")))
                    if ok:
                        ui.flash(t("event.walk_in_added", name=st.session_state[f"walk_{event_id}_name"]), form=WALK_IN)

                with st.form(WALK_IN, enter_to_submit=False):
                    person_fields(WALK_IN, "walk")
                    ui.outcome(WALK_IN)
                    st.form_submit_button(t("event.walk_in_submit"), on_click=walk_in)

with tab_feedback:
    mine = kept("rating", event_id, read=lambda: enrolment.ratings_by_event(db, actor, event_id=event_id))
    if mine.empty:
        st.info(t("event.no_feedback"))
    else:
        st.metric(t("event.mean_rating"), f"{mine.iloc[0]['mean_rating']:.2f} / 5",
                  t("event.ratings_count", count=int(mine.iloc[0]["ratings"])), border=True)
    if actor.can("write") and not attended.empty:
        attendee_names = dict(zip(attended["enrolment_id"].astype(int), attended["full_name"]))  # not ``names``:
        # the waitlist callbacks read that one on the next run

        def feedback() -> None:
            ok, _ = ui.run_service(FEEDBACK, lambda: enrolment.record_feedback(
                db, actor, st.session_state["fb_who"], st.session_state["fb_rating"], st.session_state["fb_comment"]))
            if ok:
                ui.flash(t("event.feedback_saved"), form=FEEDBACK)

        with st.form(FEEDBACK, enter_to_submit=False):
            st.selectbox(t("event.full_name"), list(attendee_names), format_func=attendee_names.get, key="fb_who")
            ui.field(FEEDBACK, "rating", st.slider, t("event.rating"), min_value=1, max_value=5, value=5, key="fb_rating")
            ui.field(FEEDBACK, "comment", st.text_area, t("event.comment"), key="fb_comment")
            ui.outcome(FEEDBACK)
            st.form_submit_button(t("event.feedback_submit"), on_click=feedback)

with tab_documents:
    headers = {"no": t("event.no"), "full_name": t("event.full_name"), "organisation": t("booking.organisation"),
               "email": t("org.email"), "phone": t("org.phone"), "status": t("event.status")}

    def export():
        """The participants as the files list them (made when a file is asked for, headers in this run's language)."""
        return people.drop(columns=["enrolment_id"]).rename(columns=headers)

    with st.container(horizontal=True):
        st.download_button(t("common.export_csv"), lambda: exports.to_csv(export()), mime="text/csv",
                           file_name=f"uczestnicy-{event_id}.csv", icon=":material/download:")
        st.download_button(t("common.export_xlsx"), lambda: exports.to_xlsx(export()), icon=":material/download:",
                           file_name=f"uczestnicy-{event_id}.xlsx",
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        st.download_button(t("event.attendance_sheet"), lambda: certificates.attendance_sheet_pdf(db, actor, event_id),
                           file_name=f"lista-obecnosci-{event_id}.pdf", mime="application/pdf",
                           icon=":material/picture_as_pdf:")
    attendees = attended
    if attendees.empty:
        st.caption(t("event.certificates_none"))
    else:
        st.download_button(t("event.certificates_zip"), lambda: certificates.certificates_zip(db, actor, event_id),
                           file_name=f"zaswiadczenia-{event_id}.zip", mime="application/zip",
                           icon=":material/workspace_premium:", type="primary")
        who = dict(zip(attendees["enrolment_id"].astype(int), attendees["full_name"]))
        c1, c2 = st.columns([3, 2], vertical_alignment="bottom")
        chosen = c1.selectbox(t("events.edit.certificate_for"), list(who), format_func=who.get, key="cert_who")
        c2.download_button(t("events.edit.certificate_one"), lambda: certificates.certificate_pdf(db, actor, chosen),
                           file_name=f"zaswiadczenie-{event_id}-{chosen}.pdf", mime="application/pdf",
                           icon=":material/picture_as_pdf:", key="cert_one")

first_start = min((s["starts_at"] for s in event["sessions"]), default=None)
if writable and first_start is not None and first_start <= clock.local_now():
    if st.button(t("events.edit.mark_held"), icon=":material/task_alt:", key="event_held_go"):
        ok, _ = ui.run_service(STATUS, lambda: trainings.set_event_status(db, actor, event_id, "held"))
        if ok:
            ui.flash(t("events.edit.marked_held"), form=STATUS)
        st.rerun()
if writable:
    with st.popover(t("event.cancel_event"), icon=":material/event_busy:"):
        reason = st.text_input(t("bookings.cancel_reason") + " *", key="event_cancel_reason")
        if st.button(t("event.cancel_event_submit"), key="event_cancel_go"):
            ok, _ = ui.run_service(STATUS, lambda: trainings.cancel_event(db, actor, event_id, reason))
            if ok:
                ui.flash(t("event.cancelled"), form=STATUS)
            st.rerun()
ui.outcome(STATUS)
