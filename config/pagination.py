"""One page of a list, as every list page of the product shows it (templates/includes/pagination.html)."""

from django.core.paginator import Paginator

#: Rows on one page of a list.
LIST_PAGE_SIZE = 25


def page_of(request, rows, per_page: int = LIST_PAGE_SIZE):
    """(the page of `rows` asked for by `?page=` (the last for a number past it, the first for
    anything that is not a number), the query string without `page`, for the page links)."""
    page = Paginator(rows, per_page).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()
