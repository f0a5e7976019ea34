"""Chart images drawn in a child process: right images in the right order, and the app's process
never loads the JavaScript engine (that is the point of the child)."""

from __future__ import annotations

import struct
import subprocess
import sys

import pytest

from dashboard import PROJECT_ROOT
from dashboard.ui import chart_images


def bars(width: int, height: int) -> dict:
    return {"$schema": "https://vega.github.io/schema/vega-lite/v5.json", "width": width, "height": height,
            "autosize": {"type": "fit", "contains": "padding"},
            "data": {"values": [{"osiedle": "Bałuty-Centrum", "bookings": 12}, {"osiedle": "Widzew-Wschód", "bookings": 7}]},
            "mark": "bar", "encoding": {"x": {"field": "osiedle", "type": "nominal"},
                                        "y": {"field": "bookings", "type": "quantitative"}}}


def png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    return struct.unpack(">II", data[16:24])


def test_each_spec_becomes_a_png_of_its_size_in_the_order_given():
    images = chart_images.png([bars(300, 200), bars(500, 120)], scale=2)

    assert [png_size(image) for image in images] == [(600, 400), (1000, 240)]


def test_an_svg_holds_the_chart_text_with_polish_letters():
    document = chart_images.svg(bars(300, 200)).decode("utf-8")

    assert document.lstrip().startswith("<svg") and "Bałuty-Centrum" in document


def test_no_specs_start_no_child():
    assert chart_images.png([]) == []


def test_a_spec_vl_convert_cannot_draw_raises_the_named_error():
    with pytest.raises(chart_images.ChartImageError, match="drawing charts failed"):
        chart_images.png([{"mark": "no-such-mark", "data": {"values": [{"a": 1}]}}])


def test_the_calling_process_never_loads_vl_convert():
    script = ("import sys; from dashboard.ui import chart_images; "
              "chart_images.png([{'mark': 'point', 'data': {'values': [{'a': 1}]}, "
              "'encoding': {'x': {'field': 'a', 'type': 'quantitative'}}}]); "
              "print('vl_convert' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", script], cwd=PROJECT_ROOT, capture_output=True, text=True,
                          check=True)

    assert done.stdout.strip() == "False"
