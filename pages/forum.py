"""Forum mode: the pilot's headline figures and key charts as a full-screen slideshow, and as PPTX.

What is shown here is meant for a projector at the Forum of Plenipotentiaries, so the slides
carry aggregates only (``dashboard.services.reporting.forum``): no names, e-mails or phones, small counts as "<5".
"""

import streamlit as st

from dashboard.ui import cached
from dashboard.core import clock
from dashboard.ui import forum_export
from dashboard.ui import period_picker
from dashboard.ui import widgets as ui
from dashboard.core.i18n import current_language, t
from dashboard.services.reporting import forum
from dashboard.services.reporting import utilisation

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
</style>""")

db, actor = ui.db(), ui.actor()
lang = current_language()
today = clock.today()

with st.container(key="forum_toolbar"):
    top = st.columns([1.5, 4, 1.9, 1.6, 1.5], vertical_alignment="center")
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
    top[4].page_link(st.session_state["_pages"]["wykorzystanie"], label=t("forum.exit"),
                     icon=":material/close_fullscreen:")

index = min(int(st.session_state.get("forum_slide", 0)), len(slides) - 1)
slide = slides[index]


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
                column.metric(figure.label, figure.text, border=True)


def show_chart(chart: forum.Chart) -> None:
    if chart.frame.empty:
        st.markdown(f"**{ui.escape_md(chart.title)}**")
        st.info(t("forum.no_data"))
        return
    height = max(320, 44 * len(chart.frame)) if chart.kind == "bars" else 360
    st.vega_lite_chart(forum_export.chart_spec(chart, 640, min(height, 520)), theme=None, width="stretch")
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

with st.container(key="forum_nav"):
    back, counter, forward = st.columns([1, 2, 1], vertical_alignment="center")
    back.button(t("forum.previous"), key="forum_previous", icon=":material/arrow_back:", on_click=move, args=(-1,),
                disabled=index == 0, width="stretch")
    with counter.container(key="forum_counter"):
        st.markdown(t("forum.counter", current=index + 1, total=len(slides)))
    forward.button(t("forum.next"), key="forum_next", icon=":material/arrow_forward:", on_click=move, args=(1,),
                   disabled=index == len(slides) - 1, width="stretch", type="primary")
