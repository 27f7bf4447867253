"""The assessment as a workbook, for the teams that work in spreadsheets: answers with their
labels, comments and evidence names; findings; corrective actions; the score by criterion. Built
in the request from the same context as the PDF (`rendering.report_context`), so the two never
say different things; every text cell goes through `config.spreadsheet.neutralise` (no formula
runs when it is opened)."""

import io

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from assessments.choices import ActionStatus
from config.spreadsheet import neutralise

from . import rendering

BOLD = Font(bold=True)


def _sheet(book, title, header, rows, widths=()):
    sheet = book.create_sheet(title)
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = BOLD
    for row in rows:
        sheet.append([neutralise(value) for value in row])
    sheet.freeze_panes = "A2"
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    return sheet


def workbook(assessment) -> bytes:
    context = rendering.report_context(assessment)
    a = context["assessment"]
    book = Workbook()
    summary = book.active
    summary.title = "Summary"
    for label, value in (
        ("Assessment", a.reference),
        ("Vendor", a.vendor.name),
        ("Site", a.site.name if a.site else ""),
        ("Checklist", str(a.checklist)),
        ("Status", a.get_status_display()),
        ("Decision", context["decision_label"]),
        ("Risk rating", context["rating_label"]),
        ("Overall score", context["score"].overall),
        ("Lead auditor", a.lead_auditor.full_name),
        ("QA reviewer", a.reviewer.full_name if a.reviewer else ""),
        ("Content hash", context["content_hash"]),
        ("Generated at (UTC)", context["generated_at"].strftime("%Y-%m-%d %H:%M:%S")),
    ):
        summary.append([label, neutralise(value)])
        summary.cell(row=summary.max_row, column=1).font = BOLD
    summary.column_dimensions["A"].width, summary.column_dimensions["B"].width = 22, 70

    answers = []
    for block in context["criteria"]:
        for item in block["questions"]:
            question, answer = item["question"], item["answer"]
            answers.append(
                [
                    block["criterion"].code,
                    question.code,
                    question.text,
                    item["verdict"].label,
                    item["value_label"],
                    answer.na_justification if answer else "",
                    answer.comment if answer else "",
                    "; ".join(e.original_name for e in answer.evidence.all()) if answer else "",
                    answer.updated_by.full_name if answer and answer.updated_by else "",
                ]
            )
    _sheet(
        book,
        "Answers",
        ["Criterion", "Question", "Text", "Verdict", "Answer", "N/A because", "Comment", "Evidence", "Answered by"],
        answers,
        (10, 10, 60, 18, 18, 30, 40, 40, 20),
    )
    _sheet(
        book,
        "Findings",
        ["Finding", "Class", "Proposed class", "Why lower", "Criterion", "Question", "Description", "Requirement"],
        [
            [
                row["finding"].reference,
                row["label"],
                row["proposed_label"],
                row["finding"].downgrade_rationale if row["downgraded"] else "",
                row["finding"].criterion.code if row["finding"].criterion else "",
                row["finding"].question.code if row["finding"].question else "",
                row["finding"].description,
                row["finding"].requirement,
            ]
            for row in context["finding_rows"]
        ],
        (14, 12, 14, 40, 10, 10, 60, 14),
    )
    actions = [
        [
            f.reference,
            action.description,
            action.owner,
            action.due_date.isoformat() if action.due_date else "",
            ActionStatus(action.status).label,
            action.root_cause,
            action.verification,
        ]
        for f in context["findings"]
        for action in f.actions.all()
    ]
    _sheet(
        book,
        "Corrective actions",
        ["Finding", "Action", "Owner", "Due", "Status", "Root cause", "Verification"],
        actions,
        (14, 60, 24, 12, 20, 40, 40),
    )
    _sheet(
        book,
        "Score by criterion",
        ["Criterion", "Title", "Score", "Answered", "Questions"],
        [[c.code, c.title, c.score, c.answered, c.total] for c in context["score"].criteria],
        (10, 60, 10, 10, 10),
    )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def response(assessment) -> HttpResponse:
    """The workbook as a download named after the assessment (the page and the API)."""
    reply = HttpResponse(workbook(assessment), content_type=XLSX)
    reply["Content-Disposition"] = f'attachment; filename="{assessment.reference}.xlsx"'
    reply["X-Content-Type-Options"] = "nosniff"
    return reply
