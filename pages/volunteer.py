"""One volunteer: the record, consents, agreements, safety, assignments and hours, documents and RODO rights.

Staff manage everything here; the coordinator sees the same sections read-only, with contact data masked
and without birth data, guardian names, notes or the RODO tools.
"""

import json
from datetime import date

import pandas as pd
import streamlit as st

from dashboard.core import clock, i18n
from dashboard.core.i18n import fmt_date, fmt_datetime, fmt_money, fmt_number, t, tm
from dashboard.services.admin import audit
from dashboard.services.register import organisations
from dashboard.services.volunteers import gdpr as volunteer_gdpr
from dashboard.services.volunteers import register as volunteers
from dashboard.services.volunteers import work as volunteer_work
from dashboard.ui import widgets as ui
from dashboard.ui.forms import volunteer as volunteer_form

ACTION = "vol_action"
db, actor = ui.db(), ui.actor()
volunteer_id, person = ui.detail_header(lambda i: volunteers.get_volunteer(db, actor, i), back_to="wolontariusze",
                                        back_key="volunteers.back", title_key="page.volunteer",
                                        not_found_key="volunteers.not_found")

standing = volunteers.standing(db, actor, person)
state = standing["state"]
personal = actor.can("personal")
can_write = actor.can("write") and state == "allowed"
age_group = standing["age_group"]  # None once anonymisation erased the birth data
minor = age_group == "minor"
summary = volunteers.hours_summary(db, actor, volunteer_id)
st.title(f"{person['first_name']} {person['last_name']}")
ui.show_flash()
if state == "stopped":
    st.error(t("volunteers.state.stopped"), icon=":material/block:")
elif state == "anonymised":
    st.info(t("volunteers.state.anonymised", date=fmt_datetime(person["anonymised_at"])), icon=":material/visibility_off:")
elif not actor.can("write"):
    st.caption(t("volunteers.read_only"))

c1, c2, c3, c4 = st.columns(4)
c1.metric(t("volunteers.list.status"), t(f"volunteers.status.{person['status']}"), border=True,
          help=t("volunteers.since", date=fmt_date(person["status_since"])))
c2.metric(t("volunteers.age"), {"minor": t("volunteers.minor_short"), "adult": t("volunteers.adult_short")}.get(age_group, "—"),
          border=True)
c3.metric(t("volunteers.hours.approved"), fmt_number(summary["approved"], digits=1), border=True)
c4.metric(t("volunteers.hours.value"), fmt_money(summary["approved"] * volunteer_work.hourly_rate(db)), border=True)


def show_problems(form: str, *, drawn: tuple[str, ...] = ()) -> None:
    """Every message a refused action left (except those drawn under their own field), or a non-field one."""
    errors = ui.form_errors(form)
    for field, message in errors.items():
        if field not in drawn:
            st.error(tm(message))
    if not errors:
        ui.form_message(form)


def act(form: str, call, done: str) -> bool:
    """Run a service from a button's callback; a flash on success, the messages stay for the next draw."""
    ok, _ = ui.run_service(form, call)
    if ok:
        ui.flash(done)
    return ok


def pick_date(label: str, key: str, **kwargs) -> None:
    st.session_state.setdefault(key, clock.today())
    st.date_input(label, key=key, format="DD.MM.YYYY", max_value=kwargs.pop("max_value", clock.today()), **kwargs)


labels = {"data": t("volunteers.tab.data"), "consents": t("volunteers.tab.consents"),
          "agreements": t("volunteers.tab.agreements"), "safety": t("volunteers.tab.safety"),
          "work": t("volunteers.tab.work"), "documents": t("volunteers.tab.documents")}
if personal:
    labels["gdpr"] = t("volunteers.tab.gdpr")
tabs = dict(zip(labels, st.tabs(list(labels.values()), key="vol_tab", on_change="rerun")))

