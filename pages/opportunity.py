"""One volunteer opportunity: its details and status, the people assigned (confirm, decline, NNW flags)
and the ranked list of matching volunteers to assign. Names are for staff; the coordinator sees counts."""

import streamlit as st

from dashboard.core.i18n import current_language, fmt_date, fmt_number, t, tm
from dashboard.services.volunteers import register as vol
from dashboard.services.volunteers import work
from dashboard.ui import widgets as ui

db, actor = ui.db(), ui.actor()


opportunity_id, opportunity = ui.detail_header(lambda i: work.get_opportunity(db, actor, i),
                                               back_to="oferty-wolontariatu", back_key="volunteer_work.back",
                                               title_key="page.opportunity", not_found_key="volunteer_work.not_found")
# Outcomes belong to this opportunity and to the part of the page that acted.
STATUS, DECIDE, ASSIGN = (f"opportunity_status_{opportunity_id}", f"opportunity_decide_{opportunity_id}",
                          f"opportunity_assign_{opportunity_id}")

st.title(opportunity["title"])
ui.show_flash()
skill_table = vol.skills(db)
skill_names = dict(zip(skill_table["code"], skill_table["name_pl" if current_language() == "pl" else "name_en"]))
writable = actor.can("write")
start, end = opportunity["starts_at"], opportunity["ends_at"]
when = (f"{fmt_date(start)} {start:%H:%M}–{end:%H:%M}" if start.date() == end.date()
        else f"{fmt_date(start)} {start:%H:%M} – {fmt_date(end)} {end:%H:%M}")

c1, c2, c3, c4 = st.columns(4)
c1.metric(t("volunteer_work.status"), t(f"volunteer_work.status.{opportunity['status']}"), border=True)
c2.metric(t("volunteer_work.needed"), fmt_number(opportunity["needed"]), border=True)
c3.metric(t("volunteer_work.confirmed"), fmt_number(opportunity["confirmed"]), border=True)
c4.metric(t("volunteer_work.proposed"), fmt_number(opportunity["proposed"]), border=True)
host = (f"{ui.escape_md(opportunity['host_name'])} ({t('volunteer_work.host.' + opportunity['host_kind']).lower()})"
        if opportunity["host_name"] else t(f"volunteer_work.host.{opportunity['host_kind']}"))
st.markdown(
    f"**{t('volunteer_work.host')}:** {host}  \n**{t('volunteer_work.when')}:** {when}  \n"
    f"**{t('volunteer_work.place')}:** {ui.escape_md(opportunity['place'] or '—')}  \n"
    f"**{t('volunteer_work.skills')}:** {', '.join(skill_names.get(c, c) for c in opportunity['skills']) or '—'}"
    + (f"  \n:material/child_care: {t('volunteer_work.with_children')}" if opportunity["with_children"] else ""))
if opportunity["description"]:
    st.caption(opportunity["description"])
if opportunity["host_kind"] == "organisation":
    st.page_link(st.session_state["_pages"]["organizacja"], label=t("volunteer_work.open_host"),
                 icon=":material/badge:", query_params={"id": str(opportunity["organisation_id"])})
elif opportunity["host_kind"] == "initiative":
    st.page_link(st.session_state["_pages"]["inicjatywa"], label=t("volunteer_work.open_host"),
                 icon=":material/location_city:", query_params={"id": str(opportunity["initiative_id"])})

moves = work.STATUS_MOVES[opportunity["status"]]
if writable and moves:
    def change_status(status: str) -> None:
        ok, _ = ui.run_service(STATUS, lambda: work.set_opportunity_status(db, actor, opportunity_id, status))
        if ok:
            ui.flash(t("volunteer_work.status_changed", status=t(f"volunteer_work.status.{status}")), form=STATUS)

    cols = st.columns(len(moves) + 2)
    for column, status in zip(cols, moves):
        column.button(t(f"volunteer_work.move.{status}"), key=f"opp_move_{status}", on_click=change_status,
                      args=(status,), type="secondary", width="stretch")
    if "cancelled" in moves:
        st.caption(t("volunteer_work.cancel_help"))
    ui.outcome(STATUS)

