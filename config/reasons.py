"""The reason a signed decision gives (reopening an approved record, disqualifying or reinstating
a vendor) must be "at least a sentence": a word or two does not tell an inspector why."""

from .exceptions import InvalidInput
from .limits import REASON, check_length

MIN_WORDS = 4
MIN_CHARS = 20


def require_sentence(reason, why: str) -> str:
    """The stripped reason, or a 400 naming `reason`; `why` completes "Write at least a sentence
    saying why ..." (e.g. "the approved assessment must be reopened")."""
    check_length("reason", reason, REASON)
    text = reason.strip() if isinstance(reason, str) else ""
    if "\x00" in text:
        raise InvalidInput({"reason": ["The reason must not contain NUL characters."]})
    if len(text) < MIN_CHARS or len(text.split()) < MIN_WORDS:
        raise InvalidInput(
            {
                "reason": [
                    f"Write at least a sentence saying why {why} (at least {MIN_WORDS} words, {MIN_CHARS} characters)."
                ]
            }
        )
    return text
