"""The browser tests run as two groups on two workers (tests/conftest.py): the list that splits them
must name real files, and both groups must hold tests, or one worker does all the browser work again."""

from pathlib import Path

from tests.conftest import E2E_DIR, E2E_SECOND_GROUP, e2e_group

ROOT = Path(__file__).resolve().parents[2]
BROWSER_FILES = sorted(path.name for path in (ROOT / E2E_DIR).glob("test_*.py"))


def test_the_second_group_names_only_browser_test_files_that_exist():
    assert set(BROWSER_FILES) >= E2E_SECOND_GROUP


def test_both_groups_hold_browser_tests():
    groups = {e2e_group(f"{E2E_DIR}{name}::test_x[chromium]") for name in BROWSER_FILES}
    assert groups == {f"{E2E_DIR}#1", f"{E2E_DIR}#2"}


def test_a_browser_test_file_is_in_one_group_whatever_its_test():
    name = BROWSER_FILES[0]
    assert e2e_group(f"{E2E_DIR}{name}::test_a[chromium]") == e2e_group(f"{E2E_DIR}{name}::test_b[chromium]")
