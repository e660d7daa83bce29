"""Public searches: employers, job descriptions, prescriber organizations (see docs/recherche.md).

GET forms: the URL carries the whole search (shareable, the back button works). An htmx
request (the form changed, a pagination link) gets the results fragment only. Each search
costs 4 SQL queries whatever the page and the number of results: the ROME domains (form
choices), the commune, the count, the page of results (one more for a page number out of
range); a job title adds one, the matching ROME appellations (so 6 at most). The employer
search reads the count by department and the page in one precompiled query (3 in all,
itou.companies.queries.EmployerSearch); the job description search reads its count and its
page's ids in one query (an out-of-range page included), then the page's rows in one
precompiled query (itou.companies.queries.job_description_rows): 4, 5 with a job title. The ROME domains and the commune are memoized.

The employer and job description searches of anonymous visitors are cached whole for a
minute, until an employer or a job description changes (itou.utils.pagecache).
"""

from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from itou.companies.apps import SEARCH_PAGES
from itou.companies.queries import (
    EmployerSearch,
    RankedPage,
    appellation_codes_matching,
    job_description_rows,
    job_descriptions_near_page,
)
from itou.prescribers.queries import authorized_organizations_near
from itou.utils.pagecache import anonymous_page_cache
from itou.www.search.forms import EmployerSearchForm, JobDescriptionSearchForm, PrescriberSearchForm
from itou.www.search.pagination import MAX_PAGE_NUMBER, CountedPaginator

RESULTS_PER_PAGE = 20


def _with_detail_urls(page, url_name: str):
    """Set `detail_url` on each row of the page: the URL reversed once, the identifier put
    in its place (reversing it for each card cost a tenth of the page's rendering)."""
    if page is None:
        return
    marker = 987654321
    before, after = reverse(url_name, kwargs={"pk": marker}).split(str(marker))
    page.object_list = list(page.object_list)
    for row in page.object_list:
        row.detail_url = f"{before}{row.pk}{after}"


def _render(request, template: str, context: dict):
    # A history restore (back button after the htmx cache was dropped) needs the whole page.
    if request.htmx and not request.htmx.history_restore_request:
        template = f"{template}#results"
    response = render(request, template, context)
    # The same URL answers a page or a fragment: caches must keep them apart.
    patch_vary_headers(response, ["HX-Request"])
    return response


def _page_number(value) -> int | None:
    """The page asked for, as Paginator.get_page reads it: not a number → 1; None when out
    of range whatever the count (below 1, or beyond MAX_PAGE_NUMBER)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 1
    return number if 1 <= number <= MAX_PAGE_NUMBER else None


def _search_context(form, page) -> dict:
    context = {"form": form, "page": page, "query": "", "page_range": []}
    if page is not None:
        context["query"] = urlencode(form.query_params())
        context["page_range"] = list(page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1))
    return context


@require_GET
@anonymous_page_cache(SEARCH_PAGES)
def employers(request):
    form = EmployerSearchForm(request.GET)
    page, department_choices = None, []
    if form.is_valid() and form.point:
        data = form.cleaned_data
        search = EmployerSearch(
            form.point,
            data["radius"],
            kinds=data["kinds"],
            rome_domains=data["domains"],
            hiring_only=data["hiring"],
        )
        selected = data["departments"]
        number = _page_number(request.GET.get("page"))
        # The counts and the asked page in one query (the page of a valid number; a number out
        # of range gives no rows: the last page is read then, once the count is known).
        departments, without_department, rows = search.counts_and_page(
            departments=selected,
            by_distance=form.by_distance,
            offset=(number - 1) * RESULTS_PER_PAGE if number else 0,
            limit=RESULTS_PER_PAGE if number else 0,
        )
        if selected:
            count = sum(department.count for department in departments if department.code in selected)
        else:
            count = sum(department.count for department in departments) + without_department
        found = {department.code for department in departments}
        department_choices = [
            {"code": d.code, "label": f"{d.name} ({d.code})", "count": d.count, "checked": d.code in selected}
            for d in departments
        ] + [
            # A department still selected but out of reach now: shown, so that it can be unticked.
            {"code": code, "label": f"Département {code}", "count": 0, "checked": True}
            for code in selected
            if code not in found
        ]
        paginator = CountedPaginator(
            search.results(departments=selected, by_distance=form.by_distance), RESULTS_PER_PAGE, count=count
        )
        if number and (rows or number == 1):
            page = Page(rows, number, paginator)
        else:
            page = paginator.get_page(paginator.num_pages)  # out of range: the last page, one more query
        _with_detail_urls(page, "companies:detail")
    context = _search_context(form, page) | {"department_choices": department_choices}
    return _render(request, "search/employers.html", context)


@require_GET
@anonymous_page_cache(SEARCH_PAGES)
def job_descriptions(request):
    form = JobDescriptionSearchForm(request.GET)
    page = None
    if form.is_valid() and form.point:
        data = form.cleaned_data
        # A job title: the matching appellations first (one query on their GIN index); their
        # codes filter the covering index of the search. No match: no query for rows.
        tsquery = form.appellation_tsquery
        codes = appellation_codes_matching(tsquery) if tsquery else None
        if codes == []:
            ranked = RankedPage([], 0, 1)
        else:
            # One query reads the count and the page's ids on the covering index of the
            # searchable open job descriptions, by point (docs/recherche.md).
            ranked = job_descriptions_near_page(
                form.point,
                data["radius"],
                page_number=request.GET.get("page"),
                per_page=RESULTS_PER_PAGE,
                kinds=data["kinds"],
                rome_domains=data["domains"],
                contract_types=data["contract_types"],
                appellation_codes=codes,
            )
        # The page's rows in one precompiled query, as light rows (what the cards show).
        page = Page(
            job_description_rows(ranked.rows),
            ranked.number,
            CountedPaginator([], RESULTS_PER_PAGE, count=ranked.total),
        )
        _with_detail_urls(page, "companies:job_description_detail")
    return _render(request, "search/job_descriptions.html", _search_context(form, page))


@require_GET
def prescribers(request):
    form = PrescriberSearchForm(request.GET)
    page = None
    if form.is_valid() and form.point:
        paginator = Paginator(
            authorized_organizations_near(form.point, form.cleaned_data["radius"], kinds=form.cleaned_data["kinds"]),
            RESULTS_PER_PAGE,
        )
        page = paginator.get_page(request.GET.get("page"))
    return _render(request, "search/prescribers.html", _search_context(form, page))
