"""The auditor's workspace and the reviewer's page. Every change goes through the same functions
as the API (answers.save_answers, findings.*, evidence.attach, workflow.*, signatures.sign);
these views only translate between forms and those functions."""
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import User
from accounts.permissions import visible_assessments, visible_part_or_404
from assessments import answers, charts, evaluation, evidence, findings, signatures, workflow
from assessments.models import (
    Answer, Assessment, Checklist, CorrectiveAction, Criterion, Evidence, Finding, MinorFindingsReview, Question,
)
from config.exceptions import ConflictError, InvalidInput, NotAllowed
from config.urls_safe import safe_next


def visible_assessment(request, pk) -> Assessment:
    """The assessment if this user may see it; 404 otherwise, so that nothing leaks."""
    assessment = (visible_assessments(request.user).select_related("vendor", "checklist", "lead_auditor", "reviewer", "site")
                  .prefetch_related("audit_team").filter(pk=pk).first())
    if assessment is None:
        raise Http404("No such assessment.")
    return assessment


# --- list and creation --------------------------------------------------------------------------

@login_required
def assessment_list(request):
    queryset = (visible_assessments(request.user).select_related("vendor", "checklist", "lead_auditor")
                .order_by("-created_at"))
    status = request.GET.get("status")
    if status in Assessment.Status.values:
        queryset = queryset.filter(status=status)
    return render(request, "assessments/assessment_list.html", {
        "assessments": queryset[:200], "statuses": Assessment.Status.choices, "status": status,
        "can_create": request.user.has_perm("assessments.add_assessment"),
    })


