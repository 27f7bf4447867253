"""Every app's API routes under /api/, in one namespace ("api")."""

from django.urls import include, path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.decorators import api_view
from rest_framework.response import Response
from rest_framework.reverse import reverse

app_name = "api"


@extend_schema(responses=OpenApiTypes.OBJECT)
@api_view(["GET"])
def api_root(request, format=None):
    """Entry points of the API; the schema and its interactive documentation are the reference."""
    return Response(
        {
            "users": reverse("api:user-list", request=request),
            "vendors": reverse("api:vendor-list", request=request),
            "checklists": reverse("api:checklist-list", request=request),
            "schema": reverse("api:schema", request=request),
            "docs": reverse("api:docs", request=request),
        }
    )


urlpatterns = [
    path("", api_root, name="root"),
    path("", include("accounts.api.urls")),
    path("", include("insights.api.urls")),  # /vendors/match/, before the registry's /vendors/<pk>/
    path("", include("vendors.api.urls")),
    path("", include("checklists.api.urls")),
    path("", include("assessments.api.urls")),
    path("", include("monitoring.api.urls")),
    path("", include("notifications.api.urls")),
    path("", include("programme.api.urls")),
    path("", include("portal.api.urls")),
    path("", include("reports.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file (?script): the Content-Security-Policy
    # allows no inline script.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api:schema", template_name="api/swagger_ui.html"),
        name="docs",
    ),
]
