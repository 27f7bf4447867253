import redis
from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views import defaults

#: How long /health/ waits for each service: a load balancer asks often and must not hang.
HEALTH_TIMEOUT_SECONDS = 2


def _database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() is not None
    except Exception:  # any driver's "cannot connect" or "connection lost"
        return False


def _redis_answers() -> bool:
    client = redis.Redis.from_url(
        settings.REDIS_URL, socket_connect_timeout=HEALTH_TIMEOUT_SECONDS, socket_timeout=HEALTH_TIMEOUT_SECONDS
    )
    try:
        return bool(client.ping())
    except (redis.RedisError, OSError):
        return False
    finally:
        client.close()


def health(request):
    """For load balancers and monitoring: answers without a login and says nothing about the data.
    200 when the database and Redis (the report queue) both answer; otherwise 503 naming what is
    down, e.g. {"status": "unavailable", "database": "ok", "redis": "down", "down": ["redis"]}."""
    states = {"database": _database_answers(), "redis": _redis_answers()}
    down = [name for name, up in states.items() if not up]
    body = {
        "status": "unavailable" if down else "ok",
        **{name: "ok" if up else "down" for name, up in states.items()},
        "down": down,
    }
    return JsonResponse(body, status=503 if down else 200)


def not_found(request, exception=None):
    """404 for a URL that matches no route: JSON under /api/ (as the API answers every other 404),
    the site's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)
