"""Our chart conversions wait for Streamlit's: while Streamlit converts a page's chart it has a data
transformer of its own enabled in altair's global state, and a conversion of ours running meanwhile (the
warm-up's, another session's Forum or week spec) had its rows collected into that page's chart."""

import threading

import altair as alt
import pandas as pd
from streamlit.elements.vega_charts import _altair_globals_lock

from dashboard.ui import charts


def test_a_spec_is_made_only_when_streamlit_is_not_converting_a_chart():
    chart = alt.Chart(pd.DataFrame({"sala": ["Sala A", "Sala B"], "godziny": [12, 7]})).mark_bar().encode(
        x="godziny:Q", y="sala:N")
    made: list[dict] = []
    worker = threading.Thread(target=lambda: made.append(charts.vega_spec(chart)))

    with _altair_globals_lock:  # Streamlit converting a page's chart
        worker.start()
        worker.join(0.3)
        assert worker.is_alive() and not made, "the spec was made while Streamlit held altair's globals"
    worker.join(10)

    assert made and made[0]["mark"]["type"] == "bar"