# -- the record -----------------------------------------------------------------------------------------------
if tabs["data"].open:
    with tabs["data"]:
        skills = volunteers.skills(db)
        skill_names = dict(zip(skills["code"], skills["name_pl" if i18n.current_language() == "pl" else "name_en"]))
        osiedla = organisations.osiedla(db)
        osiedle = dict(zip(osiedla["id"].astype(int), osiedla["name"])).get(person["osiedle_id"], "—")
        if personal:
            birth = fmt_date(person["birth_date"]) if person["birth_date"] else (person["birth_year"] or "—")
        else:
            birth = {"minor": t("volunteers.minor"), "adult": t("volunteers.adult")}.get(age_group, "—")
        c1, c2 = st.columns(2)
        c1.markdown(f"**{t('volunteers.form.email')}:** {ui.escape_md(person['email']) or '—'}  \n"
                    f"**{t('volunteers.form.phone')}:** {ui.escape_md(person['phone']) or '—'}  \n"
                    f"**{t('volunteers.birth')}:** {birth}  \n"
                    f"**{t('volunteers.form.osiedle')}:** {osiedle}  \n"
                    f"**{t('volunteers.registered')}:** {fmt_date(person['created_at'])} · "
                    f"**{t('volunteers.list.status_since')}:** {fmt_date(person['status_since'])}  \n"
                    f"**{t('volunteers.form.found_via')}:** "
                    f"{ui.escape_md(volunteer_form.found_via_label(person['found_via'])) or '—'}")
        c2.markdown(f"**{t('volunteers.form.skills')}:** "
                    f"{', '.join(skill_names.get(c, c) for c in person['skills']) or '—'}  \n"
                    f"**{t('volunteers.form.tags')}:** {ui.escape_md(', '.join(person['tags'])) or '—'}  \n"
                    f"**{t('volunteers.form.languages')}:** "
                    f"{', '.join(volunteer_form.language_name(c) for c in person['languages']) or '—'}")
        grid = pd.DataFrame(
            [["✓" if f"{day}_{part}" in person["availability"] else "" for day in volunteers.WEEKDAYS]
             for part in volunteers.PARTS],
            index=[t(f"volunteers.part.{p}") for p in volunteers.PARTS],
            columns=[t(f"weekday_short.{i}") for i in range(7)])
        st.markdown(f"**{t('volunteers.form.availability')}**")
        st.dataframe(grid, width="content")
        if personal and person["notes"]:
            st.caption(ui.escape_md(person["notes"]))
        if can_write:
            form = f"vol_edit_{volunteer_id}"
            if st.session_state.get("_vol_edit_loaded") != volunteer_id:
                volunteer_form.load(form, person)
                st.session_state["_vol_edit_loaded"] = volunteer_id

            def save(form: str) -> None:
                ok, _ = ui.run_service(form, lambda: volunteers.update(
                    db, actor, volunteer_id, volunteer_form.values(form, with_consents=False)))
                if ok:
                    ui.flash(t("volunteers.updated"))
                    st.session_state.pop("_vol_edit_loaded", None)

            with st.expander(t("volunteers.edit"), expanded=bool(ui.form_errors(form))):
                ui.form_message(form)
                with st.form(form, enter_to_submit=False):
                    volunteer_form.fields(form, with_consents=False, skills=skills, osiedla=osiedla)
                    st.form_submit_button(t("common.save"), type="primary", on_click=save, args=(form,))

# -- consents -------------------------------------------------------------------------------------------------
def add_consent(form: str, kind: str | None) -> None:
    values = st.session_state
    if act(form, lambda: volunteers.add_consent(db, actor, volunteer_id, kind or values[f"{form}__kind"],
                                                values[f"{form}__given_on"], values.get(f"{form}__scope"),
                                                values.get(f"{form}__guardian_name")),
           t("volunteers.consents.added")) and kind is None:
        values[f"{form}__guardian_name"] = values[f"{form}__scope"] = ""


def withdraw_consent(form: str) -> None:
    act(form, lambda: volunteers.withdraw_consent(db, actor, volunteer_id, st.session_state[f"{form}__kind"],
                                                  st.session_state[f"{form}__withdrawn_on"]),
        t("volunteers.consents.withdrawn_done"))


