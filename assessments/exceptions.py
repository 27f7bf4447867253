"""Why a step of the lifecycle or a signature is refused; the API maps each to its status code
(config/exceptions.py: 409 for conflicts, 403 for what the user may not do, 400 for bad input)."""

from config.exceptions import ConflictError, InvalidInput, NotAllowed


class TransitionRefused(ConflictError):
    """The step is not allowed now; `problems` lists why."""


class RecordLocked(ConflictError):
    """Approved and cancelled assessments are read-only."""


class ReasonRequired(InvalidInput):
    """A step or a change that must say why (the audit trail keeps the reason)."""

    def __init__(self, message="A reason for the change is required once the assessment has been submitted."):
        self.message = message
        super().__init__({"reason": [message]})


class NotPermitted(NotAllowed):
    """The user's role or place on the team does not allow this step."""


class SignatureRefused(NotAllowed):
    """Wrong password or not allowed to sign: the API answers 403."""
