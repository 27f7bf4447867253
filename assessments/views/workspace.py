"""The auditor's workspace: the questions of one criterion, autosave of answers, evidence.
Every change goes through the same functions as the API (answers.save_answers, evidence.attach);
these views only translate between forms and those functions."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from assessments import (
    answers,
    comments,
    evaluation,
    evidence,
    findings,
    panels,
    questionnaires,
    record,
    returns,
    signatures,
    workflow,
)
from assessments.models import Answer, Evidence, Finding
from assessments.permissions import visible_part_or_404
from checklists.choices import NOT_APPLICABLE, AnswerType, Compliance, value_label
from checklists.models import Criterion, Question
from config.exceptions import ConflictError, InvalidInput, NotAllowed

from .common import visible_assessment


def _questions_context(assessment, criterion, values, blockers=None, user=None):
    """Every question of one criterion with its answer, evidence, findings, whether it applies,
    and what on it still blocks submission."""
    missing = _question_blockers(blockers)
    visible = evaluation.visible_question_codes(assessment, values)
    answer_by_q = {}
    for a in (
        Answer.objects.filter(assessment=assessment, question__criterion=criterion)
        .select_related("updated_by")
        .prefetch_related(
            Prefetch("evidence", queryset=Evidence.objects.select_related("uploaded_by").order_by("uploaded_at"))
        )
    ):
        a.assessment = assessment  # the page's own, its team read once: not a copy per answer
        answer_by_q[a.question_id] = a
    finding_by_q = {}
    for f in Finding.objects.filter(assessment=assessment, criterion=criterion).order_by("number"):
        finding_by_q.setdefault(f.question_id, []).append(f)
    questions = list(criterion.questions.order_by("order", "code"))
    threads = comments.threads(assessment, [q.pk for q in questions])
    source, said = questionnaires.vendor_answers(assessment)
    return [
        {
            "q": q,
            "vendor": said.get(q.code),
            "vendor_source": source,
            "vendor_label": value_label(q, said[q.code].value) if q.code in said else "",
            "threads": threads.get(q.pk, []),
            "answer": answer_by_q.get(q.pk),
            "applies": q.code in visible,
            "findings": finding_by_q.get(q.pk, []),
            "missing": missing.get(q.code, []),
            "removable": _removable(answer_by_q.get(q.pk), user) if user is not None else set(),
        }
        for q in questions
    ]


def _sidebar_context(assessment):
    result = evaluation.score(assessment)
    return {"score": result, "criteria_scores": result.criteria}


FORM_CHOICES = {
    "compliance_choices": Compliance.choices,
    "maturity_levels": range(5),
    "fmea_range": range(1, 6),
    "finding_classes": Finding.Classification.choices,
}


def _blockers(assessment):
    """What still blocks submission (workflow.Blocker), or None when submission is not the next step."""
    return workflow.submission_blockers(assessment) if workflow.open_for_submission(assessment) else None


def _blocker_groups(assessment, blockers):
    """The blockers grouped by criterion, in checklist order, each with the link to its place."""
    if not blockers:
        return []
    titles = dict(Criterion.objects.filter(checklist=assessment.checklist).values_list("code", "title"))
    order = {code: i for i, code in enumerate(titles)}
    detail = reverse("assessments:detail", args=[assessment.pk])
    findings_url = reverse("assessments:findings", args=[assessment.pk])
    groups = {}
    for b in blockers:
        if b.finding is not None:
            href = f"{findings_url}#finding-{b.finding}"
        elif b.question:
            href = f"{detail}?criterion={b.criterion}#question-{b.question}"
        elif b.criterion:
            href = f"{findings_url}#cluster-{b.criterion}"
        else:
            href = ""
        label, _, what = b.text.partition(": ") if b.question and b.finding is None else ("", "", b.text)
        group = groups.setdefault(b.criterion, {"code": b.criterion, "title": titles.get(b.criterion, ""), "items": []})
        group["items"].append({"label": label, "text": what or b.text, "href": href, "question": b.question})
    return sorted(groups.values(), key=lambda g: (g["code"] is None, order.get(g["code"], 0)))


def _blockers_context(request, assessment):
    """The header (what the assessment waits for, and who does it) and the blocker panel."""
    blockers = _blockers(assessment)
    return {
        "blockers": blockers,
        "blocker_groups": _blocker_groups(assessment, blockers),
        "waiting_for": workflow.waiting_for(assessment, request.user, blockers),
        "who_submits": workflow.who_submits(assessment, request.user),
    }


def _question_blockers(blockers) -> dict[str, list[str]]:
    """{question code: what still blocks submission on it}, shown on the question itself."""
    by_question = {}
    for b in blockers or ():
        if b.question and b.finding is None:
            by_question.setdefault(b.question, []).append(b.text.partition(": ")[2] or b.text)
    return by_question


def _workspace_context(request, assessment, criterion_code=None):
    criteria = list(Criterion.objects.filter(checklist=assessment.checklist).order_by("order", "code"))
    criterion = next((c for c in criteria if c.code == criterion_code), criteria[0] if criteria else None)
    index = criteria.index(criterion) if criterion else 0
    values, _ = evaluation.answer_values(assessment)
    panel = _blockers_context(request, assessment)
    return {
        **FORM_CHOICES,
        "assessment": assessment,
        "criteria": criteria,
        "criterion": criterion,
        "previous_criterion": criteria[index - 1] if index > 0 else None,
        "next_criterion": criteria[index + 1] if index + 1 < len(criteria) else None,
        "items": _questions_context(assessment, criterion, values, panel["blockers"], request.user)
        if criterion
        else [],
        "editable": workflow.may_edit(assessment, request.user),
        "needs_reason": workflow.needs_reason(assessment),
        "may_open_comment": comments.may_open(assessment, request.user),
        "may_reply_comment": comments.may_reply(assessment, request.user),
        **panel,
        "can_submit": workflow.may_submit(assessment, request.user),
        "open_return": returns.open_return(assessment),
        "can_sign_performed": signatures.may_sign(assessment, request.user, signatures.Meaning.PERFORMED),
        "can_review": request.user.has_perm("assessments.review_assessment", assessment),
        "signature_states": record.signature_states(assessment),
        "assessment_panels": panels.render_assessment_panels(request, assessment),
        **_sidebar_context(assessment),
    }


@login_required
def workspace(request, pk):
    assessment = visible_assessment(request, pk)
    context = _workspace_context(request, assessment, request.GET.get("criterion"))
    return render(request, "assessments/workspace.html", context)


@login_required
@require_GET
def finding_form(request, pk, code):
    """The form to raise a finding on one question, fetched when its "Raise a finding" is opened
    (htmx): a form on every question of the page was a third of the workspace's HTML and of its
    time. Raising a finding needs the connection anyway (it is refused offline)."""
    assessment = visible_assessment(request, pk)
    question = get_object_or_404(
        Question.objects.select_related("criterion"), checklist_id=assessment.checklist_id, code=code
    )
    if not workflow.may_edit(assessment, request.user):
        raise PermissionDenied("You may not raise a finding on this assessment now.")
    context = {
        **FORM_CHOICES,
        "assessment": assessment,
        "q": question,
        "proposed": findings.proposed_classification(question),
        "needs_reason": workflow.needs_reason(assessment),
    }
    return render(request, "assessments/_raise_finding.html", context)


def _value_from_post(question, post):
    """The answer value a question's form posted, as the API would receive it."""
    if question.answer_type == AnswerType.NUMERIC:
        if post.get("na") == "on":
            return NOT_APPLICABLE
        raw = post.get("value", "").strip()
        return raw or None
    return post.get("value") or None


