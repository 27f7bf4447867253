"""The portal's words: the lead's decision on a vendor response."""

from config.choices import Choices, gettext_noop


class ResponseDecision(Choices):
    ACCEPTED = "accepted", gettext_noop("Accepted")
    REJECTED = "rejected", gettext_noop("Rejected")
