"""Administration (admin): the database file, its schema version and a backup to download."""

from pathlib import Path

import streamlit as st

from dashboard import ui
from dashboard.i18n import fmt_number, t
from dashboard.services import backup

db, actor = ui.db(), ui.actor()
st.title(t("page.administration"))

info = backup.inspect(db)
c1, c2, c3 = st.columns(3)
c1.metric(t("admin.schema_version"), info["schema_version"], border=True)
c2.metric(t("admin.rows"), fmt_number(sum(info["counts"].values())), border=True)
c3.metric(t("admin.file_size"), f"{Path(db.path).stat().st_size / 1_048_576:.1f} MB" if Path(db.path).exists() else "—",
          border=True)

st.subheader(t("admin.backup"))
st.caption(t("admin.backup_help"))
if st.button(t("admin.backup_make"), icon=":material/backup:", key="admin_backup"):
    path = backup.create_backup(db, actor, ui.config().backup_dir)
    st.session_state["_admin_backup_path"] = str(path)
made = st.session_state.get("_admin_backup_path")
if made and Path(made).exists():
    st.success(t("admin.backup_done", name=Path(made).name))
    st.download_button(t("admin.backup_download"), data=Path(made).read_bytes(), file_name=Path(made).name,
                       mime="application/octet-stream", icon=":material/download:")

with st.expander(t("admin.row_counts")):
    st.dataframe({t("admin.table"): list(info["counts"]), t("admin.rows"): list(info["counts"].values())},
                 hide_index=True)
