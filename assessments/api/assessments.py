"""The assessment API (docs/api.md): every endpoint calls the same workflow, answers, findings
and signatures functions as the web workspace."""

from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from assessments import answers, evaluation, evidence, exceptions, findings, planning, record, signatures, workflow
from assessments.api.serializers import (
    AnswerItemSerializer,
    AnswerSerializer,
    AssessmentSerializer,
    CorrectiveActionSerializer,
    EvidenceSerializer,
    FindingAttachmentSerializer,
    FindingCreateSerializer,
    FindingSerializer,
    MinorReviewSerializer,
    ReasonSerializer,
    ReopenSerializer,
    ReviewReturnSerializer,
    SignatureSerializer,
    SignRequestSerializer,
    SubmitSerializer,
    VerificationRequestSerializer,
)
from assessments.filters import AssessmentFilterSet
from assessments.models import Answer, Assessment, CorrectiveAction, Evidence, Finding, FindingAttachment
from assessments.permissions import visible_part_or_404
from audit import trail
from checklists.models import Criterion
from config.api import text_field
from config.exceptions import NotAllowed


def change_reason(request) -> str:
    """The reason for a change: the body's "reason" (text, else 400), else the X-Change-Reason header."""
    return (text_field(request.data, "reason") or request.headers.get("X-Change-Reason") or "").strip()


CHANGE_REASON = OpenApiParameter(
    "X-Change-Reason",
    location=OpenApiParameter.HEADER,
    required=False,
    description="Why the record changes (needed after a return); a body's `reason` is taken first",
)


def require(user, perm, obj=None):
    if not user.has_perm(perm, obj):
        raise NotAllowed("You are not allowed to do this.")


class AssessmentViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Assessments you may see: your own as auditor, every submitted one as QA reviewer."""

    serializer_class = AssessmentSerializer
    filterset_class = AssessmentFilterSet
    permission_classes = [IsAuthenticated]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self):
        return (
            Assessment.objects.visible_to(self.request.user)
            .select_related("vendor", "checklist", "lead_auditor", "reviewer")
            .prefetch_related("audit_team")
            .order_by("-created_at")
        )

    def filter_queryset(self, queryset):
        """The list's filters narrow the list only: on one assessment (its page, answers, findings,
        signatures, workflow steps) a stray `?status=` must not turn it into a 404."""
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)

    def update(self, request, *args, **kwargs):
        if not kwargs.get("partial"):
            assessment = self.get_object()
            if assessment.is_locked:
                raise exceptions.RecordLocked(
                    f"{assessment.reference} is {assessment.get_status_display().lower()} and read-only."
                )
            return Response({"detail": "Use PATCH to change an assessment."}, status=405)
        return super().update(request, *args, **kwargs)

    def create(self, request, *args, **kwargs):
        # Permission before validation, so that field errors tell an outsider nothing.
        require(request.user, "assessments.add_assessment")
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer):
        serializer.instance, _ = planning.plan(self.request.user, serializer.validated_data)

    def perform_update(self, serializer):
        reason = change_reason(self.request)
        serializer.instance = planning.change_plan(
            serializer.instance, self.request.user, dict(serializer.validated_data), reason
        )

    # --- answers ---------------------------------------------------------------------------
    # GET is the whole record, not a page: symmetric with the PUT of a list (docs/api-notes.md).
    # PUT answers with the items it saved, as they now are, in the same shape and order as GET.
    @extend_schema(methods=["GET"], responses=AnswerSerializer(many=True))
    @extend_schema(
        methods=["PUT"],
        request=AnswerItemSerializer(many=True),
        responses=AnswerSerializer(many=True),
        parameters=[CHANGE_REASON],
    )
    @action(detail=True, methods=["get", "put"], url_path="answers", pagination_class=None, filter_backends=[])
    def answers(self, request, pk=None):
        """GET every answer; PUT a list of answers by question code, all or nothing, answered with
        the answers of the items sent."""
        if request.method == "PUT":
            return self._put_answers(request)
        assessment = self.get_object()
        queryset = (
            Answer.objects.filter(assessment=assessment)
            .select_related("question", "updated_by")
            .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.select_related("uploaded_by")))
            .order_by("question__criterion__order", "question__order")
        )
        return Response([self._answer_item(request, answer, answer.evidence.all()) for answer in queryset])

    def _put_answers(self, request):
        items = request.data
        if isinstance(items, dict):
            items = items.get("answers")
        reason = change_reason(request)
        with transaction.atomic():
            # Seen (404 otherwise) and locked in one read, with the team the checks ask for.
            assessment = self.get_object_for_update()
            saved = answers.save_answers(assessment, request.user, items, reason=reason, locked=True)
        order = {q.code: i for i, q in enumerate(evaluation.checklist_specs(assessment.checklist)[1])}
        saved.sort(key=lambda a: order.get(a.question.code, len(order)))
        files = {}
        with_files = [a.pk for a in saved if getattr(a, "has_evidence", True)]
        if with_files:
            for item in (
                Evidence.objects.filter(answer_id__in=with_files).select_related("uploaded_by").order_by("uploaded_at")
            ):
                files.setdefault(item.answer_id, []).append(item)
        return Response([self._answer_item(request, answer, files.get(answer.pk, [])) for answer in saved])

    def _answer_item(self, request, answer, files) -> dict:
        item = answers.answer_dict(answer)
        item["evidence"] = EvidenceSerializer(files, many=True, context={"request": request}).data
        return item

    def get_object_for_update(self):
        """`get_object`, read with `select_for_update` (this row only) in the caller's transaction,
        its audit team read after the lock."""
        assessment = (
            self.filter_queryset(self.get_queryset())
            .select_for_update(of=("self",))
            .filter(pk=self.kwargs["pk"])
            .first()
        )
        if assessment is None:
            raise Http404("Not found.")
        self.check_object_permissions(self.request, assessment)
        return assessment

    @extend_schema(
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {
                    "file": {"type": "string", "format": "binary"},
                    "reason": {"type": "string"},
                    "upload_id": {"type": "string", "format": "uuid"},
                },
            }
        },
        responses={201: EvidenceSerializer, 200: EvidenceSerializer},
    )
    @action(
        detail=True, methods=["post"], url_path=r"answers/(?P<code>[^/]+)/evidence", parser_classes=[MultiPartParser]
    )
    def upload_evidence(self, request, pk=None, code=None):
        assessment = self.get_object()
        upload = request.FILES.get("file")
        if upload is None:
            return Response({"file": ["Attach the file as the multipart field 'file'."]}, status=400)
        item = evidence.attach(
            assessment,
            request.user,
            code,
            upload,
            reason=change_reason(request),
            upload_id=request.data.get("upload_id"),
        )
        # A repeat of an upload already stored (same upload_id) is answered with that file, 200.
        return Response(EvidenceSerializer(item, context={"request": request}).data, status=200 if item.repeat else 201)

    # --- findings ----------------------------------------------------------------------------
    @extend_schema(methods=["GET"], responses=FindingSerializer(many=True))  # paginated
    @extend_schema(methods=["POST"], request=FindingCreateSerializer, responses={201: FindingSerializer})
    @action(detail=True, methods=["get", "post"], filter_backends=[])
    def findings(self, request, pk=None):
        assessment = self.get_object()
        if request.method == "POST":
            serializer = FindingCreateSerializer(data=request.data, context={"assessment": assessment})
            serializer.is_valid(raise_exception=True)
            finding = findings.raise_finding(
                assessment, request.user, reason=change_reason(request), **serializer.validated_data
            )
            return Response(FindingSerializer(finding).data, status=201)
        queryset = (
            Finding.objects.filter(assessment=assessment)
            .select_related("question", "criterion")
            .prefetch_related("actions__signatures__signer")
            .order_by("number")
        )
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(FindingSerializer(page, many=True).data)

    @extend_schema(request=MinorReviewSerializer, responses={201: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["post"], url_path="minor-reviews")
    def minor_reviews(self, request, pk=None):
        """Confirm or justify a criterion's cluster of three or more minor findings (PIC/S)."""
        assessment = self.get_object()
        serializer = MinorReviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        criterion = Criterion.objects.filter(checklist_id=assessment.checklist_id, code=data["criterion"]).first()
        if criterion is None:
            return Response({"criterion": [f"No criterion {data['criterion']} in {assessment.checklist}."]}, status=400)
        review = findings.review_minor_cluster(
            assessment,
            request.user,
            criterion,
            data["outcome"],
            data.get("justification", ""),
            reason=change_reason(request),
        )
        return Response(
            {"criterion": criterion.code, "outcome": review.outcome, "major_finding": review.major_finding_id},
            status=201,
        )

    # --- workflow ----------------------------------------------------------------------------
    def _step(self, request, name):
        assessment = self.get_object()
        step = workflow.TRANSITIONS[name]
        with transaction.atomic():
            if name == "submit":
                step(assessment, request.user, response=text_field(request.data, "response"))
            else:
                step(assessment, request.user, reason=change_reason(request))
        assessment.refresh_from_db()
        return Response(self.get_serializer(assessment).data)

    @extend_schema(request=SubmitSerializer, responses=AssessmentSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._step(request, "submit")

    @extend_schema(request=ReasonSerializer, responses=AssessmentSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        return self._step(request, "return")

    @extend_schema(request=ReopenSerializer, responses=AssessmentSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        """Reopen an approved assessment: a signature by its QA reviewer or an administrator."""
        assessment = self.get_object()
        reason = text_field(request.data, "reason")
        workflow.check_may_reopen(assessment, request.user)
        workflow.check_reopen_reason(reason)
        serializer = ReopenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        signatures.reopen(
            assessment,
            request.user,
            serializer.validated_data["reason"],
            serializer.validated_data["password"],
            request=request,
        )
        assessment.refresh_from_db()
        return Response(self.get_serializer(assessment).data)

    @extend_schema(request=ReasonSerializer, responses=AssessmentSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self._step(request, "cancel")

    @extend_schema(responses=OpenApiTypes.OBJECT)
    @action(detail=True, methods=["get"], url_path="submission-check")
    def submission_check(self, request, pk=None):
        """What still blocks submission (empty when it can be submitted)."""
        return Response({"problems": workflow.submission_problems(self.get_object())})

    # --- signatures and score ----------------------------------------------------------------
    # The whole signature manifest, not a page (docs/api-notes.md).
    @extend_schema(methods=["GET"], responses=SignatureSerializer(many=True))
    @extend_schema(methods=["POST"], request=SignRequestSerializer, responses={201: SignatureSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def signatures(self, request, pk=None):
        assessment = self.get_object()
        if request.method == "POST":
            serializer = SignRequestSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
            signature = signatures.sign(
                assessment,
                request.user,
                data["meaning"],
                data["password"],
                request=request,
                decision=data.get("decision", ""),
                justification=data.get("justification", ""),
                reason=data.get("reason", ""),
            )
            assessment.refresh_from_db()
            states = {s.signature.pk: s for s in record.signature_states(assessment)}
            return Response(SignatureSerializer(signature, context={"states": states}).data, status=201)
        states = record.signature_states(assessment)
        context = {"states": {s.signature.pk: s for s in states}}
        return Response(SignatureSerializer([s.signature for s in states], many=True, context=context).data)

    @extend_schema(
        parameters=[
            OpenApiParameter("export", enum=["csv"], required=False, description="csv: the whole trail as a file")
        ],
        responses=OpenApiTypes.OBJECT,
    )
    @action(detail=True, methods=["get"])
    def history(self, request, pk=None):
        """The audit trail of this assessment and everything in it: one row per changed field."""
        assessment = self.get_object()
        data = trail.rows(trail.entries_for_assessment(assessment.pk))
        if request.query_params.get("export") == "csv":
            response = HttpResponse(trail.as_csv(data), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="{assessment.reference}-audit-trail.csv"'
            return response
        page = self.paginate_queryset(data)
        return self.get_paginated_response(page)

    @extend_schema(responses=ReviewReturnSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def returns(self, request, pk=None):
        """Every return for rework, oldest first: the reviewer's reason and the lead's response."""
        assessment = self.get_object()
        rows = assessment.returns.select_related("returned_by", "responded_by")
        return Response(ReviewReturnSerializer(rows, many=True).data)

    @extend_schema(responses=OpenApiTypes.OBJECT)
    @action(detail=True, methods=["get"])
    def score(self, request, pk=None):
        """Overall and criterion scores, risk rating, recommended decision, requalification interval;
        once approved, the scores frozen at the approval."""
        return Response(evaluation.score_as_recorded(self.get_object()))


class FindingViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = FindingSerializer
    permission_classes = [IsAuthenticated]
    queryset = Finding.objects.none()

    def get_object(self):
        return visible_part_or_404(
            Finding.objects.select_related("assessment", "question", "criterion"),
            self.request.user,
            self.kwargs["pk"],
            lambda f: f.assessment,
        )

    @extend_schema(request=FindingSerializer, responses=FindingSerializer)
    def partial_update(self, request, pk=None):
        finding = self.get_object()
        serializer = FindingSerializer(finding, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        finding = findings.update_finding(
            finding, request.user, reason=change_reason(request), **serializer.validated_data
        )
        return Response(FindingSerializer(finding).data)

    @extend_schema(methods=["GET"], responses=CorrectiveActionSerializer(many=True))
    @extend_schema(methods=["POST"], request=CorrectiveActionSerializer, responses={201: CorrectiveActionSerializer})
    @action(detail=True, methods=["get", "post"])
    def actions(self, request, pk=None):
        finding = self.get_object()
        if request.method == "POST":
            serializer = CorrectiveActionSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            action_ = findings.plan_action(
                finding, request.user, reason=change_reason(request), **serializer.validated_data
            )
            return Response(CorrectiveActionSerializer(action_).data, status=201)
        page = self.paginate_queryset(finding.actions.prefetch_related("signatures__signer").order_by("due_date", "pk"))
        return self.get_paginated_response(CorrectiveActionSerializer(page, many=True).data)

    @extend_schema(methods=["GET"], responses=FindingAttachmentSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        request={
            "multipart/form-data": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}
        },
        responses={201: FindingAttachmentSerializer},
        parameters=[CHANGE_REASON],
    )
    @action(
        detail=True,
        methods=["get", "post"],
        pagination_class=None,
        filter_backends=[],
        parser_classes=[MultiPartParser],
    )
    def attachments(self, request, pk=None):
        """The finding's files and its actions' closure evidence, a bare list, oldest first; POST a
        multipart `file` (the audit team, while the content is open)."""
        finding = self.get_object()
        if request.method == "POST":
            upload = request.FILES.get("file")
            if upload is None:
                return Response({"file": ["Attach the file as the multipart field 'file'."]}, status=400)
            item = findings.attach_to_finding(finding, request.user, upload, reason=change_reason(request))
            return Response(FindingAttachmentSerializer(item, context={"request": request}).data, status=201)
        items = finding.attachments.select_related("uploaded_by")
        return Response(FindingAttachmentSerializer(items, many=True, context={"request": request}).data)


class CorrectiveActionViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = CorrectiveActionSerializer
    permission_classes = [IsAuthenticated]
    queryset = CorrectiveAction.objects.none()

    def get_object(self):
        return visible_part_or_404(
            CorrectiveAction.objects.select_related("finding__assessment").prefetch_related("signatures__signer"),
            self.request.user,
            self.kwargs["pk"],
            lambda a: a.finding.assessment,
        )

    def _fresh(self, action_):
        return CorrectiveActionSerializer(
            CorrectiveAction.objects.prefetch_related("signatures__signer").get(pk=action_.pk)
        ).data

    @extend_schema(request=CorrectiveActionSerializer, responses=CorrectiveActionSerializer)
    def partial_update(self, request, pk=None):
        action_ = self.get_object()
        serializer = CorrectiveActionSerializer(action_, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        if isinstance(request.data, dict) and "verification" in request.data:
            # Read-only in the serializer, yet not ignored: the rule refuses it with a 400.
            fields["verification"] = request.data["verification"]
        action_ = findings.update_action(action_, request.user, reason=change_reason(request), **fields)
        return Response(self._fresh(action_))

    @extend_schema(request=VerificationRequestSerializer, responses={201: CorrectiveActionSerializer})
    @action(detail=True, methods=["post"])
    def verification(self, request, pk=None):
        """An independent QA reviewer records the action as verified effective: a signature."""
        action_ = self.get_object()
        # The rule checks who and when before what was sent, so that a field error tells an
        # outsider nothing; the texts are read as text or refused.
        findings.verify_action(
            action_,
            request.user,
            text_field(request.data, "verification"),
            text_field(request.data, "password"),
            request=request,
        )
        return Response(self._fresh(action_), status=201)

    @extend_schema(
        request={
            "multipart/form-data": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}
        },
        responses={201: FindingAttachmentSerializer},
    )
    @action(detail=True, methods=["post"], url_path="closure-evidence", parser_classes=[MultiPartParser])
    def closure_evidence(self, request, pk=None):
        """Evidence of the action's effectiveness (multipart `file`): a QA reviewer who may verify
        it, after approval and until the action is closed."""
        action_ = self.get_object()
        upload = request.FILES.get("file")
        if upload is None:
            return Response({"file": ["Attach the file as the multipart field 'file'."]}, status=400)
        item = findings.attach_closure_evidence(action_, request.user, upload)
        return Response(FindingAttachmentSerializer(item, context={"request": request}).data, status=201)

    @extend_schema(request=ReasonSerializer, responses=CorrectiveActionSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """A QA reviewer independent of the assessment closes a verified action."""
        action_ = findings.close_action(self.get_object(), request.user, reason=change_reason(request))
        return Response(self._fresh(action_))


class EvidenceViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = EvidenceSerializer
    permission_classes = [IsAuthenticated]
    queryset = Evidence.objects.none()

    def get_object(self):
        return visible_part_or_404(
            Evidence.objects.select_related("answer__assessment", "uploaded_by"),
            self.request.user,
            self.kwargs["pk"],
            lambda e: e.answer.assessment,
        )

    @extend_schema(request=None, responses={204: None}, parameters=[CHANGE_REASON])
    def destroy(self, request, pk=None):
        """Its uploader removes an evidence file the QA reviewer has not seen (403 for anyone
        else, 409 once it was submitted); the audit trail keeps its name and SHA-256. A reason
        (`X-Change-Reason`) is required once the assessment has been submitted."""
        evidence.remove(self.get_object(), request.user, reason=change_reason(request))
        return Response(status=204)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "preview",
                OpenApiTypes.BOOL,
                required=False,
                description="the JPEG preview of a HEIC photo",
            )
        ],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, (200, "image/jpeg"): OpenApiTypes.BINARY},
    )
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        """The file, after the permission check; never served from a public URL."""
        return evidence.file_response(self.get_object(), preview=evidence.wants_preview(request))


class FindingAttachmentViewSet(viewsets.GenericViewSet):
    serializer_class = FindingAttachmentSerializer
    permission_classes = [IsAuthenticated]
    queryset = FindingAttachment.objects.none()

    def get_object(self):
        return visible_part_or_404(
            FindingAttachment.objects.select_related("finding__assessment"),
            self.request.user,
            self.kwargs["pk"],
            lambda a: a.finding.assessment,
        )

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        """The file, after the permission check; never served from a public URL."""
        return evidence.file_response(self.get_object())
