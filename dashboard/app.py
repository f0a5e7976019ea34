"""Entry point: register every page, log the user in, offer the pages their role allows.

Run with ``streamlit run dashboard/app.py`` (``make run`` does it). The page list goes to
st.navigation before the login gate, so a deep link or a refresh lands on the page asked for.
"""

import sys
from pathlib import Path

if str(Path(__file__).resolve().parents[1]) not in sys.path:  # `streamlit run` adds only dashboard/
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import streamlit as st

from dashboard.core.i18n import t
from dashboard.services.admin import backup, users
from dashboard.ui import auth, navigation, unsaved_guard, warmup
from dashboard.ui import widgets as ui
from db.connection import DatabaseError

st.set_page_config(page_title="Centrum Obywatelskie Łódź", page_icon=":material/diversity_3:", layout="wide")
ui.ensure_language()

try:
    ui.prepared()
except DatabaseError as exc:
    st.title(t("app.title"))
    st.error(t("error.database_unusable"))
    st.code(str(exc), language=None)
    st.stop()
warmup.start_in_server(ui.db())  # once per process: imports, first chart, then the GC set for a server

pages = navigation.build()
current = st.navigation(list(pages.values()), position="hidden")
ui.remember_unknown_page(pages)
if current.url_path:  # the user has moved on from the home page the unknown address led to
    st.session_state["_unknown_page"] = None
actor = auth.gate()
st.session_state["actor"] = actor
backup.start_daily_backup(ui.db(), ui.config())  # once a day, in the background
st.session_state["_pages"] = pages

with st.sidebar:
    st.markdown(f"**{t('app.title')}**")
    navigation.sidebar(pages, actor)
    st.divider()
    st.caption(t("nav.signed_in_as", name=actor.full_name, role=t(f"role.{actor.role}")))
    ui.language_switch(on_change=lambda lang: users.set_language(ui.db(), actor, lang))
auth.logout_button(actor)
auth.write_pending_cookie()  # the re-login cookie, on the run after a login
unsaved_guard.mount()  # on every page: a reload asks first while a form there holds unsaved input

if not navigation.allowed(current.url_path, actor):
    st.error(t("nav.forbidden", page=current.title))
    st.page_link(pages["pulpit"], label=t("nav.back_home"), icon=":material/home:")
    st.stop()
current.run()
