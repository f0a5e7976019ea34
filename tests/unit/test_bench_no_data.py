"""The benchmark on a file without an area's demo data: "no data", never a crash or a failure.

Areas are written in parallel, so the benchmark meets empty tables (no volunteers yet) and
tables not migrated yet; each key call and detail page must say so and the run go on.
"""

from __future__ import annotations

from bench import pages, services, targets


def entry(name: str) -> services.ServiceCall:
    return next(e for e in services.REGISTRY if e.name == name)


def test_every_key_call_needing_data_reports_no_data_on_an_empty_file(db):
    for name in ("certificates.certificate_pdf", "trainings.enrol", "volunteer_work.log_hours",
                 "volunteer_work.matching", "initiative_stages.move"):
        result = services.measure(db, entry(name), calls=3)
        assert result.error is None, (name, result.error)
        assert result.note and result.note.startswith("no data"), (name, result.note)
        assert result.as_dict()["calls"] == 0 and result.ok


def test_a_table_not_migrated_yet_is_no_data_too(db):
    def prepare(database, _module):
        return services.ids(database, "select id from volunteer_timesheet_not_there", [], "no timesheet")

    result = services.measure(db, services.ServiceCall("future.call", "dashboard.services.education.trainings", prepare), 3)
    assert result.error is None and result.note.startswith("no data")
    assert pages.record(db, "select min(id) from volunteer_timesheet_not_there") is None


def test_detail_pages_without_a_record_get_no_query(db):
    for url_path in ("wydarzenie", "wolontariusz", "oferta-wolontariatu", "inicjatywa"):
        assert pages.PAGE_QUERY[url_path](db) is None, url_path


def test_the_issue_targets_are_attached_to_their_calls():
    assert entry("certificates.certificate_pdf").target_ms == 150.0
    assert entry("forum.deck_to_pptx").target_ms == 2000.0
    assert entry("utilisation.live_refresh_after_write").target_ms == 100.0
    assert entry("trainings.enrol").target_ms is None
    assert targets.page_ms("events.py", "szkolenia") == 100.0
    assert targets.page_p95_ms("front_desk.py", "recepcja") == 200.0
    assert targets.page_ms("utilisation.py", "wykorzystanie") == 100.0  # no page has a laxer target any more


def test_a_benchmark_run_keeps_the_browser_figures_in_the_results_file(tmp_path):
    from bench import report

    out = tmp_path / "latest.json"
    out.write_text('{"pages": [], "browser": {"login_form_s": 1.9}}', encoding="utf-8")

    report.write_json(out, {"pages": [{"page": "recepcja"}]})

    written = out.read_text(encoding="utf-8")
    assert '"login_form_s": 1.9' in written and '"recepcja"' in written


def test_pages_are_timed_with_their_code_compiled_once_as_on_the_server():
    from streamlit.testing.v1 import app_test, local_script_runner

    before = app_test.ScriptCache, app_test.BidiComponentManager
    with pages.compiled_once() as shared:
        assert app_test.ScriptCache() is shared and local_script_runner.ScriptCache() is shared
        assert app_test.BidiComponentManager() is app_test.BidiComponentManager()  # installed components found once
    assert (app_test.ScriptCache, app_test.BidiComponentManager) == before  # whatever was there before, back
