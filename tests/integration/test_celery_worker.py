"""A task goes through the real broker (Redis at REDIS_URL) to a real worker process and back.
No eager mode: if Redis or the worker were missing, this would time out."""

import pytest
from django.conf import settings

from config.celery import app, ping

pytestmark = pytest.mark.integration


def test_settings_do_not_run_tasks_eagerly():
    assert not app.conf.task_always_eager
    assert app.conf.broker_url == settings.REDIS_URL


@pytest.mark.slow
def test_a_real_worker_returns_the_result_of_a_task(start_worker, celery_queue):
    worker = start_worker()
    result = ping.apply_async(args=["hello"], queue=celery_queue)
    assert result.get(timeout=30) == {"pong": "hello"}
    assert "config.ping" in worker.log_path.read_text()
