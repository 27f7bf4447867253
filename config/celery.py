"""The Celery application: PDF reports and other slow work run here, never in a web request."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("cdmo")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="config.ping")
def ping(payload=None):
    """Round trip through the broker and a worker; used by health checks and tests."""
    return {"pong": payload}
