from django.shortcuts import render


def index(request):
    return render(request, "home/index.html")


def accessibility(request):
    return render(request, "home/accessibility.html")


def legal_notice(request):
    return render(request, "home/legal_notice.html")


def privacy(request):
    return render(request, "home/privacy.html")


def sitemap(request):
    return render(request, "home/sitemap.html")


def page_not_found(request, exception=None):
    return render(request, "home/404.html", status=404)


def server_error(request):
    return render(request, "home/500.html", status=500)
