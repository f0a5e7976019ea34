"""Tables show an empty cell where a value is missing, and every other value as the interface writes it."""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from dashboard.ui import widgets as ui


def test_a_column_with_gaps_shows_them_empty_and_the_rest_as_people_write_it():
    frame = pd.DataFrame({
        "attended": pd.array([12, None, 1234, 12], dtype="Int64"),
        "hours": [1.5, None, 2.0, 1.5],
        "day": pd.to_datetime(["2026-11-18", None, "2026-12-24", "2026-11-18"]),
        "at": pd.to_datetime(["2026-11-18 09:05", None, "2026-11-18 09:05", "2026-12-01 18:30"]),
        "consent": pd.array([True, None, False, True], dtype="boolean"),
        "reason": ["sala zajęta", None, None, "awaria"],
        "whole": [3, 4, 5, 6],
    })
    shown = ui.blank_missing(frame)
    assert list(shown["attended"]) == ["12", "", "1\xa0234", "12"]
    assert list(shown["hours"]) == ["1,5", "", "2,0", "1,5"]
    assert list(shown["day"]) == ["18.11.2026", "", "24.12.2026", "18.11.2026"]
    assert list(shown["at"]) == ["18.11.2026 09:05", "", "18.11.2026 09:05", "01.12.2026 18:30"]
    assert list(shown["consent"]) == [True, "", False, True]
    assert list(shown["reason"]) == ["sala zajęta", "", "", "awaria"]
    assert shown["whole"].tolist() == [3, 4, 5, 6] and shown["whole"].dtype == frame["whole"].dtype  # no gap: kept
    assert frame["hours"].isna().sum() == 1  # the caller's frame is left as it was
    assert isinstance(frame["at"].iloc[0], datetime)
