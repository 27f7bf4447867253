"""The portal's words: the lead's decision on a vendor response."""

from config.choices import Choices


class ResponseDecision(Choices):
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"
