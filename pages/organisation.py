"""One organisation: its details, edit form (staff, admin) and change history."""

import streamlit as st

from dashboard.ui.forms import organisation as forms
from dashboard.ui import widgets as ui
from dashboard.core.i18n import fmt_date, fmt_datetime, t
from dashboard.core.privacy import show
from dashboard.services.admin import audit
from dashboard.services.register import organisations

db, actor = ui.db(), ui.actor()
organisation_id, org = ui.detail_header(lambda i: organisations.get(db, actor, i), back_to="organizacje",
                                        back_key="org.back_to_list", title_key="page.organisation",
                                        not_found_key="org.not_found")

st.title(org["name"])
ui.show_flash()
osiedla = organisations.osiedla(db)
osiedle = dict(zip(osiedla["id"].astype(int), osiedla["name"])).get(org["osiedle_id"], "—")
c1, c2, c3 = st.columns(3)
c1.markdown(f"**{t('org.legal_form')}:** {t('legal_form.' + org['legal_form'])}  \n"
            f"**{t('org.krs')}:** {org['krs'] or '—'}  \n**{t('org.nip')}:** {org['nip'] or '—'}  \n"
            f"**{t('org.regon')}:** {org['regon'] or '—'}")
c2.markdown(f"**{t('org.address')}:** {ui.escape_md(' '.join(filter(None, [org['street'], org['postal_code'], org['city']]))) or '—'}  \n"
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
    with st.expander(t("org.edit"), expanded=bool(ui.form_errors(form) or ui.duplicates(form))):
        def saved(_):
            ui.flash(t("org.updated"))
            st.session_state.pop("_org_edit_loaded", None)

        forms.organisation_form(
            form, t("common.save"),
            save=lambda values, confirm: organisations.update(db, actor, organisation_id, values,
                                                               confirm_duplicate=confirm),
            on_saved=saved,
        )

if actor.can("audit"):
    with st.expander(t("audit.for_record")):
        history = audit.history(db, actor, entity="organisation", entity_id=str(organisation_id), limit=50)
        history["at_utc"] = history["at_utc"].map(fmt_datetime)
        ui.table(history, {"at_utc": "audit.at", "username": "audit.user", "action": "audit.action",
                           "before": "audit.before", "after": "audit.after"})
