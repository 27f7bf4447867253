"""Counting rows without reading all of them: where a figure only needs to say "many" (a card
of the home page, the audit trail's list in the admin), the database stops counting one row
past a cap, so the cost of the count no longer grows with the table."""

#: The home page's cards count their rows up to this many; past it they say "more than".
CARD_COUNT_CAP = 1_000


def count_up_to(queryset, cap: int | None = None) -> int:
    """How many rows `queryset` has, counted up to `cap` (by default `CARD_COUNT_CAP`) + 1: a
    result above the cap means "more than" it (the order cannot change a count, so it is dropped)."""
    cap = CARD_COUNT_CAP if cap is None else cap
    return queryset.order_by()[: cap + 1].count()