@login_required
@require_POST
def save_answer(request, pk, code):
    """Autosave of one question (htmx). Answers with the question's state only: the inputs the
    user is typing in are never replaced, so nothing typed while saving is lost."""
    assessment = visible_assessment(request, pk)
    question = get_object_or_404(Question, checklist_id=assessment.checklist_id, code=code)
    item = {
        "question": code,
        "value": _value_from_post(question, request.POST),
        "comment": request.POST.get("comment", ""),
        "na_justification": request.POST.get("na_justification", ""),
    }
    if request.POST.get("version", "") != "":
        item["version"] = int(request.POST["version"])
    status, state, conflict, error = 200, "saved", None, ""
    try:
        answers.save_answers(assessment, request.user, [item], reason=request.POST.get("reason", ""))
    except answers.StaleAnswer as exc:
        status, state, conflict = 409, "conflict", exc.extra["current"][0]
    except InvalidInput as exc:
        status, state = 400, "failed"
        error = " ".join(m for messages_ in exc.errors.values() for m in messages_)
    except (ConflictError, NotAllowed) as exc:
        status, state, error = 409, "failed", str(exc)
    assessment.refresh_from_db()
    answer = Answer.objects.filter(assessment=assessment, question=question).select_related("updated_by").first()
    criterion = question.criterion
    values, _ = evaluation.answer_values(assessment)
    panel = _blockers_context(request, assessment)
    context = {
        "assessment": assessment,
        "question": question,
        "answer": answer,
        "state": state,
        "error": error,
        "conflict": conflict,
        "mine": item,
        "criterion": criterion,
        "conflict_label": value_label(question, conflict["value"]) if conflict else "",
        "mine_label": value_label(question, item["value"]),
        "others": [i for i in _questions_context(assessment, criterion, values) if i["q"].condition_question],
        **panel,
        "missing": _question_blockers(panel["blockers"]).get(code, []),
        "editable": workflow.may_edit(assessment, request.user),
        **_sidebar_context(assessment),
    }
    return render(request, "assessments/_save_result.html", context, status=status)


