"""AppTest: Forum mode for every role (slides move, no personal data on any of them), the utilisation
page's live part set to refresh itself, and a KPI or a result opening the rows behind it."""

from __future__ import annotations

import json
from datetime import date

import pyarrow as pa
import pytest
import streamlit
from google.protobuf.descriptor import FieldDescriptor

from dashboard.core.i18n import translate
from dashboard.core.roles import ROLES
from dashboard.services.reporting import utilisation
from tests.app.conftest import DEMO_USERS, open_page_as, page_path, texts
from tests.conftest import app_as
from tests.unit.forum_dataset import leaks, personal_values


def _strings(message) -> list[str]:
    """Every text in an element's protobuf: strings, JSON specs, and the cells of Arrow tables (chart data)."""
    found = []
    for field, value in message.ListFields():
        values = value if field.is_repeated else [value]
        for item in values:
            if field.type == FieldDescriptor.TYPE_MESSAGE:
                found += _strings(item)
            elif field.type == FieldDescriptor.TYPE_STRING:
                found.append(item)
            elif field.type == FieldDescriptor.TYPE_BYTES and item:
                try:
                    table = pa.ipc.open_stream(item).read_all()
                except (pa.ArrowInvalid, OSError):
                    continue
                found += [str(v) for column in table.columns for v in column.to_pylist()]
                found += table.column_names
    return found


def rendered_text(at) -> str:
    """All the page's own text (the main area, not the sidebar), chart data included."""
    parts = []
    for node in at.main:
        proto = getattr(node, "proto", None)
        if proto is not None and hasattr(proto, "ListFields"):
            parts += _strings(proto)
    text = "\n".join(parts)
    return text + "\n" + json.dumps(text, ensure_ascii=False)  # specs hold JSON-escaped strings too


def _forum(role: str):
    return open_page_as(role, "forum.py")


def _counter(at) -> str:
    return next(s for s in texts(at.markdown) if s.startswith("Slajd "))


@pytest.mark.parametrize("role", ROLES)
def test_forum_renders_and_moves_between_slides(role):
    at = _forum(role)
    assert translate("pl", "page.forum") in texts(at.title)
    total = int(_counter(at).rsplit(" ", 1)[1])
    assert _counter(at) == f"Slajd 1 z {total}" and total >= 3
    assert at.button(key="forum_previous").disabled

    at.button(key="forum_next").click().run()
    assert _counter(at) == f"Slajd 2 z {total}"
    assert "## Najważniejsze liczby" in texts(at.markdown)
    at.button(key="forum_next").click().run()
    assert _counter(at) == f"Slajd 3 z {total}"
    at.button(key="forum_previous").click().run()
    assert _counter(at) == f"Slajd 2 z {total}" and not at.exception


def test_forum_hides_the_sidebar_with_static_css_only():
    at = _forum("coordinator")
    styles = [h.proto.body for h in at.get("html")]
    assert any('[data-testid="stSidebar"]' in s and "display: none" in s for s in styles)
    assert all("<script" not in s for s in styles)


@pytest.mark.parametrize("role", ROLES)
def test_no_slide_shows_a_name_email_or_phone(app_db, role):
    values = personal_values(app_db)
    assert len(values) > 100  # the demo register is full of people
    at = _forum(role)
    seen = []
    while True:
        seen.append(rendered_text(at))
        if at.button(key="forum_next").disabled:
            break
        at.button(key="forum_next").click().run()
        assert not at.exception
    text = "\n".join(seen)
    assert "Najważniejsze liczby" in text and "Organizacje obsłużone" in text  # the scan did see the slides
    assert leaks(text, values) == []


def test_the_scan_sees_chart_data():
    """Guard for the privacy scan itself: text that exists only inside a chart's data is found."""
    at = _forum("staff")
    for _ in range(3):
        at.button(key="forum_next").click().run()
    assert "## Szkolenia i spotkania" in texts(at.markdown)
    assert "Pozyskiwanie środków" not in "\n".join(texts(at.markdown) + texts(at.caption))
    assert "Pozyskiwanie środków" in rendered_text(at)  # a topic: only a bar's label


def test_the_forum_period_can_be_custom_and_reversed_is_refused():
    at = _forum("staff")
    at.segmented_control(key="forum_preset").set_value("custom").run()
    at.date_input(key="forum_custom").set_value((date(2026, 9, 30), date(2026, 9, 1))).run()
    assert translate("pl", "error.period_reversed") in texts(at.error)
    at.date_input(key="forum_custom").set_value((date(2031, 1, 1), date(2031, 1, 31))).run()
    assert not at.exception and _counter(at) == "Slajd 1 z 2"  # a period with nothing: title + "no data"
    at.button(key="forum_next").click().run()
    assert "# Brak danych w wybranym okresie\\." in texts(at.markdown)


