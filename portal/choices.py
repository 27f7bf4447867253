"""The portal's words: the lead's decision on a vendor response."""

from django.utils.translation import gettext_noop

from config.choices import Choices


class ResponseDecision(Choices):
    ACCEPTED = "accepted", gettext_noop("Accepted")
    REJECTED = "rejected", gettext_noop("Rejected")