if tabs["consents"].open:
    with tabs["consents"]:
        consents = volunteers.consents(db, actor, volunteer_id)
        active_kinds = sorted(set(consents.loc[consents["withdrawn_on"].isna(), "kind"]))
        if minor:
            if "guardian" in active_kinds:
                st.success(t("volunteers.consents.minor_ok"))
            else:
                st.warning(t("volunteers.consents.minor_missing"))
        if consents.empty:
            st.info(t("volunteers.consents.none"))
        else:
            shown = consents.assign(
                kind=consents["kind"].map(lambda k: t(f"volunteers.consent.{k}")),
                state=consents["withdrawn_on"].map(lambda d: t("volunteers.consents.active") if pd.isna(d)
                                                   else t("volunteers.consents.withdrawn")),
                given_on=consents["given_on"].map(fmt_date), withdrawn_on=consents["withdrawn_on"].map(fmt_date),
                scope=consents["scope"].fillna(""), guardian_name=consents["guardian_name"].fillna(""))
            headers = {"kind": "volunteers.consents.kind", "state": "volunteers.consents.state",
                       "given_on": "volunteers.consents.given_on", "withdrawn_on": "volunteers.consents.withdrawn_on",
                       "scope": "volunteers.consents.scope", "guardian_name": "volunteers.form.guardian_name"}
            if not (consents["kind"] == "guardian").any():
                del headers["guardian_name"]
            ui.table(shown, headers)
        if actor.can("write") and state == "stopped":
            form = "vol_consent_renew"
            st.markdown(f"**{t('volunteers.consents.renew')}**")
            ui.form_message(form)
            with st.form(form, enter_to_submit=False):
                ui.field(form, "given_on", pick_date, t("volunteers.consents.given_on"))
                st.text_input(t("volunteers.consents.scope"), value=volunteer_form.DEFAULT_SCOPE, key=f"{form}__scope")
                st.form_submit_button(t("volunteers.consents.renew_submit"), on_click=add_consent, args=(form, "processing"))
        if can_write:
            c1, c2 = st.columns(2)
            with c1:
                form = "vol_consent_add"
                st.markdown(f"**{t('volunteers.consents.add')}**")
                ui.form_message(form)
                with st.form(form, enter_to_submit=False):
                    ui.field(form, "kind", st.selectbox, t("volunteers.consents.kind"),
                             ["photos", "newsletter", "guardian"], format_func=lambda k: t(f"volunteers.consent.{k}"))
                    ui.field(form, "given_on", pick_date, t("volunteers.consents.given_on"), min_value=date(2000, 1, 1))
                    ui.field(form, "guardian_name", st.text_input, t("volunteers.form.guardian_name"),
                             help=t("volunteers.consents.guardian_help"))
                    ui.field(form, "scope", st.text_input, t("volunteers.consents.scope"))
                    st.form_submit_button(t("volunteers.consents.add_submit"), on_click=add_consent, args=(form, None))
            with c2:
                form = "vol_consent_withdraw"
                st.markdown(f"**{t('volunteers.consents.withdraw')}**")
                ui.form_message(form)
                if not active_kinds:
                    st.caption(t("volunteers.consents.none_active"))
                else:
                    with st.form(form, enter_to_submit=False):
                        ui.field(form, "kind", st.selectbox, t("volunteers.consents.kind"), active_kinds,
                                 format_func=lambda k: t(f"volunteers.consent.{k}"))
                        ui.field(form, "withdrawn_on", pick_date, t("volunteers.consents.withdrawn_on"),
                                 min_value=date(2000, 1, 1))
                        st.caption(t("volunteers.consents.withdraw_hint"))
                        st.form_submit_button(t("volunteers.consents.withdraw_submit"), on_click=withdraw_consent,
                                              args=(form,))


# -- agreements (porozumienia) --------------------------------------------------------------------------------
def insurance_text(agreement: dict, insurance: str) -> str:
    if insurance == "zus":
        return t("volunteers.agreement.zus")
    if insurance == "nnw":
        return t("volunteers.agreement.nnw", policy=ui.escape_md(agreement["nnw_policy"]), date=fmt_date(agreement["nnw_on"]))
    if insurance == "waived":
        return t("volunteers.agreement.waived", by=ui.escape_md(agreement["waiver_by"] or ""),
                 date=fmt_date(agreement["waiver_on"]), reason=ui.escape_md(agreement["waiver_reason"]))
    return t("volunteers.agreement.no_insurance")


