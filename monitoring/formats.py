"""Environmental-monitoring results as files and JSON (docs/em-format.md): reading a CSV file, an
XLSX workbook or a JSON list into checked rows, and writing the template to fill in.

Every row is checked and every problem is reported with its line (the item number of a JSON
list) and the reason; the caller keeps nothing unless there is none. A file is refused by its
size before it is read, and a workbook by the unpacked size of its parts before it is opened, so
that no file can make the product read more than it allows."""

import csv
import hashlib
import io
import json
import math
import zipfile
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.utils import timezone

from config.exceptions import InvalidInput

from .choices import UNITS, Grade, RoomState, SampleKind

FIELDS = ("location", "grade", "state", "kind", "value", "sampled_at")
LOCATION_MAX = 120
MAX_VALUE = Decimal("99999999999.999")
DECIMALS = 3
STEP = Decimal(1).scaleb(-DECIMALS)
#: Lines with errors listed in one refusal; the count of the others is given.
MAX_REPORTED = 100
XLSX_MAGIC = b"PK\x03\x04"
SHEET_NAME = "samples"
EXAMPLES = [
    ("Filling BSC 1 (work zone)", "A", "in_operation", "particles_0_5", "812", "2025-03-03T09:15:00Z"),
    ("Filling BSC 1 (work zone)", "A", "in_operation", "settle_plate", "0", "2025-03-03T13:15:00Z"),
    ("Filling BSC 1 (operator 07)", "A", "in_operation", "glove_print", "0", "2025-03-03T13:20:00Z"),
    ("Room 2.14 background", "B", "in_operation", "air_viable", "2", "2025-03-03T10:00:00Z"),
    ("Room 2.14 background", "B", "at_rest", "particles_5_0", "11", "2025-03-02T18:00:00Z"),
    ("Corridor 2.10", "C", "in_operation", "contact_plate", "4", "2025-03-03T11:30:00Z"),
]


def max_bytes() -> int:
    return settings.EM_IMPORT_MAX_BYTES


def max_rows() -> int:
    return settings.EM_IMPORT_MAX_ROWS


class EMDataInvalid(InvalidInput):
    """Rows (or a file) that cannot be imported: {"line N" or "item N" or "file": [reasons]}."""


class EMFileTooLarge(EMDataInvalid):
    status_code = 413


@dataclass(frozen=True, slots=True)
class Row:
    line: int
    location: str
    grade: str
    state: str
    kind: str
    value: Decimal
    sampled_at: datetime


@dataclass
class Source:
    """What was received: its format, name and SHA-256, and its rows before checking, as
    (line, {field: raw value}) pairs."""

    format: str
    name: str
    sha256: str
    raw: list
    label: str = "line"


# --------------------------------------------------------------------------- reading


def _file_error(message: str) -> EMDataInvalid:
    return EMDataInvalid({"file": [message]})


def check_size(size: int) -> None:
    limit = max_bytes()
    if size > limit:
        raise EMFileTooLarge(
            {"file": [f"The file is {size:,} bytes; an EM data file may be at most {limit:,} bytes. Split it."]}
        )


def read_upload(upload) -> Source:
    """An uploaded CSV or XLSX file, by its name or, without a known extension, by its first bytes."""
    check_size(upload.size)
    data = upload.read()
    name = (upload.name or "").rsplit("/", 1)[-1][:255]
    lower = name.lower()
    if lower.endswith(".xlsx") or (not lower.endswith((".csv", ".txt")) and data.startswith(XLSX_MAGIC)):
        return read_xlsx(data, name)
    if lower.endswith((".xls", ".ods", ".xlsm")):
        raise _file_error(f"{name} is not a CSV file or an .xlsx workbook: save it as one of those.")
    return read_csv(data, name)


def _header(cells, line: int) -> list[str]:
    names = [str(c).strip().lower() if c is not None else "" for c in cells]
    while names and not names[-1]:
        names.pop()
    problems = []
    unknown = [n for n in names if n not in FIELDS]
    if unknown:
        problems.append(f"unknown column(s) {', '.join(repr(n) for n in unknown)}")
    twice = sorted({n for n in names if n and names.count(n) > 1})
    if twice:
        problems.append(f"column(s) given twice: {', '.join(twice)}")
    missing = [f for f in FIELDS if f not in names]
    if missing:
        problems.append(f"missing column(s) {', '.join(missing)}")
    if problems:
        raise EMDataInvalid(
            {f"line {line}": ["The header " + "; ".join(problems) + f". The columns are: {', '.join(FIELDS)}."]}
        )
    return names


def _too_many_rows() -> EMDataInvalid:
    return _file_error(f"The file has more than {max_rows():,} samples; split it into several data sets.")


