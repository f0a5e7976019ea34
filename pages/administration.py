"""Administration (admin): the database file, its backups (made now or daily) and how long daily ones are kept."""

from functools import partial
from pathlib import Path

import streamlit as st

from dashboard.core import clock, i18n
from dashboard.core.i18n import fmt_datetime, fmt_number, t
from dashboard.services.admin import app_settings, backup
from dashboard.ui import widgets as ui

db, actor = ui.db(), ui.actor()
folder = ui.config().backup_dir
st.title(t("page.administration"))
ui.show_flash()

info = backup.inspect(db)
c1, c2, c3 = st.columns(3)
c1.metric(t("admin.schema_version"), info["schema_version"], border=True)
c2.metric(t("admin.rows"), fmt_number(sum(info["counts"].values())), border=True)
c3.metric(t("admin.file_size"), f"{Path(db.path).stat().st_size / 1_048_576:.1f} MB" if Path(db.path).exists() else "—",
          border=True)

st.subheader(t("admin.backup"))
st.caption(t("admin.backup_help"))
if st.button(t("admin.backup_make"), icon=":material/backup:", key="admin_backup"):
    try:
        path = backup.create_backup(db, actor, folder)
        st.session_state["_admin_backup_path"] = str(path)
    except backup.BackupRefused as refused:
        st.error(refused.text(i18n.current_language()), icon=":material/error:")
made = st.session_state.get("_admin_backup_path")
if made and Path(made).exists():
    st.success(t("admin.backup_done", name=Path(made).name))
    st.download_button(t("admin.backup_download"), data=partial(Path(made).read_bytes),
                       file_name=Path(made).name, mime="application/octet-stream", icon=":material/download:",
                       on_click="ignore", key="admin_backup_download")

st.subheader(t("import.backup.daily_title"))
found = backup.list_backups(folder)
latest_auto = next((b for b in found if b.automatic), None)
if latest_auto is None or latest_auto.day != clock.today():
    st.warning(t("import.backup.no_auto_today"))
if latest_auto is not None:
    st.caption(t("import.backup.latest_auto", when=fmt_datetime(latest_auto.taken_at)))

form = "admin_retention"


def save_retention() -> None:
    days = st.session_state["admin_retention_days"]
    ok, _ = ui.run_service(form, lambda: app_settings.set_setting(db, actor, "backup_retention_days", days))
    if ok:
        ui.flash(t("import.backup.retention_saved", days=days))


ui.form_message(form)
with st.form(form, enter_to_submit=False):
    ui.field(form, "backup_retention_days", st.number_input, t("import.backup.retention"), min_value=1, max_value=365,
             step=1, key="admin_retention_days", value=int(app_settings.get_setting(db, "backup_retention_days")),
             help=t("import.backup.retention_help"))
    st.form_submit_button(t("common.save"), type="primary", on_click=save_retention)

st.subheader(t("import.backup.list_title"))
st.caption(t("import.backup.folder", folder=str(folder)))
if not found:
    st.info(t("import.backup.none"))
else:
    st.dataframe({t("import.backup.file"): [b.path.name for b in found],
                  t("import.backup.kind"): [t("import.backup.auto" if b.automatic else "import.backup.manual")
                                            for b in found],
                  t("import.backup.taken"): [fmt_datetime(b.taken_at) for b in found],
                  t("import.backup.size"): [f"{b.size / 1_048_576:.1f} MB" for b in found]},
                 hide_index=True, width="stretch")
    by_name = {b.path.name: b.path for b in found}
    picked = st.selectbox(t("import.backup.pick"), list(by_name), key="admin_backup_pick")
    if picked:
        st.download_button(t("import.backup.download"), data=partial(by_name[picked].read_bytes),
                           file_name=picked, mime="application/octet-stream", icon=":material/download:",
                           on_click="ignore", key="admin_backup_pick_download")

with st.expander(t("admin.row_counts")):
    st.dataframe({t("admin.table"): list(info["counts"]), t("admin.rows"): list(info["counts"].values())},
                 hide_index=True)
