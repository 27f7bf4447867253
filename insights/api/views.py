"""The match API (docs/api.md): the same rule module and form as the match page."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import is_quality_staff
from vendors.countries import Region

from .. import matching
from ..forms import MatchForm
from .serializers import MatchSerializer


class MatchView(APIView):
    """Which approved CDMOs can make a product: `results` (fitting, ranked by fit and latest
    score, each with its reasons) and `excluded` (every other vendor, with the reasons)."""

    @extend_schema(
        parameters=[
            OpenApiParameter("modality", OpenApiTypes.STR, required=True, description="a modality's slug"),
            OpenApiParameter("phase", OpenApiTypes.STR, enum=[p for p, _ in matching.PHASES], required=True),
            OpenApiParameter("batches_per_year", OpenApiTypes.INT, required=True),
            OpenApiParameter("region", OpenApiTypes.STR, enum=Region.values, required=True),
        ],
        responses=MatchSerializer,
    )
    def get(self, request):
        if not is_quality_staff(request.user):
            raise exceptions.PermissionDenied("The match is for the quality organisation.")
        form = MatchForm(request.query_params)
        if not form.is_valid():
            raise exceptions.ValidationError(form.errors)
        data = form.cleaned_data
        fitting, excluded = matching.match(
            request.user, data["modality"], data["phase"], data["batches_per_year"], data["region"]
        )
        return Response(MatchSerializer({"results": fitting, "excluded": excluded}).data)