def read_csv(data: bytes, name: str = "") -> Source:
    sha = hashlib.sha256(data).hexdigest()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise EMDataInvalid({f"line {line}": ["The file is not UTF-8 text: save it as CSV UTF-8."]}) from None
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    raw, header, limit = [], None, max_rows()
    try:
        for cells in reader:
            line = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if header is None:
                header = _header(cells, line)
                continue
            if len(raw) >= limit:
                raise _too_many_rows()
            if len(cells) != len(header):
                raw.append((line, {"_width": f"{len(cells)} values, but the header has {len(header)} columns"}))
                continue
            raw.append((line, dict(zip(header, cells, strict=True))))
    except csv.Error as exc:
        raise EMDataInvalid({f"line {reader.line_num}": [f"The file cannot be read as CSV: {exc}."]}) from None
    if header is None:
        raise _file_error("The file is empty: it needs the header line and one line per sample.")
    if not raw:
        raise _file_error("The file has a header but no samples.")
    return Source("csv", name, sha, raw)


def _check_unpacked(data: bytes) -> None:
    """A workbook is a ZIP archive: refuse one whose parts unpack to more than the limit, before
    any of it is decompressed."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise _file_error("The file is not an .xlsx workbook (it is not a valid ZIP archive).") from None
    limit = settings.EM_XLSX_MAX_UNPACKED_BYTES
    if unpacked > limit:
        raise EMFileTooLarge(
            {"file": [f"The workbook unpacks to {unpacked:,} bytes, more than the {limit:,} allowed. Split it."]}
        )


def read_xlsx(data: bytes, name: str = "") -> Source:
    """The sheet named "samples", else the first; row 1 is the header."""
    import openpyxl

    sha = hashlib.sha256(data).hexdigest()
    _check_unpacked(data)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise _file_error(f"The workbook cannot be read ({type(exc).__name__}): save it again as .xlsx.") from None
    try:
        sheet = book[SHEET_NAME] if SHEET_NAME in book.sheetnames else book.worksheets[0]
        raw, header, limit = [], None, max_rows()
        try:
            for line, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
                if not any(c is not None and str(c).strip() for c in cells):
                    continue
                if header is None:
                    header = _header(cells, line)
                    continue
                if len(raw) >= limit:
                    raise _too_many_rows()
                extra = [c for c in cells[len(header) :] if c is not None and str(c).strip()]
                if extra:
                    raw.append((line, {"_width": f"values beyond the {len(header)} columns of the header"}))
                    continue
                cells = tuple(cells) + (None,) * (len(header) - len(cells))
                raw.append((line, dict(zip(header, cells[: len(header)], strict=True))))
        except EMDataInvalid:
            raise
        except Exception as exc:
            raise _file_error(f"The workbook cannot be read ({type(exc).__name__}): save it again as .xlsx.") from None
    finally:
        book.close()
    if header is None:
        raise _file_error("The workbook is empty: it needs the header row and one row per sample.")
    if not raw:
        raise _file_error("The workbook has a header but no samples.")
    return Source("xlsx", name, sha, raw)


def read_json(items) -> Source:
    """A JSON list of sample objects (the API); each is named by its item number, from 1."""
    if not isinstance(items, list) or not items:
        raise EMDataInvalid({"detail": ["Send a non-empty JSON list of samples, or a CSV or XLSX file as 'file'."]})
    if len(items) > max_rows():
        raise EMDataInvalid({"detail": [f"More than {max_rows():,} samples; send them as several data sets."]})
    raw = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raw.append((number, {"_width": "a sample must be an object with the fields " + ", ".join(FIELDS)}))
            continue
        unknown = sorted(set(item) - set(FIELDS))
        if unknown:
            raw.append((number, {"_width": f"unknown field(s) {', '.join(unknown)}"}))
            continue
        raw.append((number, item))
    body = json.dumps(items, sort_keys=True, separators=(",", ":"), default=str).encode()
    return Source("json", "", hashlib.sha256(body).hexdigest(), raw, label="item")


# --------------------------------------------------------------------------- checking


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return None
    return str(value).strip()


def _choice(field, value, choices, normalise) -> str:
    text = _text(value)
    if not text:
        raise ValueError(f"{field} is empty")
    code = normalise(text)
    if code not in choices:
        raise ValueError(f"{field} {text[:40]!r} is not one of {', '.join(choices)}")
    return code


def _location(value) -> str:
    text = _text(value)
    if not text:
        raise ValueError("location is empty")
    if "\x00" in text:
        raise ValueError("location contains a NUL character")
    if len(text) > LOCATION_MAX:
        raise ValueError(f"location is {len(text)} characters long; at most {LOCATION_MAX}")
    return text


def _value(value) -> Decimal:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValueError("value is empty")
    if isinstance(value, bool):
        raise ValueError("value is not a number")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("value is not a finite number")
    if isinstance(value, (int, float)):
        number = Decimal(str(value))
    elif isinstance(value, str):
        text = value.strip()
        if "," in text:
            raise ValueError(
                f"value {text[:40]!r} is not a number (write decimals with a point, and no thousands separator)"
            )
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"value {text[:40]!r} is not a number") from None
    else:
        raise ValueError("value is not a number")
    if not number.is_finite():
        raise ValueError("value is not a finite number")
    if number < 0:
        raise ValueError(f"value {number} is negative")
    if number > MAX_VALUE:
        raise ValueError(f"value {number} is too large (at most {MAX_VALUE:,})")
    if number.as_tuple().exponent < -DECIMALS:
        rounded = number.quantize(STEP)
        if rounded != number:
            raise ValueError(f"value {number} has more than {DECIMALS} decimal places")
        number = rounded
    return number


def _sampled_at(value, now: datetime) -> datetime:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValueError("sampled_at is empty")
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, time())
    elif isinstance(value, str):
        text = value.strip()
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(
                f"sampled_at {text[:40]!r} is not an ISO 8601 date and time (e.g. 2025-03-03T09:15:00Z)"
            ) from None
    else:
        raise ValueError("sampled_at is not a date and time")
    moment = moment.replace(tzinfo=UTC) if timezone.is_naive(moment) else moment.astimezone(UTC)
    if moment > now:
        raise ValueError(f"sampled_at {moment:%Y-%m-%d %H:%M} UTC is in the future")
    if moment.year < 1990:
        raise ValueError(f"sampled_at {moment:%Y-%m-%d} is before 1990")
    return moment


def _state(text: str) -> str:
    return text.lower().replace(" ", "_").replace("-", "_")


def check_rows(source: Source) -> list[Row]:
    """Every row checked; EMDataInvalid listing each bad one (by line or item) and why."""
    now = timezone.now()
    rows, errors, bad = [], {}, 0
    grades, states, kinds = Grade.values, RoomState.values, SampleKind.values
    for line, raw in source.raw:
        problems = []
        if "_width" in raw:
            problems.append(raw["_width"])
        else:
            checked = {}
            for field, check in (
                ("location", _location),
                ("grade", lambda v: _choice("grade", v, grades, str.upper)),
                ("state", lambda v: _choice("state", v, states, _state)),
                ("kind", lambda v: _choice("kind", v, kinds, str.lower)),
                ("value", _value),
                ("sampled_at", lambda v: _sampled_at(v, now)),
            ):
                try:
                    checked[field] = check(raw.get(field))
                except ValueError as exc:
                    problems.append(str(exc))
            if not problems:
                rows.append(Row(line=line, **checked))
                continue
        bad += 1
        if bad <= MAX_REPORTED:
            errors[f"{source.label} {line}"] = problems
    if errors:
        if bad > MAX_REPORTED:
            errors["file"] = [f"{bad:,} {source.label}s have errors; the first {MAX_REPORTED} are listed."]
        raise EMDataInvalid(errors)
    return rows


def content_sha256(rows: list[Row]) -> str:
    """The SHA-256 of the samples as stored, one canonical line each: what the audit trail's
    entry for the data set binds."""
    sha = hashlib.sha256()
    for r in rows:
        sha.update(
            f"{r.line}\t{r.location}\t{r.grade}\t{r.state}\t{r.kind}\t{r.value}\t{r.sampled_at.isoformat()}\n".encode()
        )
    return sha.hexdigest()


# --------------------------------------------------------------------------- the template


def template_csv() -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(FIELDS)
    writer.writerows(EXAMPLES)
    return out.getvalue().encode("utf-8")


def template_xlsx() -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = SHEET_NAME
    sheet.append(list(FIELDS))
    for location, grade, state, kind, value, sampled_at in EXAMPLES:
        moment = datetime.fromisoformat(sampled_at).replace(tzinfo=None)
        sheet.append([location, grade, state, kind, float(value), moment])
    for cell in sheet["F"][1:]:
        cell.number_format = "yyyy-mm-dd hh:mm"
    for column, width in zip("ABCDEF", (30, 8, 14, 16, 12, 18), strict=True):
        sheet.column_dimensions[column].width = width
    codes = book.create_sheet("codes")
    codes.append(["column", "value", "meaning"])
    for grade in Grade:
        codes.append(["grade", grade.value, grade.label])
    for state in RoomState:
        codes.append(["state", state.value, state.label])
    for kind in SampleKind:
        codes.append(["kind", kind.value, f"{kind.label}, in {UNITS[kind]}"])
    codes.append(["sampled_at", "date and time", "UTC unless the text gives an offset"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
