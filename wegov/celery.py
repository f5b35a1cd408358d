"""Celery application.

With ``REDIS_URL`` set, tasks go to Redis and a worker runs them
(``celery -A wegov worker``). Without it, ``CELERY_TASK_ALWAYS_EAGER`` is on
(see settings) so ``make run`` needs no broker: tasks run inline.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wegov.settings")

app = Celery("wegov")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
