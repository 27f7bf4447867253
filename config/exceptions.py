class ConflictError(Exception):
    """A valid request that conflicts with the record's state: locked, stale, or a step out of
    order. The API answers 409 with the message; pages show it to the user."""

    def __init__(self, message: str, problems: list[str] | None = None, **extra):
        self.message = message
        self.problems = list(problems or [])
        self.extra = extra
        super().__init__(self.__str__())

    def __str__(self):
        if not self.problems:
            return self.message
        return self.message + " " + " ".join(self.problems)


class InvalidInput(Exception):
    """Bad input, {field: [messages]}; the API answers 400 and nothing was changed."""

    status_code = 400

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))


class NotAllowed(Exception):
    """The user may not do this (403), whatever the record's state."""
