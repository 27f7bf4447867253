"""One page of a list, as every list page of the product shows it (templates/includes/pagination.html),
and the answer to a list's filters that do not validate."""

from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest

#: Rows on one page of a list.
LIST_PAGE_SIZE = 25


def query_without_page(request) -> str:
    """The query string without `page`: the page links keep the filters."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def page_of(request, rows, per_page: int = LIST_PAGE_SIZE):
    """(the page of `rows` asked for by `?page=` (the last for a number past it, the first for
    anything that is not a number), the query string without `page`, for the page links)."""
    page = Paginator(rows, per_page).get_page(request.GET.get("page"))
    return page, query_without_page(request)


def invalid_filters(form) -> HttpResponseBadRequest:
    """A 400 naming each filter that did not validate and why: a bad filter changes nothing and
    is never read as "no filter"."""
    problems = "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items())
    return HttpResponseBadRequest(f"Invalid filter: {problems}", content_type="text/plain; charset=utf-8")
