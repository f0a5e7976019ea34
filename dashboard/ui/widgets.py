"""Shared Streamlit helpers for pages: the database handle, the actor, form errors, tables.

Pages stay short by calling these; nothing here holds business rules.
"""

from __future__ import annotations

from typing import Any, Callable, TypeVar

import pandas as pd
import streamlit as st

from dashboard import bootstrap
from dashboard.core import i18n, privacy, settings
from dashboard.core.errors import DomainError, DuplicateSuspected, Message, NotFound, ValidationError
from dashboard.core.i18n import t, tm
from dashboard.core.roles import Actor
from db.connection import Database

i18n.use_language_source(lambda: st.session_state.get("lang"))
T = TypeVar("T")


@st.cache_resource(show_spinner=False)
def _prepared(config: settings.Config) -> bootstrap.Prepared:
    return bootstrap.prepare(config)


def config() -> settings.Config:
    return settings.load()


def prepared() -> bootstrap.Prepared:
    return _prepared(config())


def db() -> Database:
    """The process-wide database (opened, migrated and, if new, filled on first use)."""
    return prepared().db


def actor() -> Actor:
    """The logged-in user, as the entry file established it for this run."""
    return st.session_state["actor"]


def goto(url_path: str, **query) -> None:
    """Switch to another registered page, e.g. a record's detail page with its id."""
    st.switch_page(st.session_state["_pages"][url_path], query_params={k: str(v) for k, v in query.items()})


def set_language(lang: str) -> None:
    st.session_state["lang"] = lang if lang in i18n.LANGUAGES else i18n.DEFAULT_LANGUAGE


def ensure_language() -> None:
    if st.session_state.get("lang") not in i18n.LANGUAGES:
        set_language(config().language)


def language_switch(on_change: Callable[[str], None] | None = None) -> None:
    """PL | EN in the sidebar; a rerun keeps the user on the same page."""

    def changed() -> None:
        choice = st.session_state.get("_lang_switch")
        if choice:
            set_language(choice)
            if on_change:
                on_change(choice)

    st.session_state["_lang_switch"] = i18n.current_language()
    st.segmented_control(t("nav.language"), options=list(i18n.LANGUAGES), key="_lang_switch",
                         format_func=lambda code: code.upper(), on_change=changed,
                         label_visibility="collapsed")


# -- forms ----------------------------------------------------------------------------
def form_errors(form: str) -> dict[str, Message]:
    return st.session_state.get(f"_errors_{form}", {})


def set_form_errors(form: str, errors: dict[str, Message]) -> None:
    st.session_state[f"_errors_{form}"] = errors


def field_error(form: str, field: str) -> None:
    """The message for one field, shown right under it."""
    message = form_errors(form).get(field)
    if message:
        st.markdown(f":red[{escape_md(tm(message))}]")


def field(form: str, name: str, widget: Callable[..., T], label: str, *args: Any, key: str | None = None,
          **kwargs: Any) -> T:
    """Draw one form widget (``st.text_input``, ``st.date_input``…) and, right under it, the message a
    refused save left for the field ``name``; returns the widget's value.

    The widget's key is ``{form}__{name}`` unless given, so a refused save keeps what was typed.
    """
    value = widget(label, *args, key=key or f"{form}__{name}", **kwargs)
    field_error(form, name)
    return value


def escape_md(text: str) -> str:
    return "".join("\\" + c if c in "\\`*_{}[]()#+-.!<>|~:$" else c for c in text)


def run_service(form: str, call: Callable[[], Any]) -> tuple[bool, Any]:
    """Call a service for a form; keep field errors for the next render. Returns (ok, result)."""
    set_form_errors(form, {})
    st.session_state.pop(f"_duplicates_{form}", None)
    set_form_message(form, None)
    try:
        return True, call()
    except ValidationError as exc:
        set_form_errors(form, exc.errors)
        set_form_message(form, Message("error.validation"))
    except DuplicateSuspected as exc:
        st.session_state[f"_duplicates_{form}"] = exc.matches
    except DomainError as exc:
        set_form_message(form, exc.message)
    return False, None


def message(form: str) -> Message | None:
    """The message a refused action left on the form (not tied to one field), or None."""
    return st.session_state.get(f"_message_{form}")


def set_form_message(form: str, value: Message | None) -> None:
    """Leave (or, with None, clear) the form's overall message for the next draw."""
    if value is None:
        st.session_state.pop(f"_message_{form}", None)
    else:
        st.session_state[f"_message_{form}"] = value


def form_message(form: str) -> None:
    """Draw the form's overall message, if a refused action left one."""
    value = message(form)
    if value:
        st.error(tm(value))


def form_problems(form: str) -> None:
    """A refused action with no field to sit under (assign, approve…): every reason in one message."""
    errors = form_errors(form)
    if errors:
        st.error("  \n".join(escape_md(tm(m)) for m in errors.values()), icon=":material/block:")
    else:
        form_message(form)


def duplicates(form: str) -> list[dict]:
    return st.session_state.get(f"_duplicates_{form}", [])


def flash(text: str) -> None:
    """A success message that survives the rerun after a write."""
    st.session_state["_flash"] = text


def show_flash() -> None:
    text = st.session_state.pop("_flash", None)
    if text:
        st.success(text)


# -- detail pages ---------------------------------------------------------------------
def detail_header(load: Callable[[int], T], *, back_to: str, back_key: str, title_key: str,
                  not_found_key: str) -> tuple[int, T]:
    """The top of a record's page: a back button to ``back_to``, the record's ``?id`` and the record
    ``load(id)`` returns. When the id is no number or no record is found, the page's title and a
    "not found" note are shown and the run stops."""
    if st.button(t(back_key), icon=":material/arrow_back:"):
        goto(back_to)
    try:
        record_id = int(st.query_params.get("id", ""))
        return record_id, load(record_id)
    except (ValueError, NotFound):
        st.title(t(title_key))
        st.warning(t(not_found_key))
        st.stop()
        raise AssertionError("unreachable: st.stop() ends the run") from None


# -- tables ---------------------------------------------------------------------------
def table(frame: pd.DataFrame, columns: dict[str, str], **kwargs) -> Any:
    """Show a frame with translated headers (``columns`` maps column -> i18n key)."""
    shown = frame[[c for c in columns if c in frame.columns]].rename(columns={c: t(k) for c, k in columns.items()})
    return st.dataframe(shown, hide_index=True, width="stretch", **kwargs)


def masked(value: Any, kind: str, who: Actor) -> str:
    """Contact data as the role may see it."""
    return privacy.show(value, kind, who)


def remember_unknown_page(pages: dict) -> None:
    """On a session's first run, note an address that is no page (Streamlit then runs the home
    page and soon rewrites the address, so it must be read before the login)."""
    if "_unknown_page" in st.session_state:
        return
    from urllib.parse import urlparse

    requested = urlparse(st.context.url or "").path.rstrip("/").rsplit("/", 1)[-1]
    st.session_state["_unknown_page"] = requested if requested and requested not in pages else None


def unknown_page_note() -> None:
    """Tell the user that the address they opened is no page of the app (until they move on)."""
    requested = st.session_state.get("_unknown_page")
    if requested:
        st.info(t("nav.unknown_page", page=requested))
