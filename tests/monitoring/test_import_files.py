"""Bad files of every kind are refused whole, each bad row named by its line with the reason,
and nothing of them is kept; good files in each documented form are read alike."""

import io
import zipfile
from datetime import UTC, datetime, timedelta

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import AuditEntry
from monitoring import formats, imports
from monitoring.models import DataSet, DataSetReview, Sample
from tests.monitoring.conftest import HEADER, csv_bytes, row

pytestmark = pytest.mark.django_db
FUTURE = (datetime.now(UTC) + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M:%SZ")


def upload(data: bytes, name="em.csv"):
    return SimpleUploadedFile(name, data)


def refused(assessment, user, data, name="em.csv"):
    """The errors of an import that must be refused; checks that nothing was kept."""
    entries = AuditEntry.objects.count()
    with pytest.raises(formats.EMDataInvalid) as exc:
        imports.import_samples(assessment, user, formats.read_upload(upload(data, name)))
    assert (DataSet.objects.count(), Sample.objects.count(), DataSetReview.objects.count()) == (0, 0, 0)
    assert AuditEntry.objects.count() == entries
    return exc.value


def xlsx_bytes(rows, header=HEADER, sheet="samples") -> bytes:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    if header is not None:
        ws.append(header)
    for r in rows:
        ws.append(list(r))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


BAD_ROWS = [
    (row(grade="E"), "grade 'E' is not one of A, B, C, D"),
    (row(grade=""), "grade is empty"),
    (row(state="running"), "state 'running' is not one of at_rest, in_operation"),
    (row(kind="settle"), "kind 'settle' is not one of particles_0_5"),
    (row(value="many"), "value 'many' is not a number"),
    (row(value="-1"), "value -1 is negative"),
    (row(value="3,5"), "write decimals with a point"),
    (row(value="NaN"), "value is not a finite number"),
    (row(value="1.0005"), "more than 3 decimal places"),
    (row(value=""), "value is empty"),
    (row(value="1e20"), "too large"),
    (row(at="03/03/2025"), "is not an ISO 8601 date and time"),
    (row(at=""), "sampled_at is empty"),
    (row(at=FUTURE), "is in the future"),
    (row(at="1970-01-01"), "before 1990"),
    (row(location=""), "location is empty"),
    (row(location="x" * 121), "at most 120"),
]


@pytest.mark.parametrize(("bad", "reason"), BAD_ROWS, ids=[r for _, r in BAD_ROWS])
def test_a_bad_row_is_named_by_its_line_and_nothing_is_kept(em_assessment, auditor, bad, reason):
    data = csv_bytes([row(), row(value=3), bad, row()])
    errors = refused(em_assessment, auditor, data).errors
    assert list(errors) == ["line 4"], errors  # the header is line 1
    assert reason in " ".join(errors["line 4"])


def test_every_bad_row_is_listed_with_all_its_reasons(em_assessment, auditor):
    data = csv_bytes([row(grade="E", kind="x"), row(), row(value="-2"), ["only", "three", "values"]])
    errors = refused(em_assessment, auditor, data).errors
    assert set(errors) == {"line 2", "line 4", "line 5"}
    assert len(errors["line 2"]) == 2
    assert errors["line 5"] == ["3 values, but the header has 6 columns"]


def test_lines_are_those_of_the_file_with_blank_lines_and_quoted_newlines(em_assessment, auditor):
    data = b"location,grade,state,kind,value,sampled_at\n\n" + b'"Room\n2",B,at_rest,air_viable,1,2025-01-02\n'
    data += b"R3,Z,at_rest,air_viable,1,2025-01-02\n"
    errors = refused(em_assessment, auditor, data).errors
    assert list(errors) == ["line 5"]


def test_many_bad_rows_list_the_first_hundred_and_count_the_rest(em_assessment, auditor):
    errors = refused(em_assessment, auditor, csv_bytes([row(grade="Z")] * 250)).errors
    assert len([k for k in errors if k.startswith("line")]) == 100
    assert errors["file"] == ["250 lines have errors; the first 100 are listed."]


@pytest.mark.parametrize(
    ("data", "where", "reason"),
    [
        (b"", "file", "The file is empty"),
        (b"\n\n", "file", "The file is empty"),
        (csv_bytes([]), "file", "a header but no samples"),
        (csv_bytes([row()], header=HEADER[:-1]), "line 1", "missing column(s) sampled_at"),
        (csv_bytes([row() + ["x"]], header=[*HEADER, "operator"]), "line 1", "unknown column(s) 'operator'"),
        (csv_bytes([row() + ["x"]], header=[*HEADER, "grade"]), "line 1", "given twice: grade"),
        (csv_bytes([row()], header=None), "line 1", "missing column(s)"),
        (csv_bytes([row()]) + "Zürich,A,at_rest,air_viable,0,2025-01-01\n".encode("latin-1"), "line 3", "not UTF-8"),
        (csv_bytes([row()]) + b'R,"A,at_rest\n', "line 3", "cannot be read as CSV"),
        (csv_bytes([row()]) + b"R\x00,A,at_rest,air_viable,0,2025-01-01\n", "line 3", "NUL character"),
    ],
    ids=["empty", "blank", "header-only", "missing", "unknown", "twice", "no-header", "latin-1", "quote", "nul"],
)
def test_a_file_that_cannot_be_read_is_refused_naming_where(em_assessment, auditor, data, where, reason):
    errors = refused(em_assessment, auditor, data).errors
    assert where in errors, errors
    assert reason in " ".join(errors[where])


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(em_assessment, auditor, settings):
    settings.EM_IMPORT_MAX_BYTES = 1000
    with pytest.raises(formats.EMFileTooLarge) as exc:
        formats.read_upload(upload(csv_bytes([row()] * 40)))
    assert exc.value.status_code == 413 and "at most 1,000 bytes" in exc.value.errors["file"][0]


def test_more_samples_than_allowed_are_refused(em_assessment, auditor, settings):
    settings.EM_IMPORT_MAX_ROWS = 10
    errors = refused(em_assessment, auditor, csv_bytes([row()] * 11)).errors
    assert "more than 10 samples" in errors["file"][0]


# --- the forms of a good file ------------------------------------------------------------------


def imported(assessment, user, data, name="em.csv"):
    data_set, samples = imports.import_samples(assessment, user, formats.read_upload(upload(data, name)))
    return data_set, [(s.line, s.location, s.grade, s.state, s.kind, str(s.value), s.result) for s in samples]


def test_semicolons_a_byte_order_mark_and_friendly_spellings_are_read(em_assessment, auditor):
    data = (
        "\ufeff"
        + "Location;Grade;State;Kind;Value;Sampled_at\n BSC 1 ;a;In operation;SETTLE_PLATE;1;2025-03-03 09:00\n"
    )
    data_set, rows = imported(em_assessment, auditor, data.encode())
    assert rows == [(2, "BSC 1", "A", "in_operation", "settle_plate", "1", "excursion")]
    assert data_set.sample_count == 1 and data_set.source_format == "csv"


def test_times_with_an_offset_are_stored_in_utc_and_dates_alone_at_midnight(em_assessment, auditor):
    data = csv_bytes([row(at="2025-03-03T10:00:00+02:00"), row(at="2025-03-04")])
    data_set, _ = imported(em_assessment, auditor, data)
    moments = list(Sample.objects.filter(data_set=data_set).values_list("sampled_at", flat=True))
    assert moments == [datetime(2025, 3, 3, 8, tzinfo=UTC), datetime(2025, 3, 4, tzinfo=UTC)]
    assert (data_set.period_start.isoformat(), data_set.period_end.isoformat()) == ("2025-03-03", "2025-03-04")


def test_an_xlsx_workbook_with_date_cells_and_numbers(em_assessment, auditor):
    rows = [
        ("BSC 1", "A", "in_operation", "particles_5_0", 30, datetime(2025, 2, 1, 9, 30)),
        ("Room 2", "B", "at_rest", "particles_0_5", 3520.0, datetime(2025, 2, 1, 18)),
    ]
    data_set, got = imported(em_assessment, auditor, xlsx_bytes(rows), "em.xlsx")
    assert got == [
        (2, "BSC 1", "A", "in_operation", "particles_5_0", "30", "excursion"),
        (3, "Room 2", "B", "at_rest", "particles_0_5", "3520", "within"),
    ]
    assert data_set.source_format == "xlsx" and data_set.source_name == "em.xlsx"


def test_a_bad_xlsx_row_is_named_by_its_row_number(em_assessment, auditor):
    rows = [
        ("R", "A", "at_rest", "air_viable", 0, datetime(2025, 2, 1)),
        ("R", "A", "at_rest", "air_viable", "?", None),
    ]
    errors = refused(em_assessment, auditor, xlsx_bytes(rows), "em.xlsx").errors
    assert errors == {"line 3": ["value '?' is not a number", "sampled_at is empty"]}


def test_an_xlsx_with_values_beyond_the_header_is_refused(em_assessment, auditor):
    rows = [("R", "A", "at_rest", "air_viable", 0, datetime(2025, 2, 1), "extra")]
    errors = refused(em_assessment, auditor, xlsx_bytes(rows), "em.xlsx").errors
    assert "beyond the 6 columns" in errors["line 2"][0]


@pytest.mark.parametrize(
    ("data", "name", "reason"),
    [
        (b"PK\x03\x04 not really a zip", "em.xlsx", "not a valid ZIP archive"),
        (b"plain text", "em.xlsx", "not a valid ZIP archive"),
        (b"\xd0\xcf\x11\xe0 old excel", "em.xls", "not a CSV file or an .xlsx workbook"),
    ],
)
def test_a_file_that_is_no_workbook_is_refused(em_assessment, auditor, data, name, reason):
    assert reason in refused(em_assessment, auditor, data, name).errors["file"][0]


def test_a_zip_that_is_no_workbook_is_refused(em_assessment, auditor):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("hello.txt", "hello")
    assert "cannot be read" in refused(em_assessment, auditor, out.getvalue(), "em.xlsx").errors["file"][0]


def test_a_workbook_that_unpacks_to_more_than_the_limit_is_refused_unopened(em_assessment, auditor, settings):
    settings.EM_XLSX_MAX_UNPACKED_BYTES = 1_000_000
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b"0" * 5_000_000)  # a few KB packed
    assert len(out.getvalue()) < 20_000
    with pytest.raises(formats.EMFileTooLarge) as exc:
        formats.read_upload(upload(out.getvalue(), "bomb.xlsx"))
    assert "unpacks to 5,000,000 bytes" in exc.value.errors["file"][0]


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_template_imports_as_it_is(em_assessment, auditor, file_format):
    data = formats.template_csv() if file_format == "csv" else formats.template_xlsx()
    data_set, rows = imported(em_assessment, auditor, data, f"template.{file_format}")
    assert data_set.sample_count == len(formats.EXAMPLES) == len(rows)
    assert {r[6] for r in rows} == {"within"}


