from django.http import JsonResponse


def communes(request):
    return JsonResponse({"results": []})


def appellations(request):
    return JsonResponse({"results": []})
