"""The small checklist the checklist tests build on, in the import format: one definition for
the file tests (a whole document) and the publishing tests (its criteria)."""


def small_criteria():
    """Two criteria: every scored answer type, a condition, all publishable."""
    return [
        {
            "code": "A",
            "title": "Experience",
            "weight": 2,
            "questions": [
                {
                    "code": "A.1",
                    "text": "Are viral vectors handled on site?",
                    "answer_type": "yes_no",
                    "expected_answer": "yes",
                    "guidance": "Ask for the vector list.",
                    "reference": "EU GMP Part IV",
                },
                {
                    "code": "A.2",
                    "text": "GMP batches in the last 3 years?",
                    "answer_type": "numeric",
                    "min_value": 10,
                    "unit": "batches",
                    "weight": 4,
                    "severity": 5,
                    "evidence_required": True,
                },
                {
                    "code": "A.3",
                    "text": "Is replication-competent virus tested?",
                    "answer_type": "compliance",
                    "condition": {"question": "A.1", "equals": "yes"},
                },
            ],
        },
        {
            "code": "B",
            "title": "Quality system",
            "questions": [
                {"code": "B.1", "text": "How mature is the CAPA system?", "answer_type": "maturity"},
                {"code": "B.2", "text": "Anything else?", "answer_type": "text", "required": False},
            ],
        },
    ]


def small_document(code="TEST-CL", version=1):
    """The small checklist as a whole file, with what a file adds: scoring settings, a
    description, an explicit null, an optional scored question and a numeric condition value."""
    criteria = small_criteria()
    a, b = criteria
    a["questions"][1]["max_value"] = None
    b["description"] = "QA independence."
    b["questions"][0]["required"] = False
    b["questions"][1].update(guidance="Free notes.", reference="ICH Q10")
    b["questions"].append(
        {
            "code": "B.2a",
            "text": "Deviation rate?",
            "answer_type": "numeric",
            "min_value": 0,
            "max_value": 2.5,
            "unit": "%",
            "condition": {"question": "B.1", "equals": 3},
        }
    )
    return {
        "format": "cdmo-checklist/1",
        "code": code,
        "name": "Test checklist",
        "version": version,
        "description": "For the tests.",
        "scoring": {
            "rating_thresholds": {"critical_below_overall": 55},
            "requalification_months": {"low": {"low": 48}},
        },
        "criteria": criteria,
    }
