"""The Forum deck as a 16:9 PPTX with native, editable charts (see ``dashboard.ui.forum_export``).

Imported only when a deck is asked for (``forum_export.to_pptx``): python-pptx is heavy, and most
server processes never build a deck.
"""

from __future__ import annotations

import io

from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION  # noqa: F401
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.util import Emu, Inches, Pt

from dashboard.services.reporting.forum import SUPPRESSED, Chart, Slide
from dashboard.ui import charts

RED, INK, GREY, LIGHT = RGBColor(0xC8, 0x10, 0x2E), RGBColor(0x1F, 0x1F, 0x1F), RGBColor(0x5F, 0x5F, 0x5F), \
    RGBColor(0xF4, 0xF1, 0xEC)
LIGHT_COLOURS = {"green": RGBColor(0x5E, 0x8C, 0x31), "amber": RGBColor(0xB0, 0x7B, 0x00),
                 "red": RGBColor(0xC8, 0x10, 0x2E), "none": RGBColor(0x8C, 0x8C, 0x8C)}
WIDTH, HEIGHT = Inches(13.333), Inches(7.5)   # 16:9
MARGIN = Inches(0.6)
COUNT_FORMAT, HOURS_FORMAT, PERCENT_FORMAT = "#,##0", "#,##0.0", "0%"   # Polish Office: "1 234", "2,5", "15%"
CHART_COLOURS = [RGBColor.from_string(c.lstrip("#")) for c in charts.PALETTE]


def to_pptx(slides: list[Slide], footer: str, no_data: str, suppressed_note: str, notes: list[str],
            suppressed: list[bool]) -> bytes:
    """The deck (``forum_export.to_pptx`` says what is on it); ``notes`` and ``suppressed`` per slide: its
    speaker notes, and whether it shows a "<5" (then ``suppressed_note`` goes at its foot)."""
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT
    blank = deck.slide_layouts[6]
    for number, slide in enumerate(slides, start=1):
        page = deck.slides.add_slide(blank)
        _band(page)
        if slide.key in ("title", "no_data"):
            _title_slide(page, slide)
        else:
            _text(page, slide.title, MARGIN, Inches(0.35), WIDTH - 2 * MARGIN, Inches(0.75), 34, bold=True)
            _text(page, slide.subtitle, MARGIN, Inches(1.05), WIDTH - 2 * MARGIN, Inches(0.4), 15, colour=GREY)
            if slide.table is not None:
                _results_table(page, slide)
            elif _draws_charts(slide):
                _figures(page, slide.figures, Inches(1.55), Inches(1.3), 1, 34)
                _charts(page, slide.charts, no_data)
            else:
                _figures(page, slide.figures, Inches(1.8), Inches(2.3), 2, 48)
        if suppressed_note and suppressed[number - 1]:
            _text(page, suppressed_note, MARGIN, Inches(7.0), Inches(7.6), Inches(0.35), 11, colour=GREY)
        _text(page, f"{footer}   ·   {number} / {len(slides)}", Inches(8.3), Inches(7.0), WIDTH - MARGIN - Inches(8.3),
              Inches(0.35), 11, colour=GREY, align=PP_ALIGN.RIGHT)
        page.notes_slide.notes_text_frame.text = notes[number - 1]
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()


def _band(page) -> None:
    bar = page.shapes.add_shape(MSO_SHAPE.RECTANGLE, 0, 0, WIDTH, Inches(0.14))
    bar.fill.solid()
    bar.fill.fore_color.rgb = RED
    bar.line.fill.background()


def _text(page, text: str, left, top, width, height, size: int, bold: bool = False, colour: RGBColor = INK,
          align=PP_ALIGN.LEFT, anchor=MSO_ANCHOR.TOP):
    box = page.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = True
    frame.vertical_anchor = anchor
    paragraph = frame.paragraphs[0]
    paragraph.alignment = align
    run = paragraph.add_run()
    run.text = text
    run.font.size, run.font.bold, run.font.color.rgb = Pt(size), bold, colour
    return box


