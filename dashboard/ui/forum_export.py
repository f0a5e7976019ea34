"""The Forum slides laid out: Vega-Lite chart specs for the page, and a 16:9 PPTX deck.

Slides come from ``dashboard.services.reporting.forum`` (aggregates only, small counts already shown as
"<5"); nothing here queries the database, so the deck can hold no more than the slides do.
Charts go into the PPTX as native, editable PowerPoint charts (python-pptx's chart API) in the Centre's
colours, with number formats that Polish Office shows as "1 234" / "2,5" / "15%" (the format codes are
stored in OOXML's invariant form, ``#,##0`` / ``#,##0.0`` / ``0%``, which PowerPoint renders with the
viewer's separators). No pictures and no child process: a deck at city scale builds in well under 2 s.

The deck itself is built in ``dashboard.ui.forum_pptx``, imported on the first download: python-pptx (and
its lxml trees) stay out of the server until someone asks for a deck. Its names (``chart_data``,
``CHART_COLOURS``…) are reachable here too.
"""

from __future__ import annotations

import altair as alt

from dashboard.services.reporting.forum import SUPPRESSED, Chart, Slide
from dashboard.ui import charts


def chart_spec(chart: Chart, width: int = 600, height: int = 360) -> dict:
    """The chart as a Vega-Lite spec of exactly ``width`` × ``height`` pixels, title included."""
    labels = {"value": chart.value_title, "category": None}
    built = (charts.rate_line(chart.frame, labels, chart.band) if chart.kind == "line"
             else charts.suppressed_bars(chart.frame, labels, chart.percent))
    built = built.properties(width=width, title=alt.TitleParams(chart.title, anchor="start", fontSize=18),
                             autosize=alt.AutoSizeParams(type="fit", contains="padding"))
    themed = charts.themed(built, height=height).configure_axis(labelFontSize=charts.FORUM_FONT,
                                                                 titleFontSize=charts.FORUM_FONT, grid=True,
                                                                 gridColor="#eeeeee")
    spec = charts.vega_spec(themed)  # JSON types only
    spec["usermeta"] = {"embedOptions": {"actions": False}}        # no "…" menu on a projected slide
    return spec


def to_pptx(slides: list[Slide], footer: str, no_data: str, suppressed_note: str = "") -> bytes:
    """The deck: one 16:9 slide per Forum slide — title, big figures, native charts, speaker notes.

    A slide showing any "<5" says what it means (``suppressed_note``) at its foot. The speaker notes carry
    the slide's note and the catalogue's definition of each figure on it (``speaker_notes``).
    """
    from dashboard.ui import forum_pptx

    return forum_pptx.to_pptx(slides, footer, no_data, suppressed_note, [speaker_notes(s) for s in slides],
                              [shows_suppressed(s) for s in slides])


def speaker_notes(slide: Slide) -> str:
    """The slide's note, then the catalogue's definition of each figure on it ("Name: definition"), one a line."""
    parts = [slide.note] if slide.note else []
    if slide.definitions:
        lines = [f"{name}: {text}" for name, text in slide.definitions]
        parts.append("\n".join([slide.definitions_heading, *lines] if slide.definitions_heading else lines))
    return "\n\n".join(parts)


def shows_suppressed(slide: Slide) -> bool:
    """Whether the slide shows a "<5" anywhere (a figure such as "<5 z 8", a bar, the results table)."""
    return (any(f.text == SUPPRESSED or f.text.startswith(SUPPRESSED + " ") for f in slide.figures)
            or any(SUPPRESSED in set(c.frame["text"]) for c in slide.charts if not c.frame.empty)
            or (slide.table is not None and SUPPRESSED in set(slide.table["achieved"])))


def __getattr__(name: str):
    """The deck's own names (``forum_export.chart_data``, ``forum_export.CHART_COLOURS``…), from forum_pptx."""
    if name.startswith("_"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from dashboard.ui import forum_pptx

    try:
        return getattr(forum_pptx, name)
    except AttributeError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
