"""Pre-audit questionnaires: the lead sends an assessment in questionnaire mode to contacts of its
vendor with a due date; they answer its checklist's questions (drafts saved as they go, evidence
attached), and submit once; then the answers are read-only and the audit team judges them in the
assessment (assessments/questionnaires.py shows them beside each question). The pages and the
API call these functions; every row is audit-trailed."""

from pathlib import PurePath

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from assessments import evidence, workflow
from assessments.answers import clean_value
from assessments.exceptions import NotPermitted
from assessments.models import Assessment, Evidence, Questionnaire, VendorAnswer, VendorAnswerEvidence
from checklists.models import Question
from config.exceptions import ConflictError, InvalidInput
from config.limits import LONG_TEXT
from monitoring import imports
from monitoring.models import DataSet

from . import access, notices
from .dates import day_from_today

OPEN_STATES = (Assessment.Status.PLANNED, Assessment.Status.IN_PROGRESS)


# --- The lead sends it ---------------------------------------------------------------------------
def send_problem(assessment: Assessment) -> str:
    """Why `assessment` cannot be sent to the vendor now, or "" when it can."""
    if assessment.mode != Assessment.Mode.QUESTIONNAIRE:
        return (
            f"{assessment.reference} is an {assessment.get_mode_display().lower()}: only an assessment in "
            "questionnaire mode is sent to the vendor."
        )
    if assessment.status not in OPEN_STATES:
        return f"{assessment.reference} is {assessment.get_status_display().lower()}: it is not sent any more."
    if Questionnaire.objects.filter(assessment=assessment).exists():
        return f"{assessment.reference} was sent to {assessment.vendor.name} already."
    return ""


def may_send(assessment: Assessment, user) -> bool:
    """For pages: whether to offer the send form."""
    return user.has_perm("portal.send_questionnaire", assessment) and not send_problem(assessment)


def _contacts(assessment: Assessment, ids) -> list[User]:
    if not isinstance(ids, list) or not ids or any(isinstance(i, bool) or not isinstance(i, int) for i in ids):
        raise InvalidInput({"contacts": ["Give the ids of one or more contacts of the vendor, as a list."]})
    linked = {u.pk: u for u in notices.contacts_of(assessment.vendor)}
    strangers = sorted({i for i in ids if i not in linked})
    if strangers:
        raise InvalidInput(
            {
                "contacts": [
                    f"{', '.join(map(str, strangers))}: not an active portal contact of {assessment.vendor.name}."
                ]
            }
        )
    return [linked[i] for i in dict.fromkeys(ids)]


@transaction.atomic
def send(assessment: Assessment, user, contacts, due_date) -> Questionnaire:
    """The lead sends the questionnaire to `contacts` (user ids of the vendor's linked contacts),
    due on `due_date` (today or later); a planned assessment starts. Anyone who may not see the
    assessment gets 404, others who see it 403; a wrong mode or state, or a second send, 409."""
    assessment = Assessment.objects.select_for_update().select_related("vendor").get(pk=assessment.pk)
    if not user.has_perm("assessments.view_assessment", assessment):
        raise Http404("Not found.")
    if not user.has_perm("portal.send_questionnaire", assessment):
        raise NotPermitted(f"Only the lead auditor of {assessment.reference} sends its questionnaire.")
    problem = send_problem(assessment)
    if problem:
        raise ConflictError(problem)
    people = _contacts(assessment, contacts)
    due = day_from_today("due_date", due_date)
    if assessment.status == Assessment.Status.PLANNED:
        workflow.start(assessment, user)
    questionnaire = Questionnaire(assessment=assessment, due_date=due, sent_by=user)
    questionnaire._change_reason = f"Questionnaire sent to {assessment.vendor.name}, due {due.isoformat()}."
    questionnaire.save()
    questionnaire.contacts.set(people)
    notices.questionnaire_sent(questionnaire, user)
    return questionnaire


# --- The vendor answers it -----------------------------------------------------------------------
def questionnaires_of(user):
    """The questionnaires sent to `user` as a contact of the vendor they speak for (none for
    anyone else), of assessments that were not cancelled."""
    vendor = access.vendor_of(user)
    if vendor is None:
        return Questionnaire.objects.none()
    return (
        Questionnaire.objects.filter(contacts=user, assessment__vendor=vendor)
        .exclude(assessment__status=Assessment.Status.CANCELLED)
        .select_related("assessment__vendor", "assessment__checklist", "submitted_by")
        .order_by("due_date", "pk")
    )


