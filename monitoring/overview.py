"""Everything shown of an assessment's environmental-monitoring data, gathered once for the EM
page, the API's summary and the report's EM section, so that all three say the same."""

from . import answers, proposals, summary, trends


def overview(assessment, with_charts: bool = True) -> dict:
    data_sets = summary.reviewed_data_sets(assessment)
    summaries = summary.summarise(assessment, data_sets)
    found = proposals.proposals(assessment, summaries)
    em_answers = answers.em_answers(assessment, data_sets)
    return {
        "data_sets": data_sets,
        "summaries": summaries,
        "totals": summary.totals(summaries),
        "proposals": found,
        "open_proposals": [p for p in found if p.decision is None],
        "charts": trends.location_charts(trends.flagged_pairs(summaries)) if with_charts else [],
        "em_answers": em_answers,
        "answers_differ": any(a.differs for a in em_answers),
        "assessment_date": summary.assessment_date(assessment),
        "stale_before": summary.stale_before(assessment),
        "max_charts": trends.MAX_CHARTS,
    }
