"""A reload does not lose a half-filled form without warning: a tiny Streamlit Components v2 component.

Streamlit cannot ask the browser to warn before leaving the page, and a reload (F5, a mistaken click on the
browser's reload, closing the tab) throws away whatever was typed into a form and not yet saved. This component
draws nothing. Its script listens on the page: once a field inside a form of the main area is typed into or
changed (not the sidebar's language switch, not a filter outside a form), it sets a ``beforeunload`` handler, so
the browser asks "Leave the site? Changes you made may not be saved" first; a click on the form's submit button
(the form is being saved) removes the handler again. Nothing is reported back to Python.

The HTML and JavaScript are static strings of this module: no data of the app ever goes into them
(``tests/unit/test_security.py`` allows exactly this component and the Forum's key listener). Everything ships
with Streamlit, so it works offline (no CDN).

The entry file mounts it once per run for every page (the users', lockers', settings', budget's, survey's
and every other form included), in the sidebar so it takes no room on the page.
"""

from __future__ import annotations

import streamlit as st
from streamlit.errors import StreamlitDuplicateElementId, StreamlitDuplicateElementKey

KEY = "civic_unsaved_guard"

JS = """
export default function () {
  const doc = document;
  if (window.__civicUnsavedGuard) { window.__civicUnsavedGuard(); }
  let armed = false;
  const onBeforeUnload = (event) => { event.preventDefault(); event.returnValue = ""; return ""; };
  const arm = (on) => {
    if (on === armed) { return; }
    armed = on;
    if (on) { window.addEventListener("beforeunload", onBeforeUnload); }
    else { window.removeEventListener("beforeunload", onBeforeUnload); }
  };
  const inMainForm = (target) => Boolean(target && target.closest
    && target.closest('[data-testid="stForm"]') && !target.closest('[data-testid="stSidebar"]'));
  const onEdit = (event) => {
    const target = event.target;
    const tag = target && target.tagName ? target.tagName.toLowerCase() : "";
    if ((tag === "input" || tag === "textarea" || tag === "select") && inMainForm(target)) { arm(true); }
  };
  const onClick = (event) => {
    const target = event.target;
    if (target && target.closest && target.closest('[data-testid="stFormSubmitButton"]')) { arm(false); }
  };
  doc.addEventListener("input", onEdit, true);
  doc.addEventListener("change", onEdit, true);
  doc.addEventListener("click", onClick, true);
  const stop = () => {
    arm(false);
    doc.removeEventListener("input", onEdit, true);
    doc.removeEventListener("change", onEdit, true);
    doc.removeEventListener("click", onClick, true);
    if (window.__civicUnsavedGuard === stop) { window.__civicUnsavedGuard = null; }
  };
  window.__civicUnsavedGuard = stop;
  return stop;
}
"""

_component = st.components.v2.component(KEY, html="<span hidden></span>", js=JS)


def mount() -> None:
    """Mount the guard for this run (once; a second call in the same run does nothing)."""
    with st.sidebar:
        try:
            _component(key=KEY)
        except (StreamlitDuplicateElementKey, StreamlitDuplicateElementId):  # mounted by another form already
            pass