@pytest.mark.parametrize(
    ("items", "errors"),
    [
        ({"location": "x"}, {"detail": ["Send a non-empty JSON list of samples, or a CSV or XLSX file as 'file'."]}),
        ([], {"detail": ["Send a non-empty JSON list of samples, or a CSV or XLSX file as 'file'."]}),
        (
            [1],
            {"item 1": ["a sample must be an object with the fields location, grade, state, kind, value, sampled_at"]},
        ),
        ([{"location": "R", "grade": "A", "colour": "red"}], {"item 1": ["unknown field(s) colour"]}),
    ],
)
def test_bad_json_is_refused_naming_the_item(em_assessment, auditor, items, errors):
    with pytest.raises(formats.EMDataInvalid) as exc:
        imports.import_samples(em_assessment, auditor, formats.read_json(items))
    assert exc.value.errors == errors
    assert DataSet.objects.count() == 0


def test_json_values_of_the_wrong_type_are_named(em_assessment, auditor):
    items = [{"location": ["R"], "grade": 1, "state": None, "kind": True, "value": True, "sampled_at": 20250101}]
    with pytest.raises(formats.EMDataInvalid) as exc:
        imports.import_samples(em_assessment, auditor, formats.read_json(items))
    assert exc.value.errors == {
        "item 1": [
            "location is empty",
            "grade '1' is not one of A, B, C, D",
            "state is empty",
            "kind is empty",
            "value is not a number",
            "sampled_at is not a date and time",
        ]
    }


def test_samples_are_written_once(em_assessment, auditor):
    from config.exceptions import ConflictError

    data_set, _ = imported(em_assessment, auditor, csv_bytes([row()]))
    sample = Sample.objects.get(data_set=data_set)
    for attempt in (sample.save, sample.delete, Sample.objects.all().delete, lambda: Sample.objects.update(value=9)):
        with pytest.raises(ConflictError):
            attempt()
