from django.db import connection
from django.http import JsonResponse


def health(request):
    """For load balancers: answers without a login, says nothing about the data."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
