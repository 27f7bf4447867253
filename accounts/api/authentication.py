from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication


def token_expired(token) -> bool:
    return token.created < timezone.now() - timedelta(hours=settings.API_TOKEN_TTL_HOURS)


class ExpiringTokenAuthentication(TokenAuthentication):
    """API tokens last API_TOKEN_TTL_HOURS (a working day by default), like a browser session
    that ends: a lost token is not a key for ever (Annex 11 §12, 21 CFR 11.300)."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if token_expired(token):
            raise exceptions.AuthenticationFailed("The token has expired; request a new one at /api/auth/token/.")
        return user, token
