"""The volunteer register: filter and find a volunteer, open one, export the list; the retention review."""

import pandas as pd
import streamlit as st

from dashboard.core import exports, i18n
from dashboard.core.i18n import fmt_number, t
from dashboard.services.register import organisations
from dashboard.services.volunteers import gdpr as volunteer_gdpr
from dashboard.services.volunteers import register as volunteers
from dashboard.ui import cells
from dashboard.ui import widgets as ui

LIMIT = 500  # rows drawn; the count says how many match, the filters narrow it down
db, actor = ui.db(), ui.actor()
st.title(t("page.volunteers"))
ui.show_flash()

counts = volunteers.status_counts(db, actor)
columns = st.columns(len(counts) + 1)
for column, (status, count) in zip(columns, counts.items()):
    column.metric(t(f"volunteers.status_plural.{status}"), fmt_number(count), border=True)
if actor.can("write") and columns[-1].button(t("page.volunteer_new"), icon=":material/person_add:", type="primary"):
    ui.goto("nowy-wolontariusz")

skills = volunteers.skills(db)
lang = i18n.current_language()
skill_names = dict(zip(skills["code"], skills["name_pl" if lang == "pl" else "name_en"]))
osiedla = organisations.osiedla(db)
osiedle_names = dict(zip(osiedla["id"].astype(int), osiedla["name"]))
c1, c2, c3, c4 = st.columns([3, 2, 2, 2])
text = c1.text_input(t("volunteers.list.search"), key="vol_search", placeholder=t("volunteers.list.search_hint"))
status = c2.selectbox(t("volunteers.list.status"), [None, *volunteers.STATUSES], key="vol_filter_status",
                      format_func=lambda s: t("common.all") if s is None else t(f"volunteers.status.{s}"))
skill = c3.selectbox(t("volunteers.list.skill"), [None, *skill_names], key="vol_filter_skill",
                     format_func=lambda c: t("common.all") if c is None else skill_names[c])
osiedle_id = c4.selectbox(t("volunteers.list.osiedle"), [None, *osiedle_names], key="vol_filter_osiedle",
                          format_func=lambda i: t("common.all") if i is None else osiedle_names[i])

filters = {"skill": skill, "osiedle_id": osiedle_id, "text": text}
found = volunteers.list_volunteers(db, actor, status, LIMIT, **filters)
total = volunteers.count_volunteers(db, actor, status, **filters)
st.caption(t("volunteers.list.found", count=fmt_number(total), total=fmt_number(sum(counts.values())))
           + (" " + t("volunteers.list.limited", limit=fmt_number(LIMIT)) if total > LIMIT else ""))

if found.empty:
    st.info(t("volunteers.list.none_found"))
else:
    # Written per column (up to 500 rows), each status translated once.
    shown = pd.DataFrame({
        "name": found["last_name"] + " " + found["first_name"],
        "status": cells.translated(found["status"], "volunteers.status.{}"),
        "email": found["email"], "phone": found["phone"], "osiedle": found["osiedle"].fillna(""),
        "skills": [", ".join(skill_names.get(c, c) for c in codes) for codes in found["skills"]],
        "languages": [", ".join(codes) for codes in found["languages"]],
        "status_since": cells.dates(found["status_since"], lang),
    })
    headers = {"name": "volunteers.list.name", "status": "volunteers.list.status", "email": "volunteers.form.email",
               "phone": "volunteers.form.phone", "osiedle": "volunteers.list.osiedle",
               "skills": "volunteers.form.skills", "languages": "volunteers.form.languages",
               "status_since": "volunteers.list.status_since"}
    picked = ui.table(shown, headers, on_select="rerun", selection_mode="single-row", key="vol_table")
    rows = picked.selection.rows if picked else []
    if rows:
        ui.goto("wolontariusz", id=int(found.iloc[rows[0]]["id"]))
    st.caption(t("volunteers.list.open_hint"))
    export = shown.rename(columns={c: t(k) for c, k in headers.items()})
    sheet = t("page.volunteers")  # translated now: the download runs later, outside this session
    downloads = st.container(horizontal=True)
    downloads.download_button(t("common.export_csv"), lambda: exports.to_csv(export), file_name="wolontariusze.csv",
                              mime="text/csv", icon=":material/download:")
    downloads.download_button(t("common.export_xlsx"), lambda: exports.to_xlsx(export, sheet),
                              file_name="wolontariusze.xlsx", icon=":material/download:",
                              mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

if actor.can("write"):
    st.subheader(t("volunteers.review.title"))
    review = volunteer_gdpr.retention_review(db, actor)
    st.caption(t("volunteers.review.hint", months=volunteer_gdpr.retention_months(db)))
    if review.empty:
        st.success(t("volunteers.review.none"))
    else:
        due = pd.DataFrame({"name": review["last_name"] + " " + review["first_name"],
                            "status_since": cells.dates(review["status_since"], lang)})
        picked = ui.table(due, {"name": "volunteers.list.name", "status_since": "volunteers.review.inactive_since"},
                          on_select="rerun", selection_mode="single-row", key="vol_review_table")
        rows = picked.selection.rows if picked else []
        if rows:
            ui.goto("wolontariusz", id=int(review.iloc[rows[0]]["id"]))
        st.caption(t("volunteers.review.open_hint", count=len(review)))
