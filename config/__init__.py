"""The project: settings, URL map, the Celery application (config/celery.py, found by
`celery -A config`), API conventions and the plain building blocks every app may use. Importing
this package loads nothing else, so that pure modules (config/choices.py) stay pure."""