def test_the_utilisation_page_refreshes_itself_every_30_seconds(monkeypatch):
    asked = []
    real = streamlit.fragment

    def recording(func=None, *, run_every=None, **kwargs):
        asked.append(run_every)
        return real(func, run_every=run_every, **kwargs)

    monkeypatch.setattr(streamlit, "fragment", recording)
    at = app_as(DEMO_USERS["coordinator"])
    at.run()
    at.switch_page(page_path("utilisation.py")).run()

    assert not at.exception, [e.value for e in at.exception]
    assert asked and all(every == 30 for every in asked) and utilisation.LIVE_REFRESH_S == 30
    assert any(s.startswith("Odświeżono o ") for s in texts(at.caption))


@pytest.mark.parametrize("role", ["staff", "coordinator"])
def test_a_kpi_opens_the_rows_it_was_computed_from(app_db, role):
    at = app_as(DEMO_USERS[role])
    at.run()
    at.switch_page(page_path("utilisation.py")).run()
    at.segmented_control(key="util_preset").set_value("pilot").run()
    participants = next(m for m in at.metric if m.label == translate("pl", "forum.util.participants"))

    at.button(key="trace_participants").click().run()

    assert not at.exception
    assert f"Skąd ta liczba: {participants.label}" in texts(at.subheader)
    frame = at.dataframe[0].value
    assert f"{len(frame)}" == participants.value.replace("\xa0", "")
    emails = [e for e in frame["E-mail"] if e]
    assert emails and all(("***@" in e) == (role == "coordinator") for e in emails)
    at.button(key="trace_close").click().run()
    assert not at.dataframe


def test_a_result_opens_its_rows():
    at = app_as(DEMO_USERS["coordinator"])
    at.run()
    at.switch_page(page_path("results.py")).run()
    at.selectbox(key="results_trace").set_value("advisory_hours").run()

    assert not at.exception
    rule = next(c for c in texts(at.caption) if c.startswith("Wierszy: "))
    assert "suma kolumny „Godziny”" in rule
    shown = at.dataframe[-1].value
    assert f"{shown['Godziny'].sum():.2f}".replace(".", ",") in rule


def test_a_reversed_custom_period_on_the_utilisation_page_says_so():
    at = app_as(DEMO_USERS["staff"])
    at.run()
    at.switch_page(page_path("utilisation.py")).run()
    at.segmented_control(key="util_preset").set_value("custom").run()
    at.date_input(key="util_custom").set_value((date(2026, 9, 30), date(2026, 9, 1))).run()
    assert translate("pl", "error.period_reversed") in texts(at.error)


def test_a_period_with_nothing_recorded_says_so_instead_of_empty_charts():
    at = app_as(DEMO_USERS["staff"])
    at.run()
    at.switch_page(page_path("utilisation.py")).run()
    at.segmented_control(key="util_preset").set_value("custom").run()
    at.date_input(key="util_custom").set_value((date(2031, 1, 1), date(2031, 1, 31))).run()
    assert translate("pl", "forum.util.no_data_period") in texts(at.info)
    assert not at.get("arrow_vega_lite_chart")


@pytest.mark.parametrize("file", ["forum.py", "utilisation.py", "results.py"])
def test_in_english_no_catalogue_key_shows(file):
    at = app_as(DEMO_USERS["staff"], lang="en")
    at.run()
    at.switch_page(page_path(file)).run()
    if file == "forum.py":
        at.button(key="forum_next").click().run()
    assert not at.exception
    text = rendered_text(at)
    assert "forum." not in text and "util." not in text and "results." not in text


def _block_keys(node) -> set[str]:
    """The keys of the keyed containers on the page (a block's id ends with ``-<key>``)."""
    proto = getattr(node, "proto", None)
    found = {proto.id.rsplit("-", 1)[1]} if type(proto).__name__ == "Block" and proto.id.startswith("$$ID-") else set()
    for child in getattr(node, "children", {}).values():
        found |= _block_keys(child)
    return found


def test_long_figures_get_smaller_type_for_the_whole_slide_so_none_breaks_across_lines():
    at = _forum("coordinator")
    at.button(key="forum_next").click().run()  # the headline figures, with the value of volunteer work in zł
    money = next(m.value for m in at.metric if m.label == translate("pl", "indicator.volunteer_value_centre"))

    assert money.endswith("zł") and len(money) > 10
    assert "forum_figures_long" in _block_keys(at._tree) and "forum_figures" not in _block_keys(at._tree)
