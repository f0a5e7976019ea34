"""Import from a spreadsheet (staff): choose what, upload, read the preview, import all rows or none."""

import pandas as pd
import streamlit as st

from dashboard.core import exports
from dashboard.core.i18n import current_language, fmt_number, t, tm
from dashboard.services.admin import importer
from dashboard.ui import widgets as ui

db, actor = ui.db(), ui.actor()
FORM = "import"
REGISTER_PAGE = {"organisations": "organizacje", "volunteers": "wolontariusze", "bookings": "rezerwacje"}
st.title(t("page.import"))
ui.show_flash()
done = st.session_state.pop("_import_done", None)
if done:
    st.page_link(st.session_state["_pages"][REGISTER_PAGE[done]], label=t("import.open_register"),
                 icon=":material/arrow_forward:")
st.caption(t("import.intro", max_mb=importer.MAX_BYTES // (1024 * 1024), max_rows=fmt_number(importer.MAX_ROWS)))

kind = st.segmented_control(t("import.kind"), importer.KINDS, key="import_kind", default="organisations",
                            format_func=lambda k: t(f"import.kind.{k}")) or "organisations"


def label(field: str) -> str:
    return t(f"import.field.{kind}.{field}") if field else t("import.field.row")


with st.expander(t("import.columns_title")):
    st.caption(t("import.columns_help"))
    required = set(importer.required_fields(kind))
    st.dataframe({t("import.column"): [label(f) for f in importer.COLUMNS[kind]],
                  t("import.required"): [t("common.yes") if f in required else "" for f in importer.COLUMNS[kind]]},
                 hide_index=True)
    st.download_button(t("import.template"), data=exports.to_csv(pd.DataFrame(columns=importer.template(
        kind, current_language()))), file_name=f"{t(f'import.kind.{kind}').lower().replace(' ', '-')}.csv",
        mime="text/csv", icon=":material/download:", on_click="ignore")

statutory = kind == "bookings" and st.checkbox(t("import.statutory"), key="import_statutory")
nonce = st.session_state.setdefault("_import_nonce", 0)
upload = st.file_uploader(t("import.file"), type=["csv", "xlsx"], key=f"import_file_{kind}_{nonce}",
                          max_upload_size=importer.MAX_BYTES // (1024 * 1024))
if upload is None:  # nothing chosen, or the file was removed: nothing to say about it either
    st.session_state.pop("_import_preview", None)
    ui.set_form_errors(FORM, {})
    st.stop()
ui.field_error(FORM, "file")
ui.form_message(FORM)

signature = (kind, upload.file_id, bool(statutory))
cached = st.session_state.get("_import_preview")
if cached is None or cached[0] != signature:
    with st.spinner(t("import.checking")):
        ok, sheet = ui.run_service(FORM, lambda: importer.read(upload.getvalue(), upload.name, kind))
        if ok:
            ok, preview = ui.run_service(FORM, lambda: importer.preview(db, actor, sheet,
                                                                        statutory_declared=bool(statutory)))
    st.session_state["_import_preview"] = (signature, preview if ok else None)
    if not ok:
        st.rerun()  # draw the message next to the uploader
preview = st.session_state["_import_preview"][1]
if preview is None:
    st.stop()
sheet = preview.sheet

if sheet.file_format == "csv":
    st.caption(t("import.file_info_csv", file=sheet.file_name, encoding=sheet.encoding,
                 separator="TAB" if sheet.separator == "\t" else sheet.separator))
else:
    st.caption(t("import.file_info_xlsx", file=sheet.file_name))
if sheet.ignored:
    st.info(t("import.ignored", columns=", ".join(sheet.ignored)))
if sheet.missing:
    st.error(t("import.missing", columns=", ".join(label(f) for f in sheet.missing)))
    st.stop()

statuses = {row.number: preview.status(row.number) for row in sheet.rows}
counts = {s: sum(1 for v in statuses.values() if v == s) for s in ("ok", "error", "duplicate")}
c1, c2, c3, c4 = st.columns(4)
c1.metric(t("import.rows_total"), fmt_number(len(sheet.rows)), border=True)
c2.metric(t("import.rows_ok"), fmt_number(counts["ok"]), border=True)
c3.metric(t("import.rows_error"), fmt_number(counts["error"]), border=True)
c4.metric(t("import.rows_duplicate"), fmt_number(counts["duplicate"]), border=True)

if preview.problems:
    st.subheader(t("import.problems"))
    st.dataframe({t("import.row"): [p.row for p in preview.problems],
                  t("import.status"): [t(f"import.status.{'duplicate' if p.duplicate else 'error'}")
                                       for p in preview.problems],
                  t("import.column"): [p.column or label(p.field) for p in preview.problems],
                  t("import.message"): [tm(p.message) for p in preview.problems]},
                 hide_index=True, width="stretch",
                 column_config={t("import.message"): st.column_config.TextColumn(width="large")})
else:
    st.success(t("import.all_ok"))

st.subheader(t("import.preview"))
only_problems = bool(preview.problems) and st.checkbox(t("import.only_problems"), key="import_only_problems")
headers = importer.unique_headers(sheet.header)
shown = [row for row in sheet.rows if not only_problems or statuses[row.number] != "ok"]
table = pd.DataFrame([row.texts() for row in shown], columns=headers)
table.insert(0, t("import.status"), [t(f"import.status.{statuses[row.number]}") for row in shown])
table.insert(0, t("import.row"), [row.number for row in shown])
st.dataframe(table, hide_index=True, width="stretch")

skip = bool(preview.duplicates) and st.checkbox(
    t("import.skip_duplicates", count=counts["duplicate"]), key="import_skip_duplicates")
if preview.errors:
    st.warning(t("import.blocked_errors"))
elif preview.duplicates and not skip:
    st.warning(t("import.blocked_duplicates"))


def run_import() -> None:
    ok, result = ui.run_service(FORM, lambda: importer.commit(db, actor, sheet, skip_duplicates=skip,
                                                             statutory_declared=bool(statutory)))
    st.session_state.pop("_import_preview", None)  # checked again on the next run, against the register as it is
    if ok:
        ui.flash(t("import.done", count=fmt_number(len(result.ids)), skipped=fmt_number(len(result.skipped))))
        st.session_state["_import_nonce"] = nonce + 1  # an empty uploader for the next file
        st.session_state["_import_done"] = kind


st.button(t("import.submit", count=fmt_number(preview.importable(skip))), type="primary", icon=":material/upload:",
          disabled=not preview.ready(skip), on_click=run_import, key="import_submit")
