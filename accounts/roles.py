"""The product's roles. A role is a Django group of the same name, so administrators assign
roles in the admin like any group; rules use them in accounts/permissions.py and assessments/permissions.py."""

from django.db import models
from django.utils.translation import gettext_noop


class Role(models.TextChoices):
    AUDITOR = "auditor", gettext_noop("Auditor")
    LEAD_AUDITOR = "lead_auditor", gettext_noop("Lead auditor")
    REVIEWER = "reviewer", gettext_noop("QA reviewer")
    ADMIN = "admin", gettext_noop("Quality administrator")
    VENDOR_CONTACT = "vendor_contact", gettext_noop("Vendor contact")


ROLE_ORDER = [role.value for role in Role]


def ensure_role_groups():
    """Create the group of every role; safe to call any number of times."""
    from django.contrib.auth.models import Group

    for role in Role:
        Group.objects.get_or_create(name=role.value)