def questionnaire_or_404(user, pk) -> Questionnaire:
    """One questionnaire of `user`; 404 for any other, so that nobody learns of it."""
    questionnaire = questionnaires_of(user).filter(pk=pk).first()
    if questionnaire is None:
        raise Http404("Not found.")
    return questionnaire


def answer_problem(questionnaire: Questionnaire) -> str:
    """Why the vendor cannot change its answers now, or "" when it can."""
    if questionnaire.is_submitted:
        return (
            f"The questionnaire of {questionnaire.assessment.reference} was submitted on "
            f"{timezone.localtime(questionnaire.submitted_at):%d %b %Y}: its answers are read-only."
        )
    if questionnaire.assessment.status not in OPEN_STATES:
        return f"{questionnaire.assessment.reference} is {questionnaire.assessment.get_status_display().lower()}."
    return ""


def questions(questionnaire: Questionnaire):
    """The questions the vendor answers: every question of the assessment's checklist, in order."""
    return (
        Question.objects.filter(checklist_id=questionnaire.assessment.checklist_id)
        .select_related("criterion")
        .order_by("criterion__order", "order")
    )


def _locked(questionnaire: Questionnaire) -> Questionnaire:
    locked = Questionnaire.objects.select_for_update().select_related("assessment__vendor").get(pk=questionnaire.pk)
    problem = answer_problem(locked)
    if problem:
        raise ConflictError(problem)
    return locked


@transaction.atomic
def save_answers(questionnaire: Questionnaire, user, items) -> list[VendorAnswer]:
    """Save draft answers: `items` is a list of {"question": code, "value", "comment", "version"},
    all applied or none. An item whose `version` is not the stored one is refused (409, with the
    answers as they are now), so that one contact does not overwrite another's answer unseen."""
    questionnaire = _locked(questionnaire)
    if not isinstance(items, list) or not items:
        raise InvalidInput({"detail": ["Send a list of answers."]})
    by_code = {q.code: q for q in questions(questionnaire)}
    stored = {a.question.code: a for a in questionnaire.answers.select_related("question").select_for_update()}
    errors: dict[str, list[str]] = {}
    changes = []
    seen = set()
    for index, item in enumerate(items):
        code = item.get("question") if isinstance(item, dict) else None
        if not isinstance(code, str) or code not in by_code:
            errors.setdefault(str(code) if isinstance(code, str) else f"item {index + 1}", []).append(
                "needs 'question': the code of a question of this questionnaire"
            )
            continue
        if code in seen:
            errors.setdefault(code, []).append("answered twice in one request")
            continue
        seen.add(code)
        unknown = set(item) - {"question", "value", "comment", "version"}
        if unknown:
            errors.setdefault(code, []).append(f"unknown field(s): {', '.join(sorted(unknown))}")
        question = by_code[code]
        fields = {}
        if "value" in item:
            try:
                fields["value"] = clean_value(question, item["value"])
            except ValueError as exc:
                errors.setdefault(code, []).append(f"{question.get_answer_type_display()} answer {exc}")
        if "comment" in item:
            comment = "" if item["comment"] is None else item["comment"]
            if not isinstance(comment, str) or len(comment) > LONG_TEXT:
                errors.setdefault(code, []).append(f"comment must be text of at most {LONG_TEXT} characters")
            else:
                fields["comment"] = comment
        version = item.get("version")
        if version is not None and (isinstance(version, bool) or not isinstance(version, int)):
            errors.setdefault(code, []).append("version must be the integer last read")
        changes.append((question, fields, version))
    if errors:
        raise InvalidInput(errors)
    stale = [q.code for q, _, v in changes if q.code in stored and v is not None and v != stored[q.code].version]
    if stale:
        raise ConflictError(
            f"Someone changed {', '.join(stale)} since you read it: read the answers again.",
            current=[answer_dict(stored[code]) for code in stale],
        )
    saved = []
    for question, fields, _ in changes:
        answer = stored.get(question.code)
        if answer is None:
            answer = VendorAnswer(questionnaire=questionnaire, question=question, answered_by=user, **fields)
        elif all(getattr(answer, k) == v for k, v in fields.items()):
            saved.append(answer)
            continue
        else:
            for key, value in fields.items():
                setattr(answer, key, value)
            answer.version += 1
            answer.answered_by = user
        answer._change_reason = f"Vendor answer to {question.code} of {questionnaire.assessment.reference}."
        answer.save()
        saved.append(answer)
    return saved


def answer_dict(answer: VendorAnswer) -> dict:
    return {
        "question": answer.question.code,
        "value": answer.value,
        "comment": answer.comment,
        "version": answer.version,
        "answered_by": answer.answered_by.get_username() if answer.answered_by_id else None,
        "updated_at": answer.updated_at,
        "evidence": [
            {"id": e.pk, "name": e.original_name, "sha256": e.sha256, "size": e.size} for e in answer.evidence.all()
        ],
    }


