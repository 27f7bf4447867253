"""What any endpoint accepts as input, checked before a view sees it: no NUL character in a text
value (PostgreSQL cannot store one), JSON no deeper than MAX_JSON_DEPTH, numbers that fit the
database. Used by the request middleware (query strings, form posts) and the API's parsers (JSON
and form bodies), so that bad input is a 400 naming the field, never a 500."""

import math

#: Deeper JSON than this is refused. The API's deepest documented body is three levels (a list of
#: answers, each a mapping); checklist scoring settings are four.
MAX_JSON_DEPTH = 64
#: Integers beyond 64 bits fit no column and lose precision in every JSON client.
MAX_JSON_INTEGER = 2**63 - 1

NUL_MESSAGE = "Null characters are not allowed."
DEPTH_MESSAGE = f"The JSON body is nested more than {MAX_JSON_DEPTH} levels deep."
NUMBER_MESSAGE = "The number is out of range."


class BadInput(Exception):
    """`field` names where the problem is: a form field, a query parameter, or a JSON path such
    as `answers[0].value` (`[0].value` for an item of a top-level list)."""

    def __init__(self, field: str, message: str):
        self.field = field or "body"
        self.message = message
        super().__init__(f"{self.field}: {message}")

    def as_dict(self) -> dict[str, list[str]]:
        return {self.field: [self.message]}


def check_querydict(data, kind: str = "") -> None:
    """A query string or a form body: NUL in a name or a value raises BadInput."""
    for key, values in data.lists():
        if "\x00" in key:
            raise BadInput(kind or "parameter name", NUL_MESSAGE)
        for value in values:
            if isinstance(value, str) and "\x00" in value:
                raise BadInput(key, NUL_MESSAGE)


def _path(parts: list) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def check_json(value) -> None:
    """A parsed JSON document: raises BadInput at the first NUL in a key or a string, the first
    number out of range, or a nesting deeper than MAX_JSON_DEPTH."""
    path: list = []

    def walk(node, depth):
        if isinstance(node, str):
            if "\x00" in node:
                raise BadInput(_path(path), NUL_MESSAGE)
        elif isinstance(node, bool) or node is None:
            return
        elif isinstance(node, int):
            if abs(node) > MAX_JSON_INTEGER:
                raise BadInput(_path(path), NUMBER_MESSAGE)
        elif isinstance(node, float):
            if not math.isfinite(node):
                raise BadInput(_path(path), NUMBER_MESSAGE)
        elif isinstance(node, (dict, list)):
            if depth > MAX_JSON_DEPTH:
                raise BadInput(_path(path[:1]), DEPTH_MESSAGE)  # the top-level field it is in
            items = node.items() if isinstance(node, dict) else enumerate(node)
            for key, child in items:
                path.append(key)
                if isinstance(key, str) and "\x00" in key:
                    raise BadInput(_path(path[:-1]) or "body", NUL_MESSAGE)
                walk(child, depth + 1)
                path.pop()

    walk(value, 1)
