"""The measured quality of the suggestions stays above the targets (python -m benchmarks.mapping_quality)."""

from benchmarks.mapping_quality import TARGETS, format_report, main, measure


def test_suggestions_meet_the_precision_and_recall_targets_on_the_export_fixtures():
    report = measure()
    assert len(report.files) >= 8
    assert report.headers.precision >= TARGETS["header_precision"], format_report(report)
    assert report.headers.recall >= TARGETS["header_recall"], format_report(report)
    assert report.constants.precision >= TARGETS["constant_precision"], format_report(report)


def test_the_script_prints_the_figures_and_exits_zero_when_the_targets_are_met(capsys):
    assert main(["--quiet"]) == 0
    out = capsys.readouterr().out
    assert "headers:   precision" in out and "constants: precision" in out and "google_contacts.csv" in out


def test_the_script_exits_one_below_the_targets(tmp_path, capsys):
    (tmp_path / "bad.csv").write_text("First Name,Email\nAnn,ann@example.com\n")
    (tmp_path / "expected.json").write_text(
        '{"bad.csv": {"file_headers_mappings": {"last_name": "first_name"}, "file_constants_mappings": {}}}'
    )
    assert main([str(tmp_path)]) == 1
    assert "NOT MET" in capsys.readouterr().out
