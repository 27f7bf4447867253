"""Closed vocabularies in plain Python. Each member is the value stored and carries the label
people read; model and form fields take `X.choices`. Plain enums rather than Django's
TextChoices, so that the pure scoring engine speaks the same words as the models."""

from enum import EnumType, StrEnum, nonmember


def gettext_noop(label: str) -> str:
    """Lists a label for the translation catalogue (makemessages looks for this name) and gives it
    back unchanged: Django's own would make the scoring engine load Django."""
    return label


class _ChoicesType(EnumType):
    @property
    def choices(cls) -> list[tuple[str, str]]:
        return [(member.value, member.label) for member in cls]

    @property
    def values(cls) -> list[str]:
        return [member.value for member in cls]

    @property
    def labels(cls) -> list[str]:
        return [member.label for member in cls]

    def label_of(cls, value) -> str:
        """The label of a stored value where there is no member at hand (a row read with
        `values()`, an export): "" for a blank, the value itself for one outside the vocabulary."""
        if value in (None, ""):
            return ""
        return dict(cls.choices).get(value, str(value))


class Choices(StrEnum, metaclass=_ChoicesType):
    """Members are written `NAME = "value", gettext_noop("Label")`: the label stays the plain str
    that is stored, compared, and sent by the API (`*_display`); gettext_noop only lists it for
    translation, and the pages translate it where they show it (`{% translate x.get_y_display %}`)."""

    do_not_call_in_templates = nonmember(True)

    def __new__(cls, value: str, label: str):
        member = str.__new__(cls, value)
        member._value_ = value
        member._label = label
        return member

    @property
    def label(self) -> str:
        return self._label
