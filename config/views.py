from django.db import connection
from django.http import JsonResponse
from django.views import defaults

from assessments.views.insights import home  # noqa: F401  (the home page is the dashboard by role)


def health(request):
    """For load balancers: answers without a login, says nothing about the data."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def not_found(request, exception=None):
    """404 for a URL that matches no route: JSON under /api/ (as the API answers every other 404),
    the site's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)
