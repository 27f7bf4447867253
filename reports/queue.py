"""Publishing jobs to the task queue (Redis), so that an outage is reported at once."""

import logging

from django.conf import settings
from kombu.exceptions import KombuError, OperationalError

from config.celery import app

logger = logging.getLogger(__name__)


class QueueUnavailable(Exception):
    """The task queue (Redis) cannot take the job; the API answers 503 and nothing is kept."""

    message = (
        "The report service is not available right now (the task queue cannot be reached). "
        "Nothing was queued; try again in a few minutes."
    )


# Left on a queued report whose job could not be sent; the periodic sweep sends it again.
WAITING_FOR_QUEUE = "Waiting for the task queue; it will be sent again."


def send(task, *args):
    """Publish a task without retrying, so that a broker outage is reported at once.

    The connection is made from the Django settings at each call (CELERY_BROKER_URL and
    CELERY_BROKER_TRANSPORT_OPTIONS), not taken from the Celery app's pool: the app reads its
    configuration once, so it would keep publishing to a broker the settings no longer name,
    and a pooled connection can hide an outage until it is used."""
    try:
        with app.connection_for_write(
            settings.CELERY_BROKER_URL, transport_options=dict(settings.CELERY_BROKER_TRANSPORT_OPTIONS)
        ) as connection:
            # One attempt: kombu would otherwise keep retrying for broker_connection_timeout and
            # more (about 6 s), holding the web request before the 503.
            connection.ensure_connection(max_retries=0)
            task.apply_async(args=args, queue=settings.CELERY_TASK_DEFAULT_QUEUE, connection=connection, retry=False)
    except (OperationalError, KombuError, OSError, ConnectionError) as exc:
        logger.warning("Could not queue %s%r: %s", task.name, args, exc)
        raise QueueUnavailable(str(exc)) from exc
    except Exception as exc:  # redis-py raises its own ConnectionError/TimeoutError classes
        if type(exc).__module__.startswith(("redis", "kombu")):
            logger.warning("Could not queue %s%r: %s", task.name, args, exc)
            raise QueueUnavailable(str(exc)) from exc
        raise
