"""Public JSON endpoints for the autocomplete fields (itou/static/itou/js/combobox.js).

GET ?q=… answers {"results": [{"id": …, "label": …, …}]} with at most 10 results, in
one SQL query; a query shorter than 2 characters answers an empty list without any.
"""

from django.http import JsonResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from itou.www.autocomplete.search import appellations_autocomplete, communes_autocomplete

# Reference data changes a few times a year: let the browser reuse answers while the user
# types and erases.
CACHE_SECONDS = 60 * 60


def _results(results: list[dict]) -> JsonResponse:
    return JsonResponse({"results": results}, json_dumps_params={"ensure_ascii": False})


@require_GET
@cache_control(max_age=CACHE_SECONDS)
def communes(request):
    return _results(communes_autocomplete(request.GET.get("q", "")))


@require_GET
@cache_control(max_age=CACHE_SECONDS)
def appellations(request):
    return _results(appellations_autocomplete(request.GET.get("q", "")))
