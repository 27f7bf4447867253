"""Workflow steps, signatures and the reviewer's page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from assessments import evaluation, exceptions, record, returns, signatures, workflow
from assessments.models import Answer, Assessment, Finding
from audit import trail
from checklists.models import Criterion, Question
from config import charts
from config.exceptions import ConflictError, InvalidInput, NotAllowed
from config.urls_safe import safe_next

from .common import report_error, report_refusal, visible_assessment


@login_required
@require_POST
def step(request, pk, name):
    assessment = visible_assessment(request, pk)
    if name not in workflow.TRANSITIONS:
        raise Http404
    try:
        if name == "submit":
            workflow.submit(assessment, request.user, response=request.POST.get("response", ""))
        else:
            workflow.TRANSITIONS[name](assessment, request.user, reason=request.POST.get("reason", ""))
        messages.success(
            request,
            gettext("%(assessment)s: %(status)s.")
            % {"assessment": assessment.reference, "status": gettext(assessment.get_status_display()).lower()},
        )
    except ConflictError as exc:
        report_refusal(request, exc)
    except (NotAllowed, InvalidInput) as exc:
        report_error(request, exc)
    return redirect(safe_next(request, assessment.get_absolute_url()))


@login_required
@require_POST
def sign(request, pk):
    """The signature dialog: the password again, the meaning, and for approval the decision."""
    assessment = visible_assessment(request, pk)
    try:
        # 21 CFR 11.200(a)(1)(i): the first signature of a session asks for user name and password.
        if (
            not request.session.get(signatures.SESSION_SIGNED_KEY)
            and request.POST.get("username", "").strip() != request.user.username
        ):
            raise exceptions.SignatureRefused(
                "Enter your own user name and your password: the first signature of a session needs both."
            )
        signature = signatures.sign(
            assessment,
            request.user,
            request.POST.get("meaning", ""),
            request.POST.get("password", ""),
            request=request,
            decision=request.POST.get("decision", ""),
            justification=request.POST.get("justification", ""),
            reason=request.POST.get("reason", ""),
        )
        request.session[signatures.SESSION_SIGNED_KEY] = True
        messages.success(
            request,
            gettext("Signed as %(meaning)s by %(name)s.")
            % {"meaning": gettext(signature.get_meaning_display()).lower(), "name": signature.printed_name},
        )
    except ConflictError as exc:
        report_refusal(request, exc)
    except (NotAllowed, InvalidInput, ValueError) as exc:
        report_error(request, exc)
    return redirect(safe_next(request, assessment.get_absolute_url()))


#: The review page shows the latest changes; the whole trail is the audit-trail page.
HISTORY_ROWS = 30


@login_required
def review(request, pk):
    """Answers, findings, score breakdown and history side by side, with the reviewer's actions."""
    assessment = visible_assessment(request, pk)
    values, _ = evaluation.answer_values(assessment)
    visible = evaluation.visible_question_codes(assessment, values)
    answer_by_q = {a.question_id: a for a in Answer.objects.filter(assessment=assessment).prefetch_related("evidence")}
    criteria = []
    for criterion in (
        Criterion.objects.filter(checklist=assessment.checklist)
        .order_by("order", "code")
        .prefetch_related(Prefetch("questions", queryset=Question.objects.order_by("order", "code")))
    ):
        criteria.append(
            {
                "criterion": criterion,
                "items": [
                    {"q": q, "answer": answer_by_q.get(q.pk), "applies": q.code in visible}
                    for q in criterion.questions.all()
                ],
            }
        )
    result = evaluation.score(assessment)
    latest_return = returns.latest(assessment)
    return render(
        request,
        "assessments/review.html",
        {
            "assessment": assessment,
            "latest_return": latest_return,
            "return_changes": returns.changes_since(latest_return) if latest_return else [],
            "criteria": criteria,
            "score": result,
            "chart": charts.criterion_bars(
                [{"code": c.code, "title": c.title, "score": c.score} for c in result.criteria]
            ),
            "findings": Finding.objects.filter(assessment=assessment)
            .select_related("question", "criterion")
            .prefetch_related("actions")
            .order_by("number"),
            "history": trail.latest_rows(assessment.pk, HISTORY_ROWS),
            "history_rows": HISTORY_ROWS,
            "signature_states": record.signature_states(assessment),
            "can_review": request.user.has_perm("assessments.review_assessment", assessment),
            "can_reopen": request.user.has_perm("assessments.reopen_assessment", assessment),
            "approval_problems": (
                workflow.approval_problems(assessment, request.user)
                if assessment.status == Assessment.Status.SUBMITTED
                else []
            ),
            "decisions": Assessment.Decision.choices,
        },
    )
