"""Chart images (PNG, SVG) rendered by vl-convert in a short-lived child process.

vl-convert runs its own JavaScript engine. In the process that used it, that engine keeps
80–170 MB for the rest of the process's life (measured: five Forum decks added 165 MB to the
benchmark's peak RSS). The app's process serves every user all day, while chart downloads are
occasional, so the engine runs in a child that returns its memory to the system when it exits.
The cost is the child's start, about half a second per download.

Run as ``python -m dashboard.ui.chart_images``: a JSON request on stdin, a JSON answer on stdout.
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys

from dashboard import PROJECT_ROOT

TIMEOUT_S = 120  # a deck of a dozen charts renders in about 2 s; this only stops a hung child


class ChartImageError(RuntimeError):
    """The child could not draw the charts (its own error text is kept for the log)."""


def png(specs: list[dict], scale: float = 2) -> list[bytes]:
    """Each Vega-Lite spec as a PNG image, in one child for the whole list."""
    return [base64.b64decode(item) for item in _render({"format": "png", "scale": scale, "specs": specs})]


def svg(spec: dict) -> bytes:
    """One Vega-Lite spec as an SVG document."""
    return _render({"format": "svg", "specs": [spec]})[0].encode("utf-8")


def _render(request: dict) -> list[str]:
    if not request["specs"]:
        return []
    try:
        done = subprocess.run([sys.executable, "-m", "dashboard.ui.chart_images"], input=json.dumps(request),
                              capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired as exc:
        raise ChartImageError(f"drawing {len(request['specs'])} chart(s) took over {TIMEOUT_S} s") from exc
    if done.returncode != 0:
        raise ChartImageError(f"drawing charts failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout)


def _serve() -> None:
    """The child: read the request, draw every spec, answer with PNGs in base64 or SVG text."""
    import vl_convert

    request = json.load(sys.stdin)
    if request["format"] == "png":
        images = [base64.b64encode(vl_convert.vegalite_to_png(spec, scale=request["scale"])).decode("ascii")
                  for spec in request["specs"]]
    else:
        images = [vl_convert.vegalite_to_svg(spec) for spec in request["specs"]]
    json.dump(images, sys.stdout)


if __name__ == "__main__":
    _serve()