@transaction.atomic
def attach(questionnaire: Questionnaire, user, code: str, upload) -> VendorAnswerEvidence:
    """An evidence file on the vendor's answer to question `code` (an empty answer is made when
    there is none yet), checked and hashed like the audit's own evidence."""
    questionnaire = _locked(questionnaire)
    content_type = evidence.check_file(upload)
    question = questions(questionnaire).filter(code=code).first()
    if question is None:
        raise InvalidInput({"question": [f"No question {code} in this questionnaire."]})
    answer = questionnaire.answers.filter(question=question).first()
    if answer is None:
        answer = VendorAnswer(questionnaire=questionnaire, question=question, answered_by=user)
        answer._change_reason = f"Vendor answer to {code} of {questionnaire.assessment.reference}."
        answer.save()
    item = VendorAnswerEvidence(
        answer=answer,
        original_name=PurePath(upload.name).name[:255],
        content_type=content_type,
        size=upload.size,
        sha256=Evidence.digest(upload),
        uploaded_by=user,
    )
    item.file.save("evidence", upload, save=False)
    item._change_reason = f"Evidence {item.original_name} of the vendor's answer to {code}."
    item.save()
    return item


def submit_blockers(questionnaire: Questionnaire) -> list[str]:
    """The required questions still without an answer (of those that apply, by the vendor's own
    answers to their conditions), and the answered "evidence required" questions without a file:
    what keeps the vendor from submitting."""
    answers = {
        a.question.code: a for a in questionnaire.answers.select_related("question").prefetch_related("evidence")
    }
    blockers = []
    for question in questions(questionnaire):
        if question.condition_question:
            condition = answers.get(question.condition_question)
            if condition is None or str(condition.value) != str(question.condition_equals):
                continue  # the question does not apply to this vendor
        answer = answers.get(question.code)
        answered = answer is not None and answer.value is not None
        if question.required and not answered:
            blockers.append(f"{question.code}: not answered")
        elif answered and question.evidence_required and not answer.evidence.all():
            blockers.append(f"{question.code}: attach the evidence this question asks for")
    return blockers


@transaction.atomic
def submit(questionnaire: Questionnaire, user) -> Questionnaire:
    """The vendor submits its answers, once: from then on they are read-only and the audit team
    is told."""
    questionnaire = _locked(questionnaire)
    blockers = submit_blockers(questionnaire)
    if blockers:
        raise InvalidInput({"answers": blockers})
    questionnaire.submitted_by = user
    questionnaire.submitted_at = timezone.now()
    questionnaire._change_reason = f"Questionnaire of {questionnaire.assessment.reference} submitted by the vendor."
    questionnaire.save()
    notices.questionnaire_submitted(questionnaire, user)
    return questionnaire


# --- The vendor's environmental-monitoring results ----------------------------------------------
def em_problem(questionnaire: Questionnaire) -> str:
    """Why the vendor cannot send EM results for this questionnaire now, or "" when it can."""
    problem = answer_problem(questionnaire)
    if problem:
        return problem
    if questionnaire.assessment.site_id is None:
        return (
            f"{questionnaire.assessment.reference} names no site of {questionnaire.assessment.vendor.name}: "
            "the audit team sets the site first, as EM results belong to a site."
        )
    return ""


def import_em(questionnaire: Questionnaire, user, source):
    """The vendor's EM results (a CSV or XLSX file read by monitoring/formats.py) as a data set of
    the assessment's site, reviewed in it, through the same import as the audit team's; rows that
    cannot be read are refused whole. The audit's answers stay the audit team's own: the data do
    not answer its questions."""

    def check(assessment, user, reason=""):
        current = Questionnaire.objects.select_related("assessment__vendor").get(pk=questionnaire.pk)
        current.assessment = assessment
        problem = em_problem(current)
        if problem:
            raise ConflictError(problem)

    return imports.import_samples(
        questionnaire.assessment,
        user,
        source,
        reason=f"EM results sent by {questionnaire.assessment.vendor.name} for the questionnaire.",
        check=check,
        answer_from_data=False,
    )


def em_data_sets(questionnaire: Questionnaire):
    """The data sets the vendor's contacts imported for this questionnaire's assessment."""
    contacts = questionnaire.contacts.values("pk")
    return DataSet.objects.filter(imported_for=questionnaire.assessment, imported_by__in=contacts).order_by("pk")