def agreement_card(agreement: dict) -> None:
    number = int(agreement["id"])
    form = f"vol_agr_{number}"
    insurance = volunteers.insurance(agreement)
    with st.container(border=True):
        st.markdown(f"**{t('volunteers.agreement.title', number=number)}** · "
                    f"{t('volunteers.agreement.status.' + agreement['status'])} · "
                    f"{t('volunteers.agreement.form.' + agreement['form'])}")
        st.markdown(
            t("volunteers.agreement.period", start=fmt_date(agreement["starts_on"]), end=fmt_date(agreement["ends_on"]),
                days=agreement["days"])
            + (f" · {t('volunteers.agreement.signed', date=fmt_date(agreement['signed_on']))}" if agreement["signed_on"] else "")
            + (f" · {t('volunteers.agreement.terminated', date=fmt_date(agreement['terminated_on']))}"
               if agreement["terminated_on"] else "")
            + f"  \n{t('volunteers.agreement.scope')}: {ui.escape_md(agreement['scope'])}"
            + ("" if "nnw_policy" in agreement["problems"] else f"  \n{insurance_text(agreement, insurance)}"))
        known = list(agreement["problems"].values())
        for message in known:
            st.warning(tm(message), icon=":material/gavel:")
        refused = list(ui.form_errors(form).values())
        if any(message in known for message in refused):
            st.error(t("volunteers.agreement.blocked"))
        for message in (m for m in refused if m not in known):
            st.error(tm(message))
        if not refused:
            ui.form_message(form)
        if not can_write or agreement["status"] == "ended":
            return
        actions = st.container(horizontal=True)
        if agreement["status"] == "draft":
            actions.button(t("volunteers.agreement.activate"), key=f"{form}__activate", type="primary",
                      on_click=lambda: act(form, lambda: volunteers.activate_agreement(db, actor, number),
                                           t("volunteers.agreement.activated", number=number)))
        if insurance in ("missing", "waived"):  # a policy may still replace a waiver
            with actions.popover(t("volunteers.agreement.insure"), icon=":material/health_and_safety:"):
                st.text_input(t("volunteers.agreement.policy") + " *", key=f"{form}__policy", placeholder="NNW/2026/123")
                pick_date(t("volunteers.agreement.insured_on"), f"{form}__insured_on", max_value=None)
                st.button(t("common.save"), key=f"{form}__insure", on_click=lambda: act(
                    form, lambda: volunteers.record_insurance(db, actor, number, st.session_state[f"{form}__policy"],
                                                              st.session_state[f"{form}__insured_on"]),
                    t("volunteers.agreement.insured")))
            if actor.can("settings") and insurance == "missing":
                with actions.popover(t("volunteers.agreement.waive"), icon=":material/policy:"):
                    st.caption(t("volunteers.agreement.waive_hint"))
                    st.text_area(t("volunteers.agreement.waiver_reason") + " *", key=f"{form}__reason", height=80)
                    st.button(t("volunteers.agreement.waive_submit"), key=f"{form}__waive", on_click=lambda: act(
                        form, lambda: volunteers.waive_insurance(db, actor, number, st.session_state[f"{form}__reason"]),
                        t("volunteers.agreement.waived_done")))
        if agreement["status"] != "active":
            return
        with actions.popover(t("volunteers.agreement.terminate"), icon=":material/event_busy:"):
            pick_date(t("volunteers.agreement.terminated_on"), f"{form}__terminated_on", max_value=None)
            st.button(t("volunteers.agreement.terminate_submit"), key=f"{form}__terminate", on_click=lambda: act(
                form, lambda: volunteers.terminate_agreement(db, actor, number,
                                                             st.session_state[f"{form}__terminated_on"]),
                t("volunteers.agreement.terminated_done")))


