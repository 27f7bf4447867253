"""The questionnaire's pages: the lead's send form and status in the workspace (a panel), the
vendor contact's list, answer page, draft saving and submission, and the files. They translate
forms into portal/questionnaires.py calls and nothing more."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from assessments import panels as assessment_panels
from assessments.evidence import file_response
from assessments.models import Assessment, VendorAnswerEvidence
from checklists.choices import NOT_APPLICABLE, AnswerType, Compliance, value_label
from config.exceptions import ConflictError, InvalidInput, NotAllowed
from monitoring import formats

from . import access, notices, questionnaires
from .views import _portal_user, _report


def panel(request, assessment):
    """At the top of the workspace of an assessment in questionnaire mode: the send form for the
    lead, or to whom it went, when it is due and whether the vendor submitted it."""
    if assessment.mode != Assessment.Mode.QUESTIONNAIRE:
        return ""
    sent = getattr(assessment, "questionnaire", None)  # the reverse one-to-one raises when there is none
    return render_to_string(
        "portal/_questionnaire_panel.html",
        {
            "assessment": assessment,
            "sent": sent,
            "may_send": sent is None and questionnaires.may_send(assessment, request.user),
            "contacts": notices.contacts_of(assessment.vendor) if sent is None else [],
        },
        request=request,
    )


def register():
    assessment_panels.register_assessment_panel(panel)


@login_required
@require_POST
def send(request, pk):
    assessment = Assessment.objects.select_related("vendor").filter(pk=pk).first()
    if assessment is None or not request.user.has_perm("assessments.view_assessment", assessment):
        raise Http404("Not found.")
    contacts = [int(i) for i in request.POST.getlist("contacts") if i.isdigit()]
    try:
        questionnaires.send(assessment, request.user, contacts, request.POST.get("due_date", ""))
        messages.success(
            request,
            gettext("The questionnaire of %(reference)s is sent to %(vendor)s.")
            % {"reference": assessment.reference, "vendor": assessment.vendor.name},
        )
    except (ConflictError, InvalidInput, NotAllowed) as exc:
        _report(request, exc)
    return redirect(reverse("assessments:detail", args=[assessment.pk]))


def _items(questionnaire, post) -> list[dict]:
    """The answers the form posted, as the rule module takes them: every question with a value,
    a comment or a stored answer (so that clearing one is saved too)."""
    stored = set(questionnaire.answers.values_list("question__code", flat=True))
    items = []
    for question in questionnaires.questions(questionnaire):
        code = question.code
        if question.answer_type == AnswerType.NUMERIC and post.get(f"na-{code}") == "on":
            value = NOT_APPLICABLE
        else:
            value = post.get(f"value-{code}", "").strip() or None
        comment = post.get(f"comment-{code}", "")
        if value is None and not comment and code not in stored:
            continue
        item = {"question": code, "value": value, "comment": comment}
        version = post.get(f"version-{code}", "")
        if version.isdigit():
            item["version"] = int(version)
        items.append(item)
    return items


def _page(request, questionnaire, entered=None, status=200, em_errors=None):
    stored = questionnaire.answers.select_related("question").prefetch_related("evidence")
    answers = {a.question.code: a for a in stored}
    rows = []
    for question in questionnaires.questions(questionnaire):
        answer = answers.get(question.code)
        rows.append(
            {
                "q": question,
                "answer": answer,
                "value": (entered or {}).get(f"value-{question.code}", answer.value if answer else None),
                "comment": (entered or {}).get(f"comment-{question.code}", answer.comment if answer else ""),
                "label": value_label(question, answer.value) if answer else "",
            }
        )
    context = {
        "vendor": access.vendor_of(request.user),
        "questionnaire": questionnaire,
        "rows": rows,
        "problem": questionnaires.answer_problem(questionnaire),
        "blockers": questionnaires.submit_blockers(questionnaire),
        "compliance_choices": Compliance.choices,
        "maturity_levels": range(5),
        "em_problem": questionnaires.em_problem(questionnaire),
        "em_data_sets": list(questionnaires.em_data_sets(questionnaire)),
        "em_errors": em_errors or [],
    }
    return render(request, "portal/questionnaire.html", context, status=status)


@login_required
@require_GET
def questionnaire_page(request, pk):
    user = _portal_user(request)
    return _page(request, questionnaires.questionnaire_or_404(user, pk))


@login_required
@require_POST
def save(request, pk):
    """Save the drafts and the files chosen, all or nothing; with `submit`, then submit. A refused
    save shows the page again with what was typed, so nothing is lost."""
    user = _portal_user(request)
    questionnaire = questionnaires.questionnaire_or_404(user, pk)
    try:
        with transaction.atomic():
            items = _items(questionnaire, request.POST)
            if items:
                questionnaires.save_answers(questionnaire, user, items)
            for question in questionnaires.questions(questionnaire):
                for upload in request.FILES.getlist(f"files-{question.code}"):
                    questionnaires.attach(questionnaire, user, question.code, upload)
            if request.POST.get("submit"):
                questionnaires.submit(questionnaire, user)
    except (ConflictError, InvalidInput, NotAllowed) as exc:
        _report(request, exc)
        status = 409 if isinstance(exc, ConflictError) else 400
        return _page(request, questionnaire, entered=request.POST, status=status)
    if request.POST.get("submit"):
        messages.success(request, gettext("Your answers are submitted to the audit team."))
    else:
        messages.success(request, gettext("Your answers are saved as a draft."))
    return redirect(reverse("portal:questionnaire", args=[questionnaire.pk]))


@login_required
@require_POST
def import_em(request, pk):
    """The vendor's EM results: on bad rows the page again with every row named, nothing kept."""
    user = _portal_user(request)
    questionnaire = questionnaires.questionnaire_or_404(user, pk)
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise InvalidInput({"file": ["Choose a CSV or XLSX file to send."]})
        data_set, samples = questionnaires.import_em(questionnaire, user, formats.read_upload(upload))
    except InvalidInput as exc:
        errors = [(where, " ".join(problems)) for where, problems in exc.errors.items()]
        return _page(request, questionnaire, status=exc.status_code, em_errors=errors)
    except (ConflictError, NotAllowed) as exc:
        _report(request, exc)
        return redirect(reverse("portal:questionnaire", args=[questionnaire.pk]) + "#em")
    messages.success(
        request,
        gettext("%(reference)s sent to the audit team: %(n)s samples.")
        % {"reference": data_set.reference, "n": len(samples)},
    )
    return redirect(reverse("portal:questionnaire", args=[questionnaire.pk]) + "#em")


@login_required
@require_GET
def download(request, pk):
    """A file of a vendor's answer: for the contacts it was sent to and those who may see the
    assessment."""
    item = VendorAnswerEvidence.objects.select_related("answer__questionnaire__assessment").filter(pk=pk).first()
    if item is None:
        raise Http404("Not found.")
    questionnaire = item.answer.questionnaire
    allowed = request.user.has_perm("assessments.view_assessment", questionnaire.assessment) or (
        questionnaires.questionnaires_of(request.user).filter(pk=questionnaire.pk).exists()
    )
    if not allowed:
        raise Http404("Not found.")
    return file_response(item)
