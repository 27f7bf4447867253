"""The EM API (docs/api.md "Added in the second round", docs/em-format.md): every endpoint calls
the same rule modules as the EM page: imports.py, proposals.py, answers.py, limits.py."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import is_quality_staff
from assessments import workflow
from assessments.models import Assessment
from config.api import Pagination, text_field
from config.exceptions import InvalidInput
from vendors.models import Site

from .. import answers, formats, imports, limits, overview, proposals
from ..choices import ReviewOutcome
from ..filters import SampleFilterSet
from ..models import AlertLimit, DataSet, Sample
from .serializers import (
    DataSetReviewRequestSerializer,
    DataSetSerializer,
    DataSetsSerializer,
    DecisionRequestSerializer,
    DecisionSerializer,
    EMAnswerSerializer,
    LimitTableSerializer,
    SampleInputSerializer,
    SampleSerializer,
    SummarySerializer,
)

CHANGE_REASON = OpenApiParameter(
    "X-Change-Reason",
    location=OpenApiParameter.HEADER,
    required=False,
    description="Why the record changes (needed after a return); a body's `reason` is taken first",
)


def visible_assessment(request, pk) -> Assessment:
    """The assessment if the caller may see it; 404 otherwise, as everywhere in the API."""
    assessment = Assessment.objects.visible_to(request.user).select_related("site", "checklist").filter(pk=pk).first()
    if assessment is None:
        raise exceptions.NotFound("Not found.")
    return assessment


def change_reason(request) -> str:
    data = request.data if isinstance(request.data, dict) else {}
    if hasattr(request.data, "getlist"):  # a multipart body
        data = {"reason": request.data.get("reason")}
    return (text_field(data, "reason") or request.headers.get("X-Change-Reason") or "").strip()


class EMResultsView(GenericAPIView):
    """GET: the samples of every data set the assessment reviews, with their limit and result.
    POST: a new data set of the assessment's site, from a JSON list of samples or a CSV or XLSX
    file (multipart `file`); 201 echoes every sample; 400 names each bad row and keeps nothing."""

    serializer_class = SampleSerializer
    pagination_class = Pagination
    filterset_class = SampleFilterSet
    queryset = Sample.objects.none()

    @extend_schema(responses=SampleSerializer(many=True))  # paginated
    def get(self, request, pk):
        assessment = visible_assessment(request, pk)
        queryset = Sample.objects.filter(data_set__reviews__assessment=assessment).order_by("data_set_id", "line")
        filters = SampleFilterSet(request.query_params, queryset=queryset)
        if not filters.is_valid():
            raise exceptions.ValidationError(filters.errors)
        page = self.paginate_queryset(filters.qs)
        return self.get_paginated_response(SampleSerializer(page, many=True).data)

    @extend_schema(
        request={
            "application/json": SampleInputSerializer(many=True),
            "multipart/form-data": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}, "reason": {"type": "string"}},
                "required": ["file"],
            },
        },
        responses={201: SampleSerializer(many=True)},
        parameters=[CHANGE_REASON],
        filters=False,  # the list's filters and pages are for GET only
    )
    def post(self, request, pk):
        assessment = visible_assessment(request, pk)
        reason = change_reason(request)
        # Who may import, and whether the record is open, before anything of the body is read.
        imports.check_may_import(assessment, request.user, reason)
        if hasattr(request.data, "getlist"):
            upload = request.FILES.get("file")
            if upload is None:
                raise InvalidInput({"file": ["Attach a CSV or XLSX file as the multipart field 'file'."]})
            source = formats.read_upload(upload)
        else:
            source = formats.read_json(request.data)
        _, samples = imports.import_samples(assessment, request.user, source, reason=reason)
        return Response(SampleSerializer(samples, many=True).data, status=201)


class EMSummaryView(APIView):
    """Per data set the summary by grade, state, kind and location, the locations with repeated
    excursions, data older than 12 months at the assessment date, the findings the excursions
    propose with the decision on each, and the answers the data give."""

    @extend_schema(responses=SummarySerializer)
    def get(self, request, pk):
        assessment = visible_assessment(request, pk)
        context = overview.overview(assessment, with_charts=False)
        context["assessment"] = assessment.pk
        return Response(SummarySerializer(context).data)


class EMDecisionView(APIView):
    """Confirm the excursions at one location of a data set as a finding (criterion C), or
    dismiss them with a reason of at least a sentence."""

    @extend_schema(request=DecisionRequestSerializer, responses={201: DecisionSerializer}, parameters=[CHANGE_REASON])
    def post(self, request, pk):
        assessment = visible_assessment(request, pk)
        # Who may decide, and whether the record is open, before the body is checked.
        workflow.check_editable(assessment, request.user, change_reason(request))
        serializer = DecisionRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if data["outcome"] == ReviewOutcome.CONFIRMED:
            decision = proposals.confirm(
                assessment,
                request.user,
                data["data_set"],
                data["location"],
                classification=data.get("classification", ""),
                downgrade_rationale=data.get("downgrade_rationale", ""),
                reason=data.get("reason", "") or change_reason(request),
            )
        else:
            decision = proposals.dismiss(
                assessment, request.user, data["data_set"], data["location"], data.get("reason", "")
            )
        return Response(DecisionSerializer(decision).data, status=201)


class EMAnswersView(APIView):
    """Answer the numeric questions of criterion C that the data answer (C.4), over earlier answers."""

    @extend_schema(request=None, responses=EMAnswerSerializer(many=True), parameters=[CHANGE_REASON])
    def post(self, request, pk):
        assessment = visible_assessment(request, pk)
        found = answers.apply(assessment, request.user, reason=change_reason(request))
        return Response(EMAnswerSerializer(found, many=True).data)


class EMDataSetsView(APIView):
    """GET: the data sets the assessment reviews, and the other data sets of its site it could
    review. POST `{"data_set": id}`: the assessment reviews one imported before (the audit team;
    409 for another site's or one reviewed already)."""

    @extend_schema(responses=DataSetsSerializer)
    def get(self, request, pk):
        assessment = visible_assessment(request, pk)
        reviewed = DataSet.objects.filter(reviews__assessment=assessment).select_related("imported_by")
        return Response(
            {
                "reviewed": DataSetSerializer(reviewed.order_by("period_start", "pk"), many=True).data,
                "to_review": DataSetSerializer(imports.data_sets_to_review(assessment), many=True).data,
            }
        )

    @extend_schema(
        request=DataSetReviewRequestSerializer, responses={201: DataSetSerializer}, parameters=[CHANGE_REASON]
    )
    def post(self, request, pk):
        assessment = visible_assessment(request, pk)
        data_set = request.data.get("data_set") if isinstance(request.data, dict) else None
        review = imports.review_data_set(assessment, request.user, data_set, reason=change_reason(request))
        return Response(DataSetSerializer(review.data_set).data, status=201)


class EMLimitsView(APIView):
    """The limit table in force; with `?site=` also that site's alert limits."""

    @extend_schema(
        parameters=[OpenApiParameter("site", OpenApiTypes.INT, required=False, description="a site's id")],
        responses=LimitTableSerializer,
    )
    def get(self, request):
        if not is_quality_staff(request.user):
            raise exceptions.PermissionDenied("The limit table is for the quality organisation.")
        table = limits.table_in_force()
        site_id = request.query_params.get("site")
        alerts = AlertLimit.objects.none()
        if site_id not in (None, ""):
            if not site_id.isdigit() or int(site_id) > 2**63 - 1:
                raise exceptions.ValidationError({"site": ["A site's id is a positive integer."]})
            site = Site.objects.filter(pk=int(site_id)).first()
            if site is None:
                raise exceptions.ValidationError({"site": [f"No site {site_id}."]})
            alerts = AlertLimit.objects.filter(site=site)
        data = {
            "version": table.version,
            "title": table.title,
            "source": table.source,
            "effective_from": table.effective_from,
            "limits": table.limits.all(),
            "alert_limits": alerts,
        }
        return Response(LimitTableSerializer(data).data)