if tabs["agreements"].open:
    with tabs["agreements"]:
        st.caption(t("volunteers.agreement.rules"))
        agreements = volunteers.agreements(db, actor, volunteer_id)
        if not agreements:
            st.info(t("volunteers.agreement.none"))
        for agreement in agreements:
            agreement_card(agreement)
        if can_write:
            form = "vol_agr_new"

            def add_agreement(form: str) -> None:
                data = {f: st.session_state.get(f"{form}__{f}") for f in ("scope", "starts_on", "ends_on", "form", "signed_on")}
                act(form, lambda: volunteers.add_agreement(db, actor, volunteer_id, data), t("volunteers.agreement.added"))

            with st.expander(t("volunteers.agreement.add"), expanded=bool(ui.form_errors(form))):
                ui.form_message(form)
                with st.form(form, enter_to_submit=False):
                    ui.field(form, "scope", st.text_input, t("volunteers.agreement.scope") + " *", max_chars=1000)
                    c1, c2 = st.columns(2)
                    with c1:
                        ui.field(form, "starts_on", st.date_input, t("volunteers.agreement.starts_on") + " *",
                                 value=None, format="DD.MM.YYYY")
                    with c2:
                        ui.field(form, "ends_on", st.date_input, t("volunteers.agreement.ends_on") + " *", value=None,
                                 format="DD.MM.YYYY")
                    c1, c2 = st.columns(2)
                    with c1:
                        ui.field(form, "form", st.radio, t("volunteers.agreement.form_label"), list(volunteers.FORMS),
                                 format_func=lambda f: t(f"volunteers.agreement.form.{f}"), horizontal=True, index=1)
                    with c2:
                        ui.field(form, "signed_on", st.date_input, t("volunteers.agreement.signed_on"), value=None,
                                 format="DD.MM.YYYY")
                    st.form_submit_button(t("volunteers.agreement.add_submit"), type="primary", on_click=add_agreement,
                                          args=(form,))

# -- safety (art. 45; work with children) ---------------------------------------------------------------------
if tabs["safety"].open:
    with tabs["safety"]:
        check = ("—" if not person["child_check_on"] else t(
            "volunteers.safety.check_done", date=fmt_date(person["child_check_on"]),
            result=t("volunteers.safety.ok") if person["child_check_ok"] else t("volunteers.safety.not_ok")))
        st.markdown(f"**{t('volunteers.safety.bhp')}:** {fmt_date(person['bhp_briefing_on']) or '—'}  \n"
                    f"**{t('volunteers.safety.child_check')}:** {check}")
        st.caption(t("volunteers.safety.hint"))
        if can_write:
            form = "vol_safety"

            def save_safety(form: str) -> None:
                result = st.session_state[f"{form}__result"]
                act(form, lambda: volunteers.record_safety(
                    db, actor, volunteer_id, bhp_briefing_on=st.session_state[f"{form}__bhp"],
                    child_check_on=st.session_state[f"{form}__check_on"],
                    child_check_ok=None if result == "none" else result == "ok"), t("volunteers.safety.saved"))

            ui.form_message(form)
            with st.form(form, enter_to_submit=False):
                c1, c2, c3 = st.columns(3)
                with c1:
                    ui.field(form, "bhp_briefing_on", st.date_input, t("volunteers.safety.bhp"), key=f"{form}__bhp",
                             value=person["bhp_briefing_on"], max_value=clock.today(), format="DD.MM.YYYY")
                with c2:
                    ui.field(form, "child_check_on", st.date_input, t("volunteers.safety.check_on"),
                             key=f"{form}__check_on", value=person["child_check_on"], max_value=clock.today(),
                             format="DD.MM.YYYY")
                with c3:
                    st.selectbox(t("volunteers.safety.result"), ["none", "ok", "not_ok"], key=f"{form}__result",
                                 index=0 if person["child_check_ok"] is None else 1 if person["child_check_ok"] else 2,
                                 format_func=lambda r: t(f"volunteers.safety.result.{r}"))
                st.form_submit_button(t("common.save"), type="primary", on_click=save_safety, args=(form,))

