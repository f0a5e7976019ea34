"""Shared Streamlit helpers for pages: the database handle, the actor, form errors, tables.

Pages stay short by calling these; nothing here holds business rules.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import time
from typing import TYPE_CHECKING, Any, TypeVar

import streamlit as st
from streamlit.errors import StreamlitAPIException

from dashboard import bootstrap
from dashboard.core import i18n, privacy, settings
from dashboard.core.errors import DomainError, DuplicateSuspected, Message, NotFound, ValidationError
from dashboard.core.i18n import fmt_date, fmt_datetime, fmt_number, t, tm
from dashboard.core.roles import Actor
from db.connection import Database

if TYPE_CHECKING:  # the login form draws no table: pandas loads with the first one (blank_missing)
    import pandas as pd

i18n.use_language_source(lambda: st.session_state.get("lang"))
T = TypeVar("T")


@st.cache_resource(show_spinner=False)
def _prepared(config: settings.Config) -> bootstrap.Prepared:
    return bootstrap.prepare(config)


def config() -> settings.Config:
    return settings.load()


_ready: dict[settings.Config, bootstrap.Prepared] = {}


def prepared() -> bootstrap.Prepared:
    """The installation for the current settings, prepared once per process.

    ``st.cache_resource`` hashes the settings on every call (about a millisecond), and a page asks
    several times a run (the entry file, the login, ``db()`` in the page and its helpers); the
    settings are a frozen, hashable record, so a dict in front of the cache answers in a microsecond.
    One whose database was closed since (a test, the benchmark) goes back through the cache.
    """
    current = config()
    found = _ready.get(current)
    if found is None or found.db._closed:
        found = _ready[current] = _prepared(current)
    return found


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


_CHOICE_WIDGETS = {"selectbox", "multiselect", "radio", "pills", "segmented_control", "select_slider"}


def field(form: str, name: str, widget: Callable[..., T], label: str, *args: Any, key: str | None = None,
          **kwargs: Any) -> T:
    """Draw one form widget (``st.text_input``, ``st.date_input``…) and, right under it, the message a
    refused save left for the field ``name``; returns the widget's value.

    The widget's key is ``{form}__{name}`` unless given, so a refused save keeps what was typed. A choice
    (select box, multiselect, radio, pills) takes ids or codes as options and shows them through
    ``format_func``; its labels in the other language are remembered, so a choice made before a language
    switch still counts when the form is sent (see ``remember_choices``).
    """
    key = key or f"{form}__{name}"
    if getattr(widget, "__name__", "") == "multiselect":
        kwargs.setdefault("select_all", False)  # Streamlit's "Select all" is English and cannot be translated
    if getattr(widget, "__name__", "") in _CHOICE_WIDGETS and "format_func" in kwargs:
        options = args[0] if args else kwargs.get("options")
        if options is not None:
            remember_choices(form, key, list(options), kwargs["format_func"])
    value = widget(label, *args, key=key, **kwargs)
    field_error(form, name)
    return value


def remember_choices(form: str, key: str, options: list, format_func: Callable[[Any], str]) -> None:
    """Note how each option of a choice widget is labelled in the other languages.

    A form sends its widgets' values only on submit, and a choice travels as its label. Chosen in
    Polish, then the language switched, the form would send the Polish label, which matches no
    English option: Streamlit drops the choice and the save says "choose a room". ``run_service``
    (``restore_choices``) turns such a label back into its option before calling the service.
    """
    current = i18n.current_language()
    try:
        own = set(options)
    except TypeError:  # unhashable options: compare by label only
        own = set()
    labels: dict[str, Any] = {}
    for lang in i18n.LANGUAGES:
        if lang == current:
            continue
        with i18n.in_language(lang):
            for option in options:
                try:
                    label = str(format_func(option))
                except Exception:
                    continue
                if label not in own:
                    labels[label] = option
    remembered = st.session_state.setdefault("_choice_labels", {}).setdefault(form, {})
    if labels:
        remembered[key] = labels
    else:
        remembered.pop(key, None)


def restore_choices(form: str) -> None:
    """Turn choices sent as another language's label back into their options (see remember_choices).

    ``run_service`` calls it first; a submit callback that reads a choice itself before calling a service
    calls it at its start."""
    for key, labels in st.session_state.get("_choice_labels", {}).get(form, {}).items():
        value = st.session_state.get(key)
        if isinstance(value, str) and value in labels:
            fixed: Any = labels[value]
        elif isinstance(value, list) and any(isinstance(v, str) and v in labels for v in value):
            fixed = [labels.get(v, v) if isinstance(v, str) else v for v in value]
        else:
            continue
        try:
            st.session_state[key] = fixed
        except StreamlitAPIException:  # called after the widget was drawn (not from a callback)
            pass


def escape_md(text: str) -> str:
    return "".join("\\" + c if c in "\\`*_{}[]()#+-.!<>|~:$" else c for c in text)


def run_service(form: str, call: Callable[[], Any],
                readable: Callable[[Message], Message] | None = None) -> tuple[bool, Any]:
    """Call a service for a form; returns (ok, result).

    A refusal is kept for the next draw: each field's message (``field``), the form's overall message
    with every reason (``outcome``, drawn next to the submit button) and a toast, so the person sees it
    wherever the page is scrolled. ``flash(text, form=...)`` does the same for a success.
    ``readable`` turns a message's parameters into words (a stage code into its name) before it is shown.
    """
    if readable is None:
        st.session_state.pop(f"_readable_{form}", None)
    else:
        st.session_state[f"_readable_{form}"] = readable
    restore_choices(form)
    set_form_errors(form, {})
    st.session_state.pop(f"_duplicates_{form}", None)
    set_form_message(form, None)
    st.session_state.pop(_outcome_key(form), None)
    try:
        return True, call()
    except ValidationError as exc:
        set_form_errors(form, exc.errors)
        set_form_message(form, Message("error.validation"))
    except DuplicateSuspected as exc:
        st.session_state[f"_duplicates_{form}"] = exc.matches
        st.toast(escape_md(tm(exc.message)), icon=":material/warning:", duration="long")
        return False, None
    except DomainError as exc:
        set_form_message(form, exc.message)
    st.toast(refusal_text(form), icon=":material/block:", duration="long")
    return False, None


def refusal_text(form: str) -> str:
    """The form's refusal in one text (markdown): the message, then each field's reason."""
    readable = st.session_state.get(f"_readable_{form}") or (lambda m: m)
    value = message(form)
    reasons = [escape_md(tm(readable(m))) for m in form_errors(form).values()]
    head = escape_md(tm(readable(value))) if value else ""
    return "  \n".join(filter(None, [head, *(f"• {r}" for r in reasons)]))


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


def _outcome_key(form: str) -> str:
    return f"_outcome_{form}"


def outcome(form: str) -> None:
    """Draw the outcome of the form's last submit right here: call it next to (just above) the submit
    button, where the person is looking. A success (``flash(..., form=form)``) is shown once, with a
    link to the record; a refusal shows its message and every reason until the next submit.

    Keys are per form, and a form's name carries the record it edits (``event_enrol_12``), so an
    outcome never shows on another record's page or under another form.
    """
    done = st.session_state.pop(_outcome_key(form), None)
    if done:
        st.success(done["text"], icon=":material/check_circle:")
        link = done.get("link")
        if link:
            page, record_id, label = link
            st.page_link(st.session_state["_pages"][page], label=label, query_params={"id": str(record_id)},
                         icon=":material/open_in_new:")
        return
    value = message(form)
    if value is not None:
        readable = st.session_state.get(f"_readable_{form}") or (lambda m: m)
        st.error(tm(readable(value)), icon=":material/block:")
        reasons = [tm(readable(m)) for m in form_errors(form).values()]
        if reasons:  # each field's reason is under its field too, but that may be above the fold
            st.markdown("  \n".join(f":material/arrow_right: :red[{escape_md(r)}]" for r in reasons))


def form_problems(form: str) -> None:
    """A refused action with no field to sit under (assign, approve…): every reason in one message."""
    errors = form_errors(form)
    if errors:
        st.error("  \n".join(escape_md(tm(m)) for m in errors.values()), icon=":material/block:")
    else:
        form_message(form)


def duplicates(form: str) -> list[dict]:
    return st.session_state.get(f"_duplicates_{form}", [])


def flash(text: str, form: str | None = None, link: tuple[str, Any, str] | None = None) -> None:
    """A success message that survives the rerun after a write, also shown at once as a toast.

    With ``form`` it belongs to that form and is drawn by ``outcome(form)`` next to its submit button
    (``link``: page url path, record id and label of a link to the record); without, at the top of the
    page by ``show_flash``.
    """
    st.toast(escape_md(text), icon=":material/check_circle:", duration="long")
    if form is None:
        st.session_state["_flash"] = text
    else:
        st.session_state[_outcome_key(form)] = {"text": text, "link": link}


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


# -- charts ---------------------------------------------------------------------------
def vega_lite_spec(chart: Any) -> dict:
    """The Vega-Lite spec ``st.altair_chart(chart)`` sends, data sets as Arrow, by Streamlit's own conversion,
    for ``st.vega_lite_chart(spec=...)``: the browser gets the same chart. Building an Altair chart and
    validating its spec costs tens of milliseconds, so a page keeps the spec (``cached.remember``) rather
    than rebuilding it every rerun. (Streamlit's private function, as pages/week.py uses it: an upgrade
    that moves it fails the page tests, not silently.)"""
    from streamlit.elements.vega_charts import _convert_altair_to_vega_lite_spec

    return _convert_altair_to_vega_lite_spec(chart)


# -- tables ---------------------------------------------------------------------------
def table(frame: pd.DataFrame, columns: dict[str, str], **kwargs) -> Any:
    """Show a frame with translated headers (``columns`` maps column -> i18n key); empty cells stay
    empty (Streamlit would write "None" in them)."""
    shown = blank_missing(frame[[c for c in columns if c in frame.columns]])
    shown = shown.rename(columns={c: t(k) for c, k in columns.items()})
    return st.dataframe(shown, hide_index=True, width="stretch", **kwargs)


def blank_missing(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with every missing value (None, NaN, NaT) as empty text, for showing.

    Streamlit's tables draw a missing value as "None", in English. Columns without gaps are left
    as they are (numbers stay numbers); a column with gaps becomes text, numbers and dates written
    as in the rest of the interface. A column repeats its values (a status, a day, a count), so each
    distinct value is written once.
    """
    import pandas as pd

    out = frame.copy()
    lang = i18n.current_language()
    for name in out.columns:
        column = out[name]
        try:
            missing = column.isna()
        except (TypeError, ValueError):
            continue
        if not missing.any():
            continue
        present = column[~missing]
        if pd.api.types.is_bool_dtype(column) or (column.dtype == object and present.map(
                lambda v: isinstance(v, bool)).all()):
            out[name] = column.astype(object).where(~missing, "")
        elif pd.api.types.is_numeric_dtype(column):
            digits = 0 if bool((present.astype(float) % 1 == 0).all()) else 1
            out[name] = _written(column, missing, lambda v, d=digits: fmt_number(v, lang, digits=d))
        elif pd.api.types.is_datetime64_any_dtype(column):
            midnight = bool((present.dt.time == time()).all())
            out[name] = _written(column, missing, (lambda v: fmt_date(v, lang)) if midnight
                                 else (lambda v: fmt_datetime(v, lang)))
        else:
            out[name] = column.astype(object).where(~missing, "")
    return out


def _written(column: pd.Series, missing: pd.Series, write: Callable[[Any], str]) -> list[str]:
    """Each cell as ``write`` puts it, a gap as ""; a value seen before is not written again."""
    done: dict[Any, str] = {}
    cells = []
    for value, gap in zip(column, missing):
        if gap:
            cells.append("")
            continue
        text = done.get(value)
        if text is None:
            text = done[value] = write(value)
        cells.append(text)
    return cells


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
