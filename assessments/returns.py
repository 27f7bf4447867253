"""Return and respond: the reviewer's reason for a return is kept as a record of its own, the lead
answers it when resubmitting (a response is required then), and the reviewer sees what changed in
the answers, evidence, findings and corrective actions since the return. workflow.py calls
`record_return` and `respond`; the pages and the API read `latest` and `changes_since`."""

from audit import trail
from config.exceptions import InvalidInput
from config.limits import LONG_TEXT, check_length

from .models import Assessment, ReviewReturn

#: The kinds of record whose changes the reviewer is shown after a return.
CHANGED_KINDS = ("answer", "evidence", "finding", "correctiveaction", "minorfindingsreview", "questioncomment")
#: Bookkeeping that every save moves; the trail keeps it, the reviewer's comparison leaves it out.
BOOKKEEPING = {"version", "updated_by"}


def latest(assessment: Assessment) -> ReviewReturn | None:
    return assessment.returns.select_related("returned_by", "responded_by").order_by("-returned_at", "-pk").first()


def open_return(assessment: Assessment) -> ReviewReturn | None:
    """The return the lead has not answered yet, if the assessment is back with the team."""
    if assessment.status != Assessment.Status.RETURNED:
        return None
    found = latest(assessment)
    return found if found is not None and found.is_open else None


def record_return(assessment: Assessment, user, reason: str) -> ReviewReturn:
    return ReviewReturn.objects.create(assessment=assessment, returned_by=user, reason=reason)


def check_response(assessment: Assessment, response: str) -> ReviewReturn | None:
    """Before resubmitting a returned assessment, the lead says what was reworked."""
    pending = open_return(assessment)
    if pending is None:
        return None
    check_length("response", response or "", LONG_TEXT)
    if not (response or "").strip():
        raise InvalidInput(
            {
                "response": [
                    f"{pending.returned_by.full_name} returned {assessment.reference}: “{pending.reason}”. "
                    "Say what was reworked: a response is required to resubmit."
                ]
            }
        )
    return pending


def respond(pending: ReviewReturn, user, response: str, when) -> None:
    pending.response = response.strip()
    pending.responded_by = user
    pending.responded_at = when
    pending._change_reason = f"Response to the return of {pending.returned_at:%Y-%m-%d %H:%M} UTC"
    pending.save()


def changes_since(ret: ReviewReturn) -> list[dict]:
    """Every field change to the record's content since the return, oldest first, as the audit
    trail's rows (object, action, field, old, new, user, time)."""
    entries = trail.entries_for_assessment(ret.assessment_id).filter(
        timestamp__gte=ret.returned_at, content_type__model__in=CHANGED_KINDS
    )
    if ret.responded_at:
        entries = entries.filter(timestamp__lte=ret.responded_at)
    return [row for row in trail.rows(entries) if row["field"] not in BOOKKEEPING]
