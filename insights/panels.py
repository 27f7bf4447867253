"""The vendor page's assessment history, score over time and findings trend (server-side SVG,
the same charts as in the PDF), registered on the registry's vendor page. The history is
paginated with the vendor page's own `?page=`."""

from django.template.loader import render_to_string

from config import charts
from config.pagination import query_without_page
from vendors import panels

from . import trends
from .vocabulary import FINDING_CLASSES


@panels.register
def vendor_history(request, vendor):
    trend = trends.vendor_trend(request.user, vendor, request.GET.get("page"))
    context = {
        "vendor": vendor,
        "trend": trend,
        "page_obj": trend.history,
        "query_without_page": query_without_page(request),
        "trend_size": trends.TREND_SIZE,
        "score_chart": charts.score_line(trend.score_points, title="Overall score of approved assessments"),
        "findings_chart": charts.finding_bars(
            [{"label": a.date.isoformat(), "counts": a.finding_counts} for a in trend.approved]
        ),
        "finding_classes": FINDING_CLASSES,
    }
    return render_to_string("insights/_vendor_history.html", context, request=request)
