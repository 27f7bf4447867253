"""API tokens end with the credentials they were issued for: a user's token is revoked when the
user is deactivated or their password is changed (and on lock-out, accounts/lockout.py)."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import User


@receiver(post_save, sender=User, dispatch_uid="accounts.signals.revoke_tokens")
def revoke_tokens(sender, instance, raw=False, **kwargs):
    """`_password` is what Django's `set_password()` leaves for the save that stores it (and for
    the password validators' `password_changed`); a hash upgraded at log-in is no change."""
    from rest_framework.authtoken.models import Token

    if raw:
        return
    if not instance.is_active or getattr(instance, "_password", None) is not None:
        Token.objects.filter(user_id=instance.pk).delete()
