from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models

from .roles import ROLE_ORDER, Role


class User(AbstractUser):
    """A person with a personal log-in. Users who have records are deactivated, never deleted,
    so that their signatures and audit-trail entries keep pointing at them."""

    language = models.CharField(
        max_length=10,
        blank=True,
        choices=settings.LANGUAGES,
        help_text="The language of the pages; empty: the browser's.",
    )

    class Meta:
        ordering = ["username"]

    @property
    def full_name(self) -> str:
        return self.get_full_name() or self.username

    @property
    def roles(self) -> list[str]:
        """Role names in a fixed order; cached per instance because every page asks."""
        if not hasattr(self, "_roles"):
            names = {group.name for group in self.groups.all()} if self.pk else set()
            self._roles = [r for r in ROLE_ORDER if r in names]
        return self._roles

    def has_role(self, role: Role | str) -> bool:
        return self.is_active and str(role) in self.roles
