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

from assessments.models import CorrectiveAction
from config.api import text_field
from config.exceptions import NotAllowed

from .. import access, responses, sharing
from ..models import VendorResponse
from .serializers import (
    ResponseDecisionRequestSerializer,
    ResponseEvidenceSerializer,
    ResponseRequestSerializer,
    SharedActionSerializer,
    ShareSerializer,
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
