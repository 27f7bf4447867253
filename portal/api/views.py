"""The portal's API (docs/api.md): a vendor contact's shared corrective actions and responses,
and the lead's share and decision. Every endpoint calls portal/access.py, sharing.py and
responses.py, like the pages."""

from django.db.models import Prefetch
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from assessments.models import Assessment, CorrectiveAction, Questionnaire
from config.api import text_field
from config.exceptions import NotAllowed
from monitoring import formats
from monitoring.api.serializers import DataSetSerializer

from .. import access, questionnaires, responses, sharing
from ..models import VendorResponse
from .serializers import (
    QuestionnaireDetailSerializer,
    QuestionnaireSerializer,
    ResponseDecisionRequestSerializer,
    ResponseEvidenceSerializer,
    ResponseRequestSerializer,
    SendRequestSerializer,
    SharedActionSerializer,
    ShareSerializer,
    VendorAnswerEvidenceSerializer,
    VendorAnswerRequestSerializer,
    VendorAnswerSerializer,
    VendorResponseSerializer,
)

RESPONSES = Prefetch(
    "vendor_responses",
    queryset=VendorResponse.objects.select_related("submitted_by", "decided_by").prefetch_related(
        "evidence__uploaded_by"
    ),
)


def require_portal(user):
    if not user.has_perm("portal.use_portal"):
        raise NotAllowed("The portal is for the contacts of a vendor.")


class PortalActionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The corrective actions shared with your vendor (vendor contacts only); another vendor's are 404."""

    serializer_class = SharedActionSerializer
    permission_classes = [IsAuthenticated]
    queryset = CorrectiveAction.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator asks without a user
            return CorrectiveAction.objects.none()
        require_portal(self.request.user)
        return access.shared_actions(self.request.user).prefetch_related(RESPONSES)

    def get_object(self):
        require_portal(self.request.user)
        access.shared_action_or_404(self.request.user, self.kwargs["pk"])
        return self.get_queryset().get(pk=self.kwargs["pk"])

    @extend_schema(methods=["GET"], responses=VendorResponseSerializer(many=True))
    @extend_schema(methods=["POST"], request=ResponseRequestSerializer, responses={201: VendorResponseSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def responses(self, request, pk=None):
        """The vendor's responses, each a version; POST adds the next version."""
        shared = self.get_object()
        if request.method == "POST":
            response = responses.respond(
                shared,
                request.user,
                root_cause=text_field(request.data, "root_cause"),
                action_text=text_field(request.data, "action"),
                completion_date=text_field(request.data, "completion_date"),
            )
            return Response(VendorResponseSerializer(response).data, status=201)
        return Response(VendorResponseSerializer(shared.vendor_responses.all(), many=True).data)

    @extend_schema(
        request={
            "multipart/form-data": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}
        },
        responses={201: ResponseEvidenceSerializer},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"responses/(?P<rid>[0-9]+)/evidence",
        parser_classes=[MultiPartParser],
        filter_backends=[],
    )
    def evidence(self, request, pk=None, rid=None):
        """An evidence file of a response (checked and hashed like the audit's evidence)."""
        shared = self.get_object()
        response = shared.vendor_responses.filter(pk=rid).first()
        if response is None:
            raise Http404("Not found.")
        upload = request.FILES.get("file")
        if upload is None:
            return Response({"file": ["Attach the file as the multipart field 'file'."]}, status=400)
        item = responses.attach(response, request.user, upload)
        return Response(ResponseEvidenceSerializer(item).data, status=201)


class ShareViewSet(viewsets.GenericViewSet):
    serializer_class = ShareSerializer
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={201: ShareSerializer})
    @action(detail=True, methods=["post"])
    def share(self, request, pk=None):
        """The lead auditor shares the corrective action with the vendor's contacts (409 when
        shared already, done, cancelled or withdrawn with its finding)."""
        return Response(ShareSerializer(sharing.share_by_id(pk, request.user)).data, status=201)


class VendorResponseViewSet(viewsets.GenericViewSet):
    serializer_class = VendorResponseSerializer
    permission_classes = [IsAuthenticated]

    @extend_schema(request=ResponseDecisionRequestSerializer, responses=VendorResponseSerializer)
    @action(detail=True, methods=["post"])
    def decision(self, request, pk=None):
        """The lead auditor accepts or rejects the latest response, with a comment."""
        response = VendorResponse.objects.select_related("corrective_action__finding__assessment").filter(pk=pk).first()
        if response is None:
            raise Http404("Not found.")
        decided = responses.decide(
            response, request.user, text_field(request.data, "decision"), text_field(request.data, "comment")
        )
        return Response(VendorResponseSerializer(decided).data)