# -- assignments and hours ------------------------------------------------------------------------------------
if tabs["work"].open:
    with tabs["work"]:
        work = volunteers.assignments_of(db, actor, volunteer_id)
        c1, c2, c3 = st.columns(3)
        c1.metric(t("volunteers.hours.approved"), fmt_number(summary["approved"], digits=1), border=True)
        c2.metric(t("volunteers.hours.pending"), fmt_number(summary["pending"], digits=1), border=True)
        c3.metric(t("volunteers.work.count"), fmt_number(int((work["status"] != "declined").sum())), border=True)
        if summary["first"]:
            st.caption(t("volunteers.hours.period", start=fmt_date(summary["first"]), end=fmt_date(summary["last"]),
                         rate=fmt_money(volunteer_work.hourly_rate(db))))
        if work.empty:
            st.info(t("volunteers.work.none"))
        else:
            shown = work.assign(
                period=[f"{fmt_datetime(a)} – {fmt_datetime(b)}" for a, b in zip(work["starts_at"], work["ends_at"])],
                host=work["host_kind"].map(lambda h: t(f"volunteers.host.{h}")),
                status=work["status"].map(lambda s: t(f"volunteers.assignment.{s}")),
                approved_hours=work["approved_hours"].map(lambda h: fmt_number(h, digits=1)),
                pending_hours=work["pending_hours"].map(lambda h: fmt_number(h, digits=1)))
            picked = ui.table(shown, {"title": "volunteers.work.opportunity", "host": "volunteers.work.host",
                                      "period": "volunteers.work.period", "status": "volunteers.list.status",
                                      "approved_hours": "volunteers.hours.approved",
                                      "pending_hours": "volunteers.hours.pending"},
                              on_select="rerun", selection_mode="single-row", key="vol_work_table")
            rows = picked.selection.rows if picked else []
            if rows:
                ui.goto("oferta-wolontariatu", id=int(work.iloc[rows[0]]["opportunity_id"]))
            st.caption(t("volunteers.work.open_hint"))
        if can_write and (work["status"] == "confirmed").any():
            if st.button(t("volunteers.work.log_hours"), icon=":material/more_time:", key="vol_log_hours"):
                ui.goto("godziny-wolontariatu", volunteer=volunteer_id)

# -- documents: zaświadczenie and opinia ----------------------------------------------------------------------
def request_document(form: str) -> None:
    act(form, lambda: volunteer_gdpr.request_document(db, actor, volunteer_id, st.session_state[f"{form}__kind"],
                                                      st.session_state[f"{form}__requested_on"]),
        t("volunteers.docs.requested"))


def prepare_pdf(form: str, document_id: int, kind: str) -> None:
    """Make the PDF (which records the issue date) and keep it for the download button below."""
    if kind == "certificate":
        ok, pdf = ui.run_service(form, lambda: volunteer_gdpr.certificate_pdf(db, actor, document_id))
    else:
        ok, pdf = ui.run_service(form, lambda: volunteer_gdpr.reference_pdf(
            db, actor, document_id, st.session_state.get(f"{form}__assessment")))
    st.session_state["_vol_doc_pdf"] = (document_id, pdf) if ok else None


def mark_issued(form: str, document_id: int) -> None:
    act(form, lambda: volunteer_gdpr.mark_issued(db, actor, document_id, st.session_state[f"{form}__issued_on"]),
        t("volunteers.docs.issued"))


