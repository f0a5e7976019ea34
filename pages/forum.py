"""Forum mode: the pilot's headline figures and key charts as a full-screen slideshow, and as PPTX.

What is shown here is meant for a projector at the Forum of Plenipotentiaries, so the slides
carry aggregates only (``dashboard.services.reporting.forum``): no names, e-mails or phones, small counts as "<5".
"""

import streamlit as st

from dashboard.core import clock
from dashboard.core.i18n import current_language, t
from dashboard.services.reporting import forum, utilisation
from dashboard.ui import cached, forum_export, period_picker, slide_keys
from dashboard.ui import widgets as ui

# Static CSS only (no user text): no sidebar on this page, large type on the slide.
st.html("""<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
[data-testid="stSidebarCollapseButton"] { display: none !important; }
[data-testid="stMainBlockContainer"] { max-width: 100%; padding: 1.2rem 2.5rem 1rem 2.5rem; }
.st-key-forum_toolbar h1 { font-size: 1.6rem; padding: 0; }
.st-key-forum_stage { min-height: 72vh; padding: 1.2rem 2rem; }
.st-key-forum_stage h1 { font-size: 4rem; line-height: 1.15; margin-top: 12vh; }
.st-key-forum_stage h2 { font-size: 2.8rem; line-height: 1.2; }
.st-key-forum_stage h3 { font-size: 2rem; color: #C8102E; }
.st-key-forum_stage p, .st-key-forum_stage li { font-size: 1.35rem; }
.st-key-forum_stage [data-testid="stMetricValue"] p { font-size: clamp(2rem, 3.4vw, 3.6rem); font-weight: 700; color: #C8102E;
  line-height: 1.1; }
.st-key-forum_stage [data-testid="stMetricLabel"] p { font-size: 1.35rem; }
.st-key-forum_stage .st-key-forum_figures_long [data-testid="stMetricValue"] p { font-size: clamp(1.6rem, 2.3vw, 2.6rem); }
.st-key-forum_stage [data-testid="stMetricLabel"], .st-key-forum_stage [data-testid="stMetricLabel"] *,
.st-key-forum_stage [data-testid="stMetricValue"], .st-key-forum_stage [data-testid="stMetricValue"] * {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important; }
.st-key-forum_stage [data-testid="stTable"] td, .st-key-forum_stage [data-testid="stTable"] th { font-size: 1.45rem; }
.st-key-forum_counter p { font-size: 1.4rem; text-align: center; margin: 0; }
.st-key-forum_keys { display: none; }
</style>""")

# Show mode (issue 19): nothing but the slide and a discreet counter; every slide fits 1280×720 without scrolling.
SHOW_CSS = """<style>
header[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
[data-testid="stStatusWidget"], .st-key-forum_toolbar, .st-key-forum_nav .stButton,
.st-key-forum_help { display: none !important; }
[data-testid="stMain"], [data-testid="stAppViewContainer"] { overflow: hidden !important; }
[data-testid="stMainBlockContainer"] { padding: 0.6rem 1.6rem 0 1.6rem !important; }
.st-key-forum_stage { min-height: 0; height: calc(100vh - 3.2rem); padding: 0.6rem 1.4rem; overflow: hidden;
  border: none !important; }
.st-key-forum_stage h1 { font-size: 3.2rem; margin-top: 14vh; }
.st-key-forum_stage h2 { font-size: 2.1rem; padding: 0 0 0.2rem 0; }
.st-key-forum_stage [data-testid="stMetricValue"] p { font-size: clamp(1.6rem, 2.6vw, 3rem); }
.st-key-forum_stage [data-testid="stMetricLabel"] p { font-size: 1.05rem; }
.st-key-forum_stage [data-testid="stTable"] td, .st-key-forum_stage [data-testid="stTable"] th {
  font-size: 1.05rem; padding: 0.25rem 0.6rem; }
.st-key-forum_stage [data-testid="stHeaderActionElements"], [data-testid="stElementToolbar"] { display: none !important; }
.st-key-forum_nav { position: fixed; right: 1.2rem; bottom: 0.9rem; width: auto !important; z-index: 10; gap: 0; }
.st-key-forum_nav [data-testid="stColumn"]:has(.stButton) { display: none !important; }
.st-key-forum_counter p { font-size: 1rem; color: #5F5F5F; white-space: nowrap; }
</style>"""

db, actor = ui.db(), ui.actor()
lang = current_language()
today = clock.today()

with st.container(key="forum_toolbar"):
    top = st.columns([1.5, 4, 1.9, 1.6, 1.1, 1.4], vertical_alignment="center")
    top[0].title(t("page.forum"))
    date_from, date_to = period_picker.preset_range("forum", period_picker.PRESETS, "pilot",
                                                    utilisation.pilot_period(db), today, top[1], top[2])
    slides = cached.Reader()(forum.deck, date_from, date_to, lang)
    top[3].download_button(
        t("forum.download_pptx"),
        lambda: forum_export.to_pptx(slides, t("forum.footer", period=slides[0].subtitle), t("forum.no_data"),
                                     t("forum.suppressed_note")),
        file_name=f"forum_{date_from:%Y%m%d}_{date_to:%Y%m%d}.pptx", on_click="ignore", icon=":material/download:",
        mime="application/vnd.openxmlformats-officedocument.presentationml.presentation", width="stretch")
    top[4].button(t("forum.show"), key="forum_show_button", icon=":material/slideshow:", width="stretch",
                  on_click=lambda: st.session_state.update(forum_show=True), help=t("forum.keys_help"))
    top[5].page_link(st.session_state["_pages"]["wykorzystanie"], label=t("forum.exit"),
                     icon=":material/close_fullscreen:")