people = work.opportunity_assignments(db, actor, opportunity_id)
active = people[people["status"] != "declined"]
uninsured = active[active["uninsured"]]
st.subheader(t("volunteer_work.assignments"))
if not uninsured.empty:
    if actor.can("personal"):
        names = ", ".join(uninsured["volunteer"].fillna("—"))
        st.warning(t("volunteer_work.uninsured_named", names=names), icon=":material/health_and_safety:")
    else:
        st.warning(t("volunteer_work.uninsured_count", count=len(uninsured)), icon=":material/health_and_safety:")

if people.empty:
    st.info(t("volunteer_work.no_assignments"))
elif not actor.can("personal"):
    counts = people.groupby("status").size()
    st.markdown(t("volunteer_work.assignment_counts", **{s: int(counts.get(s, 0))
                                                          for s in ("confirmed", "proposed", "declined")}))
    st.caption(t("volunteer_work.names_hidden"))
else:
    def decide(assignment_id: int, confirm: bool) -> None:
        call = work.confirm if confirm else work.decline
        ok, _ = ui.run_service(DECIDE, lambda: call(db, actor, assignment_id))
        if ok:
            ui.flash(t("volunteer_work.confirmed_done" if confirm else "volunteer_work.declined_done"), form=DECIDE)

    widths = [4, 3, 3, 2, 2, 4]
    head = st.columns(widths)
    for column, label in zip(head, ("volunteer_work.volunteer", "volunteer_work.assignment_state",
                                    "volunteer_work.agreement", "volunteer_work.hours_approved",
                                    "volunteer_work.hours_pending", "volunteer_work.decision")):
        column.caption(t(label))
    for row in people.itertuples():
        cols = st.columns(widths, vertical_alignment="center")
        cols[0].page_link(st.session_state["_pages"]["wolontariusz"], label=row.volunteer or "—",
                          query_params={"id": str(row.volunteer_id)}, icon=":material/person:")
        cols[1].markdown(t(f"volunteer_work.assignment_status.{row.status}"))
        insurance = (f" · :orange[{t('volunteer_work.no_nnw')}]" if row.uninsured and row.status != "declined" else "")
        cols[2].markdown(t(f"volunteer_work.form.{row.agreement_form}", days=int(row.agreement_days)) + insurance)
        cols[3].markdown(fmt_number(row.hours_approved, digits=1))
        cols[4].markdown(fmt_number(row.hours_pending, digits=1))
        if writable and row.status == "proposed":
            with cols[5]:
                b1, b2 = st.columns(2, gap="small")
                b1.button(t("volunteer_work.confirm"), key=f"asg_confirm_{row.id}", on_click=decide,
                          args=(int(row.id), True), type="primary", width="stretch")
                b2.button(t("volunteer_work.decline"), key=f"asg_decline_{row.id}", on_click=decide,
                          args=(int(row.id), False), width="stretch")
    ui.outcome(DECIDE)
    if not uninsured.empty:
        st.caption(t("volunteer_work.nnw_help"))
    if writable and (people["status"] == "confirmed").any():
        st.page_link(st.session_state["_pages"]["godziny-wolontariatu"], label=t("volunteer_work.log_hours_link"),
                     icon=":material/more_time:")

if not writable:
    st.stop()

st.subheader(t("volunteer_work.matching"))
if opportunity["status"] != "open":
    st.info(t("volunteer_work.matching_closed"))
    st.stop()

def assign(volunteer_id: int, name: str) -> None:
    st.session_state["_assign_last"] = (opportunity_id, volunteer_id)
    ok, _ = ui.run_service(ASSIGN, lambda: work.assign(db, actor, opportunity_id, volunteer_id))
    if ok:
        ui.flash(t("volunteer_work.assigned", name=name), form=ASSIGN,
                 link=("wolontariusz", volunteer_id, t("volunteer_work.open_volunteer", name=name)))
    else:
        st.session_state[f"_assign_refused_{opportunity_id}"] = name


last = st.session_state.get("_assign_last")
last_id = last[1] if last and last[0] == opportunity_id else None
drawn: set[int] = set()


def outcome_by(volunteer_id: int) -> None:
    """The assignment's outcome under the row whose button was clicked (where the person looks), once."""
    if volunteer_id == last_id and not drawn:
        drawn.add(volunteer_id)
        if ui.message(ASSIGN) is not None:
            st.error(t("volunteer_work.assign_refused", name=st.session_state.get(f"_assign_refused_{opportunity_id}", ""))
                     + "  \n" + ui.refusal_text(ASSIGN), icon=":material/block:")
        else:
            ui.outcome(ASSIGN)


