"""The lifecycle events this app tells people of. Each receiver runs inside the transaction of
the change (assessments/signals.py), so the inbox rows commit or roll back with it."""

from django.dispatch import receiver

from accounts.lockout import account_locked
from assessments import signals

from . import events


@receiver(signals.people_assigned, dispatch_uid="notifications.assigned")
def on_assigned(sender, assessment, user, people, **kwargs):
    events.people_assigned(assessment, user, people)


@receiver(signals.assessment_submitted, dispatch_uid="notifications.submitted")
def on_submitted(sender, assessment, user, **kwargs):
    events.submitted(assessment, user)


@receiver(signals.assessment_returned, dispatch_uid="notifications.returned")
def on_returned(sender, assessment, user, reason, **kwargs):
    events.returned(assessment, user, reason)


@receiver(signals.approval_recorded, dispatch_uid="notifications.approved")
def on_approved(sender, assessment, user, **kwargs):
    events.approved(assessment, user)


@receiver(account_locked, dispatch_uid="notifications.account_locked")
def on_account_locked(sender, username, ip_address, **kwargs):
    events.account_locked(username, ip_address)