with st.container(key="forum_keys"):
    action = slide_keys.listen("forum_slide_keys")
last = len(slides) - 1
current = min(int(st.session_state.get("forum_slide", 0)), last)
if action:
    current = {"next": min(last, current + 1), "previous": max(0, current - 1), "first": 0,
               "last": last}.get(action, current)
    st.session_state["forum_slide"] = current
    if action == "fullscreen":
        st.session_state["forum_show"] = not st.session_state.get("forum_show", False)
    elif action == "exit":
        st.session_state["forum_show"] = False
show = bool(st.session_state.get("forum_show", False))
if show:
    st.html(SHOW_CSS)
index = current
slide = slides[index]
# Chart heights that fit a 720 px screen: less room when the slide also carries big figures.
CHART_HEIGHT = (210 if len(slide.figures) > 4 else 260) if show else 360


def move(step: int) -> None:
    st.session_state["forum_slide"] = max(0, min(len(slides) - 1, index + step))


LONG_FIGURE = 10  # characters: "471 362,50 zł" in the full size would break across two lines of its card


def show_figures(figures: list[forum.Figure]) -> None:
    """Cards of one size per slide: smaller type for all when any figure is long, so none breaks."""
    per_row = {5: 3, 6: 3}.get(len(figures), min(4, len(figures)))  # wide enough for a whole label
    long = max(len(f.text) for f in figures) > LONG_FIGURE
    with st.container(key="forum_figures_long" if long else "forum_figures"):
        for first in range(0, len(figures), per_row):
            for column, figure in zip(st.columns(per_row), figures[first:first + per_row]):
                column.metric(figure.label, figure.text, border=True, height="stretch",
                              help=None if show else (figure.definition or None))   # no "?" on a projected slide


def show_chart(chart: forum.Chart) -> None:
    if chart.frame.empty or chart.sentence:
        st.markdown(f"**{ui.escape_md(chart.title)}**")
        st.info(chart.sentence or t("forum.no_data"))
        return
    height = max(320, 44 * len(chart.frame)) if chart.kind == "bars" else 360
    height = CHART_HEIGHT if show else min(height, 520)
    st.vega_lite_chart(forum_export.chart_spec(chart, 640, height), theme=None, width="stretch")
    if chart.note and forum.SUPPRESSED in set(chart.frame["text"]):
        st.caption(chart.note)


with st.container(border=True, key="forum_stage"):
    if slide.key in ("title", "no_data"):
        st.markdown("# " + ui.escape_md(slide.title))
        st.markdown("### " + ui.escape_md(slide.subtitle))
        if slide.key == "title":
            st.markdown(ui.escape_md(slide.note))
    else:
        st.markdown("## " + ui.escape_md(slide.title))
        st.caption(slide.subtitle)
        if slide.figures:
            show_figures(slide.figures)
        if slide.charts:
            for column, chart in zip(st.columns(len(slide.charts)), slide.charts):
                with column:
                    show_chart(chart)
        if slide.table is not None:
            colours = {"green": "#5E8C31", "amber": "#B07B00", "red": "#C8102E", "none": "#8C8C8C"}
            table = slide.table.assign(status=["● " + s for s in slide.table["status"]])
            shown = table[["result", "target", "achieved", "status"]].set_axis(slide.table_headers, axis=1)
            status = slide.table_headers[3]
            st.table(shown.style.hide(axis="index").apply(
                lambda column: [f"color: {colours[k]}; font-weight: 600" for k in table["light"]], subset=[status]))
        if forum_export.shows_suppressed(slide):
            st.caption(t("forum.suppressed_note"))
        if slide.table is not None and slide.definitions and not show:
            with st.expander(t("indicator.definitions")):
                st.markdown("\n\n".join(f"**{ui.escape_md(name)}** — {ui.escape_md(definition)}"
                                          for name, definition in slide.definitions))

with st.container(key="forum_nav"):
    back, counter, forward = st.columns([1, 2, 1], vertical_alignment="center")
    back.button(t("forum.previous"), key="forum_previous", icon=":material/arrow_back:", on_click=move, args=(-1,),
                disabled=index == 0, width="stretch")
    with counter.container(key="forum_counter"):
        st.markdown(t("forum.counter", current=index + 1, total=len(slides)))
    forward.button(t("forum.next"), key="forum_next", icon=":material/arrow_forward:", on_click=move, args=(1,),
                   disabled=index == len(slides) - 1, width="stretch", type="primary")