candidates = work.matching(db, actor, opportunity_id, limit=20)
shown_ids = set(candidates["id"].astype(int)) if not candidates.empty else set()

# Anyone in the register, found by name: a new volunteer (a candidate) or one ranked below the list.
search_key = f"opp_search_{opportunity_id}"
query = st.text_input(t("volunteer_work.search"), key=search_key, placeholder=t("volunteer_work.search_placeholder"),
                      help=t("volunteer_work.search_help"), icon=":material/search:")
found, total = work.find_for_opportunity(db, actor, opportunity_id, query, limit=20) if query else ([], 0)
if query:
    found_ids = {p["id"] for p in found}
    if last_id is not None and last_id not in found_ids and last_id not in shown_ids:
        outcome_by(last_id)  # assigned from the search: the person left the lists, the outcome stays here
    if not found:
        st.info(t("volunteer_work.search_none", text=query))
    else:
        st.caption(t("volunteer_work.search_count", count=total, shown=len(found)) if total > len(found)
                   else t("volunteer_work.search_found", count=total))
    for person in found:
        name = f"{person['last_name']} {person['first_name']}"
        cols = st.columns([4, 2, 5, 2], vertical_alignment="center")
        cols[0].page_link(st.session_state["_pages"]["wolontariusz"], label=name,
                          query_params={"id": str(person["id"])}, icon=":material/person:")
        cols[1].markdown(t(f"volunteers.status.{person['status']}"))
        if person["assigned"]:
            cols[2].markdown(f":green[{t('volunteer_work.already_assigned')}]")
        elif person["missing"]:
            cols[2].markdown("  \n".join([f"**{t('volunteer_work.missing')}**"] + [
                f":orange[{ui.escape_md(tm(m))}]" for m in person["missing"].values()]))
            cols[2].page_link(st.session_state["_pages"]["wolontariusz"], label=t("volunteer_work.fix_on_card"),
                              query_params={"id": str(person["id"])}, icon=":material/edit:")
        else:
            cols[2].markdown(f":green[{t('volunteer_work.ready')}]")
        cols[3].button(t("volunteer_work.assign"), key=f"assign_found_{person['id']}", on_click=assign,
                       args=(int(person["id"]), name), icon=":material/person_add:", width="stretch",
                       disabled=not person["assignable"],
                       help=None if person["assignable"] else t("volunteer_work.assign_blocked"))
        outcome_by(int(person["id"]))
    st.divider()
elif last_id is not None and last_id not in shown_ids:
    outcome_by(last_id)  # assigned from the list: the person moved up to the assignments

if candidates.empty:
    st.info(t("volunteer_work.no_candidates"))
    st.stop()
st.caption(t("volunteer_work.matching_help", wanted=len(opportunity["skills"])))
widths = [4, 4, 2, 2, 2]
head = st.columns(widths)
for column, label in zip(head, ("volunteer_work.volunteer", "volunteer_work.skills_matched",
                                "volunteer_work.availability_matched", "volunteer_work.agreement_for_dates", "")):
    column.caption(t(label) if label else "")
for row in candidates.itertuples():
    name = f"{row.last_name} {row.first_name}"
    cols = st.columns(widths, vertical_alignment="center")
    cols[0].page_link(st.session_state["_pages"]["wolontariusz"], label=name, query_params={"id": str(row.id)},
                      icon=":material/person:")
    matched = [skill_names.get(c, c) for c in row.skills if c in opportunity["skills"]]
    cols[1].markdown(f"**{row.skill_overlap}** · {ui.escape_md(', '.join(matched))}" if matched else "0")
    cols[2].markdown(fmt_number(row.availability_overlap))
    cols[3].markdown(f":green[{t('volunteer_work.agreement_ok')}]" if row.has_agreement
                     else f":orange[{t('volunteer_work.agreement_missing')}]")
    cols[4].button(t("volunteer_work.assign"), key=f"assign_{row.id}", on_click=assign, args=(int(row.id), name),
                   icon=":material/person_add:", width="stretch")
    if int(row.id) not in {p["id"] for p in found}:
        outcome_by(int(row.id))
