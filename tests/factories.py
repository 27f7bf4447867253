"""Builders of test data shared by the suite."""


def compliant_answers(checklist, **overrides):
    """One compliant answer per question (conditions satisfied), for filling a whole checklist."""
    items = []
    for q in checklist.questions.all():
        if q.answer_type == "compliance":
            value = "compliant"
        elif q.answer_type == "yes_no":
            value = q.expected_answer
        elif q.answer_type == "maturity":
            value = 4
        elif q.answer_type == "numeric":
            value = float(q.min_value if q.min_value is not None else q.max_value)
        else:
            value = "Noted."
        items.append({"question": q.code, "value": overrides.get(q.code, value)})
    return items
