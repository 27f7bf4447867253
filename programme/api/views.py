"""The programme's API (docs/api.md): the items, scheduling one, and the caller's calendar feed
token. Every endpoint reads programme.plan and programme.feeds, as the pages do."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from config.api import Pagination

from .. import feeds, plan
from ..choices import ItemKind, ItemStatus
from ..filters import filtered_items
from ..models import ProgrammeItem
from .serializers import (
    DismissalSerializer,
    DismissedSerializer,
    FeedTokenSerializer,
    ItemSerializer,
    ScheduledSerializer,
    ScheduleSerializer,
)


def _readers_only(request):
    if not request.user.has_perm("programme.view_programme"):
        raise exceptions.PermissionDenied("The audit programme is for the quality organisation.")


class ProgrammeView(GenericAPIView):
    """The audit programme's items due from `from` to `to` (both included; without `to`, up to
    the end of next year; without `from`, overdue items of any date), by due date."""

    serializer_class = ItemSerializer
    pagination_class = Pagination
    queryset = ProgrammeItem.objects.none()  # for the schema: the items are worked out, not a queryset

    @extend_schema(
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE, required=False, description="due on or after"),
            OpenApiParameter("to", OpenApiTypes.DATE, required=False, description="due on or before"),
            OpenApiParameter("kind", OpenApiTypes.STR, enum=ItemKind.values, required=False),
            OpenApiParameter("status", OpenApiTypes.STR, enum=ItemStatus.values, required=False),
            OpenApiParameter("vendor_name", OpenApiTypes.STR, required=False),
            OpenApiParameter("inherent_risk", OpenApiTypes.STR, enum=["high", "medium", "low"], required=False),
        ],
        responses=ItemSerializer(many=True),
    )
    def get(self, request):
        _readers_only(request)
        filterset, shown = filtered_items(request.query_params)
        if shown is None:
            raise exceptions.ValidationError(filterset.form.errors)
        page = self.paginate_queryset(shown)
        return self.get_paginated_response(ItemSerializer(page, many=True).data)


class ScheduleView(APIView):
    """Schedule one item into a new assessment in one step; 201 with the linked item."""

    @extend_schema(request=ScheduleSerializer, responses={201: ScheduledSerializer})
    def post(self, request):
        if not request.user.has_perm("programme.schedule_item"):
            raise exceptions.PermissionDenied("Only quality administrators and lead auditors schedule audits.")
        body = ScheduleSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        values = dict(body.validated_data)
        item = plan.find(values.pop("item"))
        if item is None:
            raise exceptions.ValidationError({"item": ["No such item in the programme."]})
        values = {k: v for k, v in values.items() if v not in (None, "")}
        assessment = plan.schedule(item, request.user, values)
        linked = plan.find(f"item-{assessment.programme_items.get().pk}")
        return Response(
            ScheduledSerializer({"item": linked, "assessment": assessment.pk}).data, status=status.HTTP_201_CREATED
        )


class FeedTokenView(APIView):
    """POST: a new calendar feed token for the caller (any earlier one stops working).
    DELETE: revoke it (204); the feed then answers 404."""

    def _urls(self, request, token):
        url = reverse("programme:feed", request=request) + f"?token={token.key}"
        return {"token": token.key, "url": url, "mine_url": url + "&mine=1"}

    @extend_schema(request=None, responses={201: FeedTokenSerializer})
    def post(self, request):
        _readers_only(request)
        token = feeds.issue(request.user)
        return Response(FeedTokenSerializer(self._urls(request, token)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request):
        _readers_only(request)
        if not feeds.revoke(request.user):
            raise exceptions.NotFound("You have no calendar feed token.")
        return Response(status=status.HTTP_204_NO_CONTENT)


class DismissalView(APIView):
    """Dismiss a proposed for-cause audit with a reason of at least a sentence; it leaves the
    programme (the row and the reason stay, in the audit trail too)."""

    @extend_schema(request=DismissalSerializer, responses={200: DismissedSerializer})
    def post(self, request):
        if not request.user.has_perm("programme.schedule_item"):
            raise exceptions.PermissionDenied("Only quality administrators and lead auditors dismiss a proposed audit.")
        body = DismissalSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        item = plan.find(body.validated_data["item"])
        if item is None:
            raise exceptions.ValidationError({"item": ["No such item in the programme."]})
        row = plan.dismiss(item, request.user, body.validated_data["reason"])
        shown = {
            "item": item.key,
            "reason": row.dismissal_reason,
            "dismissed_by": row.dismissed_by.username,
            "dismissed_at": row.dismissed_at,
        }
        return Response(DismissedSerializer(shown).data)