if tabs["documents"].open:
    with tabs["documents"]:
        documents = volunteer_gdpr.documents(db, actor, volunteer_id)
        if documents.empty:
            st.info(t("volunteers.docs.none"))
        else:
            ui.table(documents.assign(kind=documents["kind"].map(lambda k: t(f"volunteers.docs.kind.{k}")),
                                      requested_on=documents["requested_on"].map(fmt_date),
                                      issued_on=documents["issued_on"].map(fmt_date)),
                     {"id": "volunteers.docs.number", "kind": "volunteers.docs.kind_label",
                      "requested_on": "volunteers.docs.requested_on", "issued_on": "volunteers.docs.issued_on"})
        if can_write:
            c1, c2 = st.columns(2)
            with c1:
                form = "vol_doc_request"
                st.markdown(f"**{t('volunteers.docs.request')}**")
                ui.form_message(form)
                with st.form(form, enter_to_submit=False):
                    st.selectbox(t("volunteers.docs.kind_label"), ["certificate", "reference"], key=f"{form}__kind",
                                 format_func=lambda k: t(f"volunteers.docs.kind.{k}"))
                    ui.field(form, "requested_on", pick_date, t("volunteers.docs.requested_on"))
                    st.form_submit_button(t("volunteers.docs.request_submit"), on_click=request_document, args=(form,))
            with c2:
                if not documents.empty:
                    form = "vol_doc_issue"
                    names = {int(r.id): f"{t('volunteers.docs.kind.' + r.kind)} nr {int(r.id)} "
                                        f"({fmt_date(r.requested_on)})" for r in documents.itertuples()}
                    st.markdown(f"**{t('volunteers.docs.issue')}**")
                    chosen = st.selectbox(t("volunteers.docs.which"), list(names), format_func=names.get,
                                          key=f"{form}__id")
                    kind = documents.set_index("id").loc[chosen, "kind"]
                    show_problems(form, drawn=("assessment",))
                    ready = st.session_state.get("_vol_doc_pdf")
                    if kind == "certificate":
                        st.button(t("volunteers.docs.prepare_certificate"), icon=":material/workspace_premium:",
                                  on_click=prepare_pdf, args=(form, chosen, kind), key=f"{form}__certificate")
                    else:
                        ui.field(form, "assessment", st.text_area, t("volunteers.docs.assessment") + " *", height=120,
                                 help=t("volunteers.docs.assessment_help"))
                        st.button(t("volunteers.docs.prepare_reference"), icon=":material/rate_review:",
                                  on_click=prepare_pdf, args=(form, chosen, kind), key=f"{form}__reference")
                    if ready and ready[0] == chosen:
                        prefix = "zaswiadczenie" if kind == "certificate" else "opinia"
                        st.download_button(t("volunteers.docs.download"), ready[1], type="primary",
                                           file_name=f"{prefix}-{volunteer_id}-{chosen}.pdf", mime="application/pdf",
                                           icon=":material/picture_as_pdf:", key=f"{form}__download")
                    with st.popover(t("volunteers.docs.mark_issued"), icon=":material/task_alt:"):
                        st.caption(t("volunteers.docs.mark_issued_hint"))
                        pick_date(t("volunteers.docs.issued_on"), f"{form}__issued_on")
                        st.button(t("common.save"), key=f"{form}__mark", on_click=mark_issued, args=(form, chosen))

# -- RODO: export and erasure ---------------------------------------------------------------------------------
if "gdpr" in tabs and tabs["gdpr"].open:
    with tabs["gdpr"]:
        st.markdown(f"**{t('volunteers.gdpr.export')}**")
        st.caption(t("volunteers.gdpr.export_hint"))
        downloads = st.container(horizontal=True)
        downloads.download_button(
            t("volunteers.gdpr.json"), icon=":material/data_object:", mime="application/json",
            data=lambda: json.dumps(volunteer_gdpr.export_volunteer(db, actor, volunteer_id), ensure_ascii=False,
                                    indent=1).encode("utf-8"),
            file_name=f"wolontariusz-{volunteer_id}.json")
        downloads.download_button(t("volunteers.gdpr.pdf"), lambda: volunteer_gdpr.export_pdf(db, actor, volunteer_id),
                           file_name=f"wolontariusz-{volunteer_id}.pdf", mime="application/pdf",
                           icon=":material/picture_as_pdf:")
        if actor.can("write") and state != "anonymised":
            st.markdown(f"**{t('volunteers.gdpr.anonymise')}**")
            st.warning(t("volunteers.gdpr.anonymise_hint"))
            confirm = st.checkbox(t("volunteers.gdpr.confirm"), key="vol_anonymise_confirm")
            st.button(t("volunteers.gdpr.anonymise_submit"), type="primary", disabled=not confirm,
                      icon=":material/visibility_off:", key="vol_anonymise",
                      on_click=lambda: act(ACTION, lambda: volunteer_gdpr.anonymise(db, actor, volunteer_id),
                                           t("volunteers.gdpr.anonymised")))
            show_problems(ACTION)
        if actor.can("audit"):
            with st.expander(t("audit.for_record")):
                history = audit.history(db, actor, entity="volunteer", entity_id=str(volunteer_id), limit=50)
                history["at_utc"] = history["at_utc"].map(fmt_datetime)
                ui.table(history, {"at_utc": "audit.at", "username": "audit.user", "action": "audit.action",
                                   "before": "audit.before", "after": "audit.after"})
