"""Users (admin): add accounts, change roles, deactivate, reset passwords."""

import streamlit as st

from dashboard.core.i18n import fmt_datetime, t
from dashboard.core.roles import ROLES
from dashboard.services.admin import users
from dashboard.ui import widgets as ui

db, actor = ui.db(), ui.actor()
st.title(t("page.users"))
ui.show_flash()

accounts = users.list_users(db, actor)
shown = accounts.assign(
    role=accounts["role"].map(lambda r: t(f"role.{r}")),
    active=accounts["active"].map(lambda a: t("common.yes") if a else t("common.no")),
    locked_until=accounts["locked_until"].map(fmt_datetime),
    last_login_at=accounts["last_login_at"].map(fmt_datetime),
)
ui.table(shown, {"username": "user.username", "full_name": "user.full_name", "email": "user.email",
                 "role": "user.role", "active": "user.active", "locked_until": "user.locked_until",
                 "last_login_at": "user.last_login_at"})

tab_add, tab_edit, tab_password = st.tabs([t("user.add"), t("user.edit"), t("user.reset_password")])

with tab_add:
    form = "user_new"

    def add():
        ok, _ = ui.run_service(form, lambda: users.add_user(
            db, actor, username=st.session_state["user_new_username"], full_name=st.session_state["user_new_name"],
            role=st.session_state["user_new_role"], email=st.session_state["user_new_email"],
            password=st.session_state["user_new_password"]))
        if ok:
            ui.flash(t("user.created", username=st.session_state["user_new_username"].strip().lower()))
            for key in ("user_new_username", "user_new_name", "user_new_email", "user_new_password"):
                st.session_state[key] = ""

    ui.form_message(form)
    with st.form(form, enter_to_submit=False):
        ui.field(form, "username", st.text_input, t("user.username") + " *", key="user_new_username",
                 help=t("user.username_help"))
        ui.field(form, "full_name", st.text_input, t("user.full_name") + " *", key="user_new_name")
        ui.field(form, "email", st.text_input, t("user.email"), key="user_new_email")
        ui.field(form, "role", st.selectbox, t("user.role"), ROLES, key="user_new_role", index=1,
                 format_func=lambda r: t(f"role.{r}"))
        ui.field(form, "password", st.text_input, t("user.password") + " *", type="password", key="user_new_password",
                 help=t("user.password_help", min=users.MIN_PASSWORD_LENGTH))
        st.form_submit_button(t("user.add_submit"), type="primary", on_click=add)

usernames = accounts["username"].tolist()
with tab_edit:
    form = "user_edit"
    who = st.selectbox(t("user.username"), usernames, key="user_edit_who")
    current = accounts.set_index("username").loc[who]

    def save():
        ok, _ = ui.run_service(form, lambda: users.update_user(
            db, actor, who, full_name=st.session_state[f"user_edit_name_{who}"],
            role=st.session_state[f"user_edit_role_{who}"], email=st.session_state[f"user_edit_email_{who}"] or "",
            active=st.session_state[f"user_edit_active_{who}"]))
        if ok:
            ui.flash(t("user.updated", username=who))

    ui.form_message(form)
    with st.form(form, enter_to_submit=False):
        ui.field(form, "full_name", st.text_input, t("user.full_name"), value=current["full_name"],
                 key=f"user_edit_name_{who}")
        ui.field(form, "email", st.text_input, t("user.email"), value=current["email"] or "",
                 key=f"user_edit_email_{who}")
        ui.field(form, "role", st.selectbox, t("user.role"), ROLES, index=ROLES.index(current["role"]),
                 key=f"user_edit_role_{who}", format_func=lambda r: t(f"role.{r}"))
        st.checkbox(t("user.active"), value=bool(current["active"]), key=f"user_edit_active_{who}",
                    help=t("user.active_help"))
        st.form_submit_button(t("common.save"), type="primary", on_click=save)

with tab_password:
    form = "user_password"
    who_pw = st.selectbox(t("user.username"), usernames, key="user_pw_who")

    def reset():
        ok, _ = ui.run_service(form, lambda: users.set_password(db, actor, who_pw, st.session_state["user_pw_new"]))
        if ok:
            ui.flash(t("user.password_changed", username=who_pw))
            st.session_state["user_pw_new"] = ""

    ui.form_message(form)
    with st.form(form, enter_to_submit=False):
        ui.field(form, "password", st.text_input, t("user.new_password"), type="password", key="user_pw_new",
                 help=t("user.password_help", min=users.MIN_PASSWORD_LENGTH))
        st.form_submit_button(t("user.reset_password"), type="primary", on_click=reset)
