"""How long a free-text value may be, said once (the table for people is docs/limits.md).

Every free-text field of the product has one of these caps: a TextField carries it as
`max_length` (so that model forms, the admin and the REST framework's serializers refuse a longer
value) and as a `MaxLengthValidator` (so that `full_clean()` refuses it too: the rule modules,
the CSV import); a CharField has its own `max_length`, which the database enforces as well. Text
that is no model field (the reason for a change, a decision's justification on the way in) is
checked by the rule module that takes it, with `check_length`.

The caps are far above what an auditor writes, and low enough that a record still renders to a
PDF of a few pages and a page of the product stays quick: a 20,000-character finding is about
seven pages of the audit report.
"""

from config.exceptions import InvalidInput

#: A name or a title: a checklist, a criterion.
NAME = 200
#: A person's printed name on a signature or a decision: Django's first and last names (150
#: characters each) and the space between them.
PERSON_NAME = 301
#: One line or a few: a reference to a regulation, the requirement a finding misses, an address,
#: an industry event (which is part of a unique key, and so must fit a database index).
SHORT_TEXT = 500
#: Prose: a description, a comment, a justification, a root cause, a verification, a scope,
#: the text of a text answer, a question and its guidance.
LONG_TEXT = 20_000
#: The reason for a change: kept on every audit-trail entry it explains and shown in every row
#: of the trail and its CSV export; a page of text.
REASON = 5_000


def too_long_message(cap: int, length: int) -> str:
    """The message of every length refusal, naming the cap: the same words as Django's own."""
    return f"Ensure this value has at most {cap} characters (it has {length})."


def check_length(field: str, value, cap: int) -> None:
    """Refuse text longer than `cap` with a 400 naming `field` (InvalidInput); anything that is
    not text is the caller's to refuse."""
    if isinstance(value, str) and len(value) > cap:
        raise InvalidInput({field: [too_long_message(cap, len(value))]})
