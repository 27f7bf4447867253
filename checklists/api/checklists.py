from django.db.models import Prefetch
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.api.permissions import RulesPermission
from checklists import formats, publishing
from checklists.models import Checklist, Criterion, Question
from config.parsers import FormParser, JSONParser, MultiPartParser

from .serializers import ChecklistDetailSerializer, ChecklistImportSerializer, ChecklistSerializer

EXPORT_DESCRIPTION = (
    "The checklist document (docs/checklist-format.md, docs/checklist.schema.json) as a file: "
    "YAML (application/yaml) by default, JSON (application/json) with file_format=json."
)


class ChecklistViewSet(mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Checklist versions. Everyone reads them; quality administrators import, edit drafts,
    publish and start new versions. A published version answers every change with 409."""

    permission_classes = [RulesPermission]
    filterset_fields = ["status", "code", "version"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        queryset = Checklist.objects.all()
        if self.action == "retrieve":
            queryset = queryset.prefetch_related(
                Prefetch(
                    "criteria",
                    queryset=Criterion.objects.prefetch_related(
                        Prefetch("questions", queryset=Question.objects.order_by("order", "code"))
                    ),
                )
            )
        return queryset

    def get_serializer_class(self):
        if self.action == "import_file":
            return ChecklistImportSerializer
        return ChecklistDetailSerializer if self.action == "retrieve" else ChecklistSerializer

    def perform_update(self, serializer):
        if serializer.instance.is_locked:
            raise publishing.ChecklistLocked(
                f"{serializer.instance} is {serializer.instance.status} and cannot be changed; "
                "create a new version instead."
            )
        serializer.save()

    def _admin_action(self, request, pk):
        checklist = self.get_object()
        if not request.user.has_perm("checklists.change_checklist", checklist):
            self.permission_denied(request)
        return checklist

    @extend_schema(request=None, responses=ChecklistSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        checklist = publishing.publish(self._admin_action(request, pk), request.user)
        return Response(ChecklistSerializer(checklist, context={"request": request}).data)

    @extend_schema(request=None, responses={201: ChecklistSerializer})
    @action(detail=True, methods=["post"], url_path="new-version")
    def new_version(self, request, pk=None):
        draft = publishing.new_version(self._admin_action(request, pk))
        return Response(ChecklistSerializer(draft, context={"request": request}).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[OpenApiParameter("file_format", enum=["yaml", "json"], default="yaml")],
        # One document in two notations: a mapping (docs/checklist-format.md, checked by
        # docs/checklist.schema.json), written as YAML or as JSON.
        responses={
            (200, media_type): OpenApiResponse(OpenApiTypes.OBJECT, description=EXPORT_DESCRIPTION)
            for media_type in ("application/yaml", "application/json")
        },
    )
    @action(detail=True, methods=["get"])
    def export(self, request, pk=None):
        """The version as a checklist file, YAML or JSON by `file_format`, as an attachment."""
        checklist = self.get_object()
        fmt = "json" if request.query_params.get("file_format") == "json" else "yaml"
        text = formats.dump(formats.export_checklist(checklist), fmt)
        response = HttpResponse(text, content_type="application/json" if fmt == "json" else "application/yaml")
        response["Content-Disposition"] = f'attachment; filename="{checklist.code}-v{checklist.version}.{fmt}"'
        return response

    @extend_schema(request={"multipart/form-data": ChecklistImportSerializer}, responses={201: ChecklistSerializer})
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser, FormParser, JSONParser])
    def import_file(self, request):
        """Create a draft from a checklist file; a bad file is refused whole, naming each problem."""
        if not request.user.has_perm("checklists.add_checklist"):
            self.permission_denied(request)
        upload = request.FILES.get("file")
        if upload is None:
            return Response({"file": ["Send the checklist as the multipart field 'file'."]}, status=400)
        try:
            checklist = formats.import_checklist(formats.read_upload(upload), filename=upload.name, user=request.user)
        except formats.ChecklistFileError as exc:  # 413 for a file over the size limit
            return Response({"file": exc.problems}, status=exc.status_code)
        return Response(ChecklistSerializer(checklist, context={"request": request}).data, status=201)