@login_required
@require_POST
def upload_evidence(request, pk, code):
    assessment = visible_assessment(request, pk)
    errors = []
    files = request.FILES.getlist("file")
    # One id per file, when the page sent ids (a queued upload sent again is stored once).
    upload_ids = request.POST.getlist("upload_id")
    if upload_ids and len(upload_ids) != len(files):
        return _evidence_list(request, assessment, code, ["Send one upload id per file."], 400)
    for upload, upload_id in zip(files, upload_ids or [None] * len(files), strict=True):
        try:
            evidence.attach(
                assessment, request.user, code, upload, reason=request.POST.get("reason", ""), upload_id=upload_id
            )
        except InvalidInput as exc:
            errors += [m for messages_ in exc.errors.values() for m in messages_]
        except (ConflictError, NotAllowed) as exc:
            errors.append(str(exc))
    status = 400 if errors and not request.FILES else 200
    return _evidence_list(request, assessment, code, errors, status)


def _evidence_list(request, assessment, code, errors, status=200):
    """The evidence of one question after a change, with the question's state and the blocker
    panel (evidence may lift an "evidence required" blocker, removing it may bring one back)."""
    answer = (
        Answer.objects.filter(assessment=assessment, question__code=code)
        .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.select_related("uploaded_by")))
        .select_related("updated_by")
        .first()
    )
    # Evidence attached to a question not answered yet creates its answer (version 1, no content).
    # The page still holds version 0 for it; say so, or the auditor's next save of that question
    # would be refused as a conflict with their own upload. Nothing can be lost by that: the
    # stored answer has no content.
    placeholder = (
        answer is not None
        and answer.version == 1
        and answer.value is None
        and not answer.comment
        and not answer.na_justification
    )
    panel = _blockers_context(request, assessment)
    return render(
        request,
        "assessments/_evidence_list.html",
        {
            "assessment": assessment,
            "answer": answer,
            "code": code,
            "errors": errors,
            "placeholder_version": answer.version if placeholder else None,
            "removable": _removable(answer, request.user),
            **panel,
            "missing": _question_blockers(panel["blockers"]).get(code, []),
            "refresh_blockers": True,
        },
        status=status,
    )


def _removable(answer, user) -> set[int]:
    """The ids of the evidence files of `answer` that `user` may remove now."""
    if answer is None:
        return set()
    return {ev.pk for ev in answer.evidence.all() if evidence.may_remove(ev, user)}


@login_required
@require_POST
def remove_evidence(request, pk):
    """The uploader removes their own file (htmx); the answer's evidence list comes back."""
    item = visible_part_or_404(
        Evidence.objects.select_related("answer__assessment", "answer__question", "uploaded_by"),
        request.user,
        pk,
        lambda e: e.answer.assessment,
    )
    assessment = visible_assessment(request, item.answer.assessment_id)
    code = item.answer.question.code
    errors, status = [], 200
    try:
        evidence.remove(item, request.user, reason=request.POST.get("reason", ""))
    except InvalidInput as exc:
        errors, status = [m for messages_ in exc.errors.values() for m in messages_], 400
    except NotAllowed as exc:
        errors, status = [str(exc)], 403
    except ConflictError as exc:
        errors, status = [str(exc)], 409
    return _evidence_list(request, assessment, code, errors, status)


@login_required
@require_POST
def comment_on_question(request, pk, code):
    """A reviewer's comment on a question, or an answer in its thread (htmx): the question's
    comments come back."""
    assessment = visible_assessment(request, pk)
    question = get_object_or_404(Question, checklist_id=assessment.checklist_id, code=code)
    error, status = "", 200
    try:
        comments.comment(
            assessment,
            request.user,
            code,
            request.POST.get("body", ""),
            reply_to=request.POST.get("reply_to") or None,
            client_id=request.POST.get("client_id"),
        )
    except InvalidInput as exc:
        error, status = " ".join(m for messages_ in exc.errors.values() for m in messages_), 400
    except NotAllowed as exc:
        error, status = str(exc), 403
    except ConflictError as exc:
        error, status = str(exc), 409
    return render(
        request,
        "assessments/_comments.html",
        {
            "assessment": assessment,
            "q": question,
            "threads": comments.threads(assessment, [question.pk]).get(question.pk, []),
            "comment_error": error,
            "may_open_comment": comments.may_open(assessment, request.user),
            "may_reply_comment": comments.may_reply(assessment, request.user),
        },
        status=status,
    )


@login_required
def download_evidence(request, pk):
    item = visible_part_or_404(
        Evidence.objects.select_related("answer__assessment"), request.user, pk, lambda e: e.answer.assessment
    )
    return evidence.file_response(item, preview=evidence.wants_preview(request))