def _title_slide(page, slide: Slide) -> None:
    _text(page, slide.title, MARGIN, Inches(2.2), WIDTH - 2 * MARGIN, Inches(1.8), 44, bold=True,
          anchor=MSO_ANCHOR.BOTTOM)
    _text(page, slide.subtitle, MARGIN, Inches(4.2), WIDTH - 2 * MARGIN, Inches(0.6), 24, colour=RED)
    if slide.key == "title":
        _text(page, slide.note, MARGIN, Inches(4.9), WIDTH - 2 * MARGIN, Inches(1.0), 18, colour=GREY)


def _figures(page, figures, top, height, rows: int, size: int) -> None:
    """Big numbers in a grid: ``rows`` rows, as many columns as needed."""
    if not figures:
        return
    columns = -(-len(figures) // rows)
    gap = Inches(0.2)
    width = Emu(int((WIDTH - 2 * MARGIN - gap * (columns - 1)) / columns))
    for index, figure in enumerate(figures):
        row, column = divmod(index, columns)
        left, cell_top = MARGIN + column * (width + gap), top + row * (height + gap)
        card = page.shapes.add_shape(MSO_SHAPE.RECTANGLE, left, cell_top, width, height)
        card.fill.solid()
        card.fill.fore_color.rgb = LIGHT
        card.line.fill.background()
        _text(page, figure.text, left + Inches(0.15), cell_top + Inches(0.05), width - Inches(0.3),
              Emu(int(height * 0.6)), _fitting(figure.text, width - Inches(0.3), size), bold=True, colour=RED,
              anchor=MSO_ANCHOR.BOTTOM)
        _text(page, figure.label, left + Inches(0.15), cell_top + Emu(int(height * 0.62)), width - Inches(0.3),
              Emu(int(height * 0.38)), max(12, size // 3), colour=INK)


def _fitting(text: str, width, size: int) -> int:
    """The largest font size up to ``size`` at which ``text`` fits on one line of ``width`` (bold digits
    are about 0.6 em wide), so "1 934 660,00 zł" shrinks instead of spilling out of its card."""
    return max(14, min(size, int(width / 12700 / (0.6 * max(1, len(text))))))


def _chart_boxes(chart_list: list[Chart]) -> list[tuple]:
    """Where each chart of a slide goes: (chart, left, top, width, image height, note height)."""
    top, height = Inches(3.05), Inches(3.75)
    gap = Inches(0.3)
    width = Emu(int((WIDTH - 2 * MARGIN - gap * (len(chart_list) - 1)) / len(chart_list)))
    boxes = []
    for index, chart in enumerate(chart_list):
        note_height = Inches(0.3) if chart.note and SUPPRESSED in set(chart.frame["text"]) else 0
        boxes.append((chart, MARGIN + index * (width + gap), top, width, height - note_height, note_height))
    return boxes


def _draws_charts(slide: Slide) -> bool:
    return slide.key not in ("title", "no_data") and slide.table is None and bool(slide.charts)


def number_format(chart: Chart) -> str:
    """The PowerPoint number format of a chart's values: percent, hours (one decimal) or a whole count."""
    if chart.percent:
        return PERCENT_FORMAT
    drawn = [v for v in chart.frame["value"] if v is not None and v == v]
    return HOURS_FORMAT if any(float(v) != int(v) for v in drawn) or "," in "".join(chart.frame["text"]) \
        else COUNT_FORMAT


def chart_data(chart: Chart) -> CategoryChartData:
    """The chart's data as PowerPoint holds it: one series, a category per row, None for a suppressed or
    empty value (no bar); a suppressed category says so in its label ("szkolenie (<5)")."""
    data = CategoryChartData(number_format=number_format(chart))
    data.categories = [f"{c} ({SUPPRESSED})" if t == SUPPRESSED else str(c)
                       for c, t in zip(chart.frame["category"], chart.frame["text"])]
    data.add_series(chart.value_title, [None if v is None or v != v else float(v) for v in chart.frame["value"]])
    return data


def _charts(page, chart_list: list[Chart], no_data: str) -> None:
    for chart, left, top, width, height, note_height in _chart_boxes(chart_list):
        if chart.frame.empty or chart.sentence:
            _text(page, chart.title, left, top, width, Inches(0.5), 18, bold=True)
            _text(page, chart.sentence or no_data, left, top + Inches(0.6), width, Inches(1.2), 18, colour=GREY)
            continue
        _native_chart(page, chart, left, top, width, height)
        if note_height:
            _text(page, chart.note, left, top + height, width, note_height, 11, colour=GREY)


def _native_chart(page, chart: Chart, left, top, width, height):
    """An editable PowerPoint chart: horizontal bars (categories top to bottom) or a line per week."""
    line = chart.kind == "line"
    kind = XL_CHART_TYPE.LINE_MARKERS if line else XL_CHART_TYPE.BAR_CLUSTERED
    frame = page.shapes.add_chart(kind, left, top, width, height, chart_data(chart))
    native = frame.chart
    native.has_legend = False
    native.font.size, native.font.color.rgb = Pt(14), INK
    native.has_title = True
    title = native.chart_title.text_frame
    title.text = chart.title
    title.paragraphs[0].runs[0].font.size, title.paragraphs[0].runs[0].font.bold = Pt(18), True
    value_axis, category_axis = native.value_axis, native.category_axis
    fmt = number_format(chart)
    value_axis.tick_labels.number_format, value_axis.tick_labels.number_format_is_linked = fmt, False
    value_axis.tick_labels.font.size = Pt(14)
    value_axis.has_major_gridlines = True
    value_axis.major_gridlines.format.line.color.rgb = RGBColor(0xEE, 0xEE, 0xEE)
    value_axis.minimum_scale = 0
    if chart.percent:
        value_axis.maximum_scale = 1
    category_axis.tick_labels.font.size = Pt(14 if not line else 12)
    plot = native.plots[0]
    series = plot.series[0]
    if line:
        series.format.line.color.rgb = CHART_COLOURS[0]
        series.format.line.width = Pt(3)
        series.smooth = False
    else:
        category_axis.reverse_order = True          # the frame's first category on top, as on the page
        plot.gap_width = 60
        series.format.fill.solid()
        series.format.fill.fore_color.rgb = CHART_COLOURS[0]
        series.invert_if_negative = False
    plot.has_data_labels = True
    labels = plot.data_labels
    labels.number_format, labels.number_format_is_linked = fmt, False
    labels.font.size, labels.font.bold = Pt(14), True
    labels.position = XL_LABEL_POSITION.ABOVE if line else XL_LABEL_POSITION.OUTSIDE_END
    return frame


def _results_table(page, slide: Slide) -> None:
    frame = slide.table
    rows, columns = len(frame) + 1, 4
    shape = page.shapes.add_table(rows, columns, MARGIN, Inches(1.6), WIDTH - 2 * MARGIN, Inches(0.5) * rows)
    table = shape.table
    for index, width in enumerate((5.4, 2.2, 2.0, 2.53)):
        table.columns[index].width = Inches(width)
    for column, text in enumerate(slide.table_headers):
        _cell(table.cell(0, column), text, 16, bold=True, colour=RGBColor(0xFF, 0xFF, 0xFF), fill=RED)
    for row, item in enumerate(frame.itertuples(), start=1):
        _cell(table.cell(row, 0), item.result, 16)
        _cell(table.cell(row, 1), item.target, 16)
        _cell(table.cell(row, 2), item.achieved, 18, bold=True)
        _cell(table.cell(row, 3), "● " + item.status, 16, colour=LIGHT_COLOURS.get(item.light, INK))


def _cell(cell, text: str, size: int, bold: bool = False, colour: RGBColor = INK, fill: RGBColor | None = None):
    cell.text = ""
    run = cell.text_frame.paragraphs[0].add_run()
    run.text = text
    run.font.size, run.font.bold, run.font.color.rgb = Pt(size), bold, colour
    cell.vertical_anchor = MSO_ANCHOR.MIDDLE
    if fill is not None:
        cell.fill.solid()
        cell.fill.fore_color.rgb = fill