class AssessmentForm(forms.ModelForm):
    based_on = forms.ModelChoiceField(
        queryset=Assessment.objects.filter(status=Assessment.Status.APPROVED), required=False,
        label="Start from an approved assessment", help_text="Its answers are copied and marked as carried over.")

    class Meta:
        model = Assessment
        fields = ["vendor", "site", "checklist", "kind", "mode", "scope", "planned_start", "planned_end",
                  "lead_auditor", "audit_team", "reviewer"]
        widgets = {"planned_start": forms.DateInput(attrs={"type": "date"}),
                   "planned_end": forms.DateInput(attrs={"type": "date"}),
                   "scope": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["checklist"].queryset = Checklist.objects.filter(status=Checklist.Status.PUBLISHED)
        people = User.objects.filter(is_active=True).order_by("last_name", "first_name")
        self.fields["lead_auditor"].queryset = people.filter(groups__name="lead_auditor")
        self.fields["audit_team"].queryset = people.filter(groups__name__in=["auditor", "lead_auditor"]).distinct()
        self.fields["reviewer"].queryset = people.filter(groups__name="reviewer")

    def clean(self):
        data = super().clean()
        site, vendor = data.get("site"), data.get("vendor")
        if site and vendor and site.vendor_id != vendor.pk:
            self.add_error("site", f"{site} is not a site of {vendor}.")
        based_on = data.get("based_on")
        if based_on and vendor and based_on.vendor_id != vendor.pk:
            self.add_error("based_on", "Choose an approved assessment of the same vendor.")
        reviewer = data.get("reviewer")
        team = set(data.get("audit_team") or []) | {data.get("lead_auditor")}
        if reviewer and reviewer in team:
            self.add_error("reviewer", "The reviewer must not be on the audit team.")
        if data.get("planned_start") and data.get("planned_end") and data["planned_end"] < data["planned_start"]:
            self.add_error("planned_end", "The end is before the start.")
        return data


@login_required
@require_http_methods(["GET", "POST"])
def assessment_create(request):
    if not request.user.has_perm("assessments.add_assessment"):
        raise Http404
    initial = {"lead_auditor": request.user.pk, "vendor": request.GET.get("vendor")}
    form = AssessmentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        from django.db import transaction

        with transaction.atomic():
            assessment = form.save(commit=False)
            assessment.created_by = request.user
            assessment.save()
            form.save_m2m()
            if form.cleaned_data.get("based_on"):
                copied = answers.carry_over(assessment, form.cleaned_data["based_on"], request.user)
                messages.info(request, f"{copied} answers carried over; confirm or change each one.")
            evaluation.refresh(assessment)
        messages.success(request, f"{assessment.reference} planned.")
        return redirect(assessment)
    return render(request, "assessments/assessment_form.html", {"form": form})


# --- the workspace ------------------------------------------------------------------------------

def _questions_context(assessment, criterion, values):
    """Every question of one criterion with its answer, evidence, findings and whether it applies."""
    visible = evaluation.visible_question_codes(assessment, values)
    answer_by_q = {
        a.question_id: a for a in Answer.objects.filter(assessment=assessment, question__criterion=criterion)
        .select_related("updated_by").prefetch_related(Prefetch("evidence", queryset=Evidence.objects.order_by("uploaded_at")))
    }
    finding_by_q = {}
    for f in Finding.objects.filter(assessment=assessment, criterion=criterion).order_by("number"):
        finding_by_q.setdefault(f.question_id, []).append(f)
    return [
        {"q": q, "answer": answer_by_q.get(q.pk), "applies": q.code in visible,
         "findings": finding_by_q.get(q.pk, []), "proposed": findings.proposed_classification(q)}
        for q in criterion.questions.order_by("order", "code")
    ]


def _sidebar_context(assessment):
    result = evaluation.score(assessment)
    return {"score": result, "criteria_scores": result.criteria}


COMPLIANCE_CHOICES = [("compliant", "Compliant"), ("partial", "Partially compliant"),
                      ("non_compliant", "Non-compliant"), ("na", "Not applicable")]
FORM_CHOICES = {"compliance_choices": COMPLIANCE_CHOICES, "maturity_levels": range(5), "fmea_range": range(1, 6),
                "finding_classes": Finding.Classification.choices}


def _blockers(assessment):
    """What still blocks submission, or None when submission is not the next step."""
    return workflow.submission_problems(assessment) if workflow.open_for_submission(assessment) else None


def _workspace_context(request, assessment, criterion_code=None):
    criteria = list(Criterion.objects.filter(checklist=assessment.checklist).order_by("order", "code"))
    criterion = next((c for c in criteria if c.code == criterion_code), criteria[0] if criteria else None)
    index = criteria.index(criterion) if criterion else 0
    values, _ = evaluation.answer_values(assessment)
    return {
        **FORM_CHOICES,
        "assessment": assessment,
        "criteria": criteria,
        "criterion": criterion,
        "previous_criterion": criteria[index - 1] if index > 0 else None,
        "next_criterion": criteria[index + 1] if index + 1 < len(criteria) else None,
        "items": _questions_context(assessment, criterion, values) if criterion else [],
        "editable": workflow.may_edit(assessment, request.user),
        "needs_reason": workflow.needs_reason(assessment),
        "blockers": _blockers(assessment),
        "can_submit": workflow.may_submit(assessment, request.user),
        "can_sign_performed": signatures.may_sign(assessment, request.user, signatures.Meaning.PERFORMED),
        "can_review": request.user.has_perm("assessments.review_assessment", assessment),
        "signature_states": signatures.signature_states(assessment),
        **_sidebar_context(assessment),
    }


@login_required
def workspace(request, pk):
    assessment = visible_assessment(request, pk)
    context = _workspace_context(request, assessment, request.GET.get("criterion"))
    return render(request, "assessments/workspace.html", context)


VALUE_LABELS = {**dict(COMPLIANCE_CHOICES), "yes": "Yes", "no": "No"}


def value_label(question, value) -> str:
    """An answer value as the person chose it on the page ("Non-compliant", "25 %"), not as stored."""
    if value is None or value == "":
        return "(no answer)"
    if question.answer_type in ("compliance", "yes_no") or value == "na":
        return VALUE_LABELS.get(str(value), str(value))
    if question.answer_type == "numeric" and question.unit:
        return f"{value} {question.unit}"
    return str(value)


def _value_from_post(question, post):
    """The answer value a question's form posted, as the API would receive it."""
    if question.answer_type == "numeric":
        if post.get("na") == "on":
            return "na"
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
    item = {"question": code, "value": _value_from_post(question, request.POST),
            "comment": request.POST.get("comment", ""), "na_justification": request.POST.get("na_justification", "")}
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
    context = {
        "assessment": assessment, "question": question, "answer": answer, "state": state, "error": error,
        "conflict": conflict, "mine": item, "criterion": criterion,
        "conflict_label": value_label(question, conflict["value"]) if conflict else "",
        "mine_label": value_label(question, item["value"]),
        "others": [i for i in _questions_context(assessment, criterion, values) if i["q"].condition_question],
        "blockers": _blockers(assessment),
        "editable": workflow.may_edit(assessment, request.user),
        **_sidebar_context(assessment),
    }
    return render(request, "assessments/_save_result.html", context, status=status)


@login_required
@require_POST
def upload_evidence(request, pk, code):
    assessment = visible_assessment(request, pk)
    errors = []
    for upload in request.FILES.getlist("file"):
        try:
            evidence.attach(assessment, request.user, code, upload, reason=request.POST.get("reason", ""))
        except InvalidInput as exc:
            errors += [m for messages_ in exc.errors.values() for m in messages_]
        except (ConflictError, NotAllowed) as exc:
            errors.append(str(exc))
    answer = Answer.objects.filter(assessment=assessment, question__code=code).prefetch_related("evidence").first()
    # Evidence attached to a question not answered yet creates its answer (version 1, no content).
    # The page still holds version 0 for it; say so, or the auditor's next save of that question
    # would be refused as a conflict with their own upload. Nothing can be lost by that: the
    # stored answer has no content.
    placeholder = answer is not None and answer.version == 1 and answer.value is None \
        and not answer.comment and not answer.na_justification
    status = 400 if errors and not request.FILES else (207 if errors else 200)
    return render(request, "assessments/_evidence_list.html",
                  {"assessment": assessment, "answer": answer, "code": code, "errors": errors,
                   "placeholder_version": answer.version if placeholder else None},
                  status=200 if status == 207 else status)


@login_required
def download_evidence(request, pk):
    item = visible_part_or_404(Evidence.objects.select_related("answer__assessment"), request.user, pk,
                               lambda e: e.answer.assessment)
    return evidence.file_response(item)


# --- findings and corrective actions ------------------------------------------------------------

class FindingForm(forms.ModelForm):
    class Meta:
        model = Finding
        fields = ["classification", "description", "requirement", "fmea_severity", "fmea_occurrence",
                  "fmea_detectability"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class CorrectiveActionForm(forms.ModelForm):
    class Meta:
        model = CorrectiveAction
        fields = ["description", "owner", "due_date"]
        widgets = {"due_date": forms.DateInput(attrs={"type": "date"}), "description": forms.Textarea(attrs={"rows": 2})}


class FollowUpForm(forms.ModelForm):
    class Meta:
        model = CorrectiveAction
        fields = ["status", "root_cause", "vendor_action", "verification"]
        widgets = {f: forms.Textarea(attrs={"rows": 2}) for f in ("root_cause", "vendor_action", "verification")}


def _report_error(request, exc):
    if isinstance(exc, InvalidInput):
        messages.error(request, " ".join(m for ms in exc.errors.values() for m in ms))
    else:
        messages.error(request, str(exc))


@login_required
@require_POST
def raise_finding(request, pk):
    assessment = visible_assessment(request, pk)
    form = FindingForm(request.POST)
    question = Question.objects.filter(checklist_id=assessment.checklist_id, code=request.POST.get("question")).first()
    criterion = Criterion.objects.filter(checklist_id=assessment.checklist_id, code=request.POST.get("criterion")).first()
    if not form.is_valid():
        messages.error(request, "The finding was not saved: " + "; ".join(
            f"{field}: {' '.join(errs)}" for field, errs in form.errors.items()))
    else:
        try:
            finding = findings.raise_finding(assessment, request.user, question=question, criterion=criterion,
                                             reason=request.POST.get("reason", ""), **form.cleaned_data)
            messages.success(request, f"{finding.reference} raised ({finding.get_classification_display().lower()}).")
        except (ConflictError, NotAllowed, InvalidInput, ValueError) as exc:
            _report_error(request, exc)
    return redirect(safe_next(request, reverse("assessments:findings", args=[assessment.pk])))


@login_required
@require_http_methods(["GET", "POST"])
def findings_tab(request, pk):
    assessment = visible_assessment(request, pk)
    if request.method == "POST":
        finding = get_object_or_404(Finding, pk=request.POST.get("finding"), assessment=assessment)
        try:
            if request.POST.get("action_id"):
                action = get_object_or_404(CorrectiveAction, pk=request.POST["action_id"], finding=finding)
                form = FollowUpForm(request.POST, instance=CorrectiveAction.objects.get(pk=action.pk))
                if form.is_valid():
                    findings.update_action(action, request.user, reason=request.POST.get("reason", ""),
                                           **{k: v for k, v in form.cleaned_data.items()})
                    messages.success(request, "Corrective action updated.")
                else:
                    messages.error(request, f"Not saved: {form.errors.as_text()}")
            else:
                form = CorrectiveActionForm(request.POST)
                if form.is_valid():
                    findings.plan_action(finding, request.user, reason=request.POST.get("reason", ""),
                                         **form.cleaned_data)
                    messages.success(request, f"Corrective action planned for {finding.reference}.")
                else:
                    messages.error(request, f"Not saved: {form.errors.as_text()}")
        except (ConflictError, NotAllowed, InvalidInput) as exc:
            _report_error(request, exc)
        return redirect("assessments:findings", pk=assessment.pk)
    finding_list = (Finding.objects.filter(assessment=assessment).select_related("question", "criterion")
                    .prefetch_related("actions").order_by("number"))
    return render(request, "assessments/findings.html", {
        "assessment": assessment, "findings": finding_list, "editable": workflow.may_edit(assessment, request.user),
        "follow_up": request.user.has_perm("assessments.follow_up_action", assessment),
        "clusters": workflow.unresolved_minor_clusters(assessment) if not assessment.is_locked else [],
        "reviews": MinorFindingsReview.objects.filter(assessment=assessment).select_related("criterion"),
        "action_form": CorrectiveActionForm(), "statuses": CorrectiveAction.Status.choices,
        "needs_reason": workflow.needs_reason(assessment),
    })


@login_required
@require_POST
def review_cluster(request, pk):
    assessment = visible_assessment(request, pk)
    criterion = get_object_or_404(Criterion, checklist_id=assessment.checklist_id, code=request.POST.get("criterion"))
    try:
        findings.review_minor_cluster(assessment, request.user, criterion, request.POST.get("outcome", ""),
                                      request.POST.get("justification", ""), reason=request.POST.get("reason", ""))
        messages.success(request, f"Minor findings of criterion {criterion.code} reviewed.")
    except (ConflictError, NotAllowed, InvalidInput) as exc:
        _report_error(request, exc)
    return redirect("assessments:findings", pk=assessment.pk)


# --- workflow steps and signatures --------------------------------------------------------------

@login_required
@require_POST
def step(request, pk, name):
    assessment = visible_assessment(request, pk)
    if name not in workflow.TRANSITIONS:
        raise Http404
    try:
        if name == "submit":
            workflow.submit(assessment, request.user)
        else:
            workflow.TRANSITIONS[name](assessment, request.user, reason=request.POST.get("reason", ""))
        messages.success(request, f"{assessment.reference}: {assessment.get_status_display().lower()}.")
    except ConflictError as exc:
        messages.error(request, exc.message)
        for problem in exc.problems:
            messages.warning(request, problem)
    except (NotAllowed, InvalidInput) as exc:
        _report_error(request, exc)
    return redirect(safe_next(request, assessment.get_absolute_url()))


@login_required
@require_POST
def sign(request, pk):
    """The signature dialog: the password again, the meaning, and for approval the decision."""
    assessment = visible_assessment(request, pk)
    try:
        # 21 CFR 11.200(a)(1)(i): the first signature of a session asks for user name and password.
        if not request.session.get(signatures.SESSION_SIGNED_KEY) and \
                request.POST.get("username", "").strip() != request.user.username:
            raise signatures.SignatureRefused(
                "Enter your own user name and your password: the first signature of a session needs both.")
        signature = signatures.sign(
            assessment, request.user, request.POST.get("meaning", ""), request.POST.get("password", ""),
            request=request, decision=request.POST.get("decision", ""),
            justification=request.POST.get("justification", ""))
        request.session[signatures.SESSION_SIGNED_KEY] = True
        messages.success(request, f"Signed as {signature.get_meaning_display().lower()} by {signature.printed_name}.")
    except ConflictError as exc:
        messages.error(request, exc.message)
        for problem in exc.problems:
            messages.warning(request, problem)
    except (NotAllowed, InvalidInput, ValueError) as exc:
        _report_error(request, exc)
    return redirect(safe_next(request, assessment.get_absolute_url()))


@login_required
def review(request, pk):
    """Answers, findings, score breakdown and history side by side, with the reviewer's actions."""
    assessment = visible_assessment(request, pk)
    values, _ = evaluation.answer_values(assessment)
    visible = evaluation.visible_question_codes(assessment, values)
    answer_by_q = {a.question_id: a for a in Answer.objects.filter(assessment=assessment)
                   .prefetch_related("evidence")}
    criteria = []
    for criterion in (Criterion.objects.filter(checklist=assessment.checklist).order_by("order", "code")
                      .prefetch_related(Prefetch("questions", queryset=Question.objects.order_by("order", "code")))):
        criteria.append({"criterion": criterion, "items": [
            {"q": q, "answer": answer_by_q.get(q.pk), "applies": q.code in visible} for q in criterion.questions.all()]})
    result = evaluation.score(assessment)
    from audit import trail

    history = trail.rows(trail.entries_for_assessment(assessment.pk))
    return render(request, "assessments/review.html", {
        "assessment": assessment, "criteria": criteria, "score": result,
        "chart": charts.criterion_bars([{"code": c.code, "title": c.title, "score": c.score} for c in result.criteria]),
        "findings": Finding.objects.filter(assessment=assessment).select_related("question", "criterion")
        .prefetch_related("actions").order_by("number"),
        "history": list(reversed(history[-30:])),
        "signature_states": signatures.signature_states(assessment),
        "can_review": request.user.has_perm("assessments.review_assessment", assessment),
        "can_reopen": request.user.has_perm("assessments.reopen_assessment", assessment),
        "approval_problems": (workflow.approval_problems(assessment, request.user)
                              if assessment.status == Assessment.Status.SUBMITTED else []),
        "decisions": Assessment.Decision.choices,
    })

