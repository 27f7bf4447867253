"""Create the demo log-ins of docs/api.md: admin, lead, auditor, reviewer and vendor (a vendor contact)."""

import os
import secrets

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand

from accounts.models import User
from accounts.roles import Role, ensure_role_groups

DEMO_USERS = [
    ("admin", "Quinn", "Admin", [Role.ADMIN], True),
    ("lead", "Lena", "Lead", [Role.LEAD_AUDITOR, Role.AUDITOR], False),
    ("auditor", "Arun", "Auditor", [Role.AUDITOR], False),
    ("reviewer", "Rosa", "Reviewer", [Role.REVIEWER], False),
    # A vendor's contact person; the demo data links them to a vendor (demo/builders.py).
    ("vendor", "Vera", "Vendor", [Role.VENDOR_CONTACT], False),
]


def demo_password():
    """DEMO_PASSWORD when set; otherwise one generated on the first run and kept under var/."""
    if os.environ.get("DEMO_PASSWORD"):
        return os.environ["DEMO_PASSWORD"]
    path = settings.VAR_DIR / "demo_password"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(12))
        path.chmod(0o600)
    return path.read_text().strip()


class Command(BaseCommand):
    help = "Create or refresh the demo accounts and print their log-ins."

    def handle(self, *args, **options):
        ensure_role_groups()
        password = demo_password()
        for username, first, last, roles, staff in DEMO_USERS:
            user, _ = User.objects.get_or_create(username=username)
            user.first_name, user.last_name = first, last
            user.email = f"{username}@example.com"
            user.is_staff = staff
            user.is_active = True
            user.set_password(password)
            user.save()
            user.groups.set(Group.objects.filter(name__in=[str(r) for r in roles]))
        self.stdout.write(f"Demo log-ins (password: {password}):")
        for username, first, last, roles, _ in DEMO_USERS:
            self.stdout.write(f"  {username:<9} {first} {last}: {', '.join(r.label for r in roles)}")