class SendViewSet(viewsets.GenericViewSet):
    serializer_class = QuestionnaireSerializer
    permission_classes = [IsAuthenticated]

    @extend_schema(request=SendRequestSerializer, responses={201: QuestionnaireSerializer})
    @action(detail=True, methods=["post"], filter_backends=[])
    def send(self, request, pk=None):
        """The lead auditor sends an assessment in questionnaire mode to contacts of its vendor,
        with a due date (409 for another mode or state, or when it was sent already)."""
        assessment = Assessment.objects.filter(pk=pk).first()
        if assessment is None or not request.user.has_perm("assessments.view_assessment", assessment):
            raise Http404("Not found.")
        contacts = request.data.get("contacts") if isinstance(request.data, dict) else None
        questionnaire = questionnaires.send(assessment, request.user, contacts, text_field(request.data, "due_date"))
        return Response(QuestionnaireSerializer(questionnaire).data, status=201)


class PortalQuestionnaireViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The questionnaires sent to you as a vendor contact; any other is 404."""

    serializer_class = QuestionnaireSerializer
    permission_classes = [IsAuthenticated]
    queryset = Questionnaire.objects.none()

    def get_serializer_class(self):
        return QuestionnaireDetailSerializer if self.action == "retrieve" else QuestionnaireSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Questionnaire.objects.none()
        require_portal(self.request.user)
        return questionnaires.questionnaires_of(self.request.user).prefetch_related(
            "contacts", "answers__question", "answers__answered_by", "answers__evidence__uploaded_by"
        )

    def get_object(self):
        require_portal(self.request.user)
        return questionnaires.questionnaire_or_404(self.request.user, self.kwargs["pk"])

    @extend_schema(request=VendorAnswerRequestSerializer(many=True), responses=VendorAnswerSerializer(many=True))
    @action(detail=True, methods=["put"], pagination_class=None, filter_backends=[])
    def answers(self, request, pk=None):
        """Save draft answers, all or none; an item's `version` must be the one last read (409)."""
        saved = questionnaires.save_answers(self.get_object(), request.user, request.data)
        return Response(VendorAnswerSerializer(saved, many=True).data)

    @extend_schema(
        request={
            "multipart/form-data": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}
        },
        responses={201: VendorAnswerEvidenceSerializer},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"answers/(?P<code>[A-Za-z0-9_.-]{1,40})/evidence",
        parser_classes=[MultiPartParser],
        filter_backends=[],
    )
    def evidence(self, request, pk=None, code=None):
        """An evidence file on the vendor's answer to question `code`."""
        questionnaire = self.get_object()
        upload = request.FILES.get("file")
        if upload is None:
            return Response({"file": ["Attach the file as the multipart field 'file'."]}, status=400)
        item = questionnaires.attach(questionnaire, request.user, code, upload)
        return Response(VendorAnswerEvidenceSerializer(item).data, status=201)

    @extend_schema(
        request={
            "multipart/form-data": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}
        },
        responses={201: DataSetSerializer},
    )
    @action(detail=True, methods=["post"], url_path="em-results", parser_classes=[MultiPartParser], filter_backends=[])
    def em_results(self, request, pk=None):
        """The vendor's EM results for this questionnaire (a CSV or XLSX `file`): a data set of the
        assessment's site; 400 naming each bad row, nothing kept; 409 when the questionnaire is
        submitted or names no site."""
        questionnaire = self.get_object()
        upload = request.FILES.get("file")
        if upload is None:
            return Response({"file": ["Attach the file as the multipart field 'file'."]}, status=400)
        data_set, _ = questionnaires.import_em(questionnaire, request.user, formats.read_upload(upload))
        return Response(DataSetSerializer(data_set).data, status=201)

    @extend_schema(request=None, responses=QuestionnaireSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def submit(self, request, pk=None):
        """Submit the answers to the audit team, once (400 naming what is missing)."""
        submitted = questionnaires.submit(self.get_object(), request.user)
        return Response(QuestionnaireSerializer(submitted).data)
