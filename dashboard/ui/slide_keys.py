"""Keyboard and presentation clicker for the Forum slides: a tiny Streamlit Components v2 component.

It draws nothing. Its script listens on the page for keydown and reports an action back to Python as a
trigger value: → / Page Down / Space = "next", ← / Page Up = "previous", Home = "first", End = "last",
F = "fullscreen" (it also asks the browser for full screen, which needs the key press as its user
gesture), Esc or leaving full screen = "exit". Presentation clickers send Page Up / Page Down (some the
arrows), so they work the same way. Keys typed into a field, or pressed with Ctrl/Alt/Meta, are left alone.

The HTML and JavaScript are static strings of this module: no data of the app ever goes into them
(``tests/unit/test_security.py`` allows exactly this component). Everything ships with Streamlit, so it
works offline (no CDN).
"""

from __future__ import annotations

import streamlit as st

ACTIONS = ("next", "previous", "first", "last", "fullscreen", "exit")

JS = """
export default function (component) {
  const { setTriggerValue } = component;
  const doc = document;
  const keys = {
    ArrowRight: "next", PageDown: "next", " ": "next", Spacebar: "next",
    ArrowLeft: "previous", PageUp: "previous",
    Home: "first", End: "last", f: "fullscreen", F: "fullscreen", Escape: "exit",
  };
  if (window.__civicSlideKeys) { window.__civicSlideKeys(); }
  const onKey = (event) => {
    if (event.ctrlKey || event.altKey || event.metaKey || event.defaultPrevented) { return; }
    const target = event.target;
    const tag = target && target.tagName ? target.tagName.toLowerCase() : "";
    if (tag === "input" || tag === "textarea" || tag === "select" || (target && target.isContentEditable)) { return; }
    const action = keys[event.key];
    if (!action) { return; }
    event.preventDefault();
    if (action === "fullscreen" && !doc.fullscreenElement && doc.documentElement.requestFullscreen) {
      doc.documentElement.requestFullscreen().catch(() => {});
    }
    setTriggerValue("action", action);
  };
  const onFullscreen = () => { if (!doc.fullscreenElement) { setTriggerValue("action", "exit"); } };
  doc.addEventListener("keydown", onKey);
  doc.addEventListener("fullscreenchange", onFullscreen);
  const stop = () => {
    doc.removeEventListener("keydown", onKey);
    doc.removeEventListener("fullscreenchange", onFullscreen);
    if (window.__civicSlideKeys === stop) { window.__civicSlideKeys = null; }
  };
  window.__civicSlideKeys = stop;
  return stop;
}
"""

_component = st.components.v2.component("civic_slide_keys", html="<span hidden></span>", js=JS)


def listen(key: str = "slide_keys") -> str | None:
    """Mount the listener; the action of the key pressed since the last run ("next", …), or None."""
    result = _component(key=key, on_action_change=lambda: None)
    action = getattr(result, "action", None)
    return action if action in ACTIONS else None
