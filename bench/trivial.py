"""The reference of the load test: a trivial Django view behind the same middleware,
served by the same gunicorn as the real pages (`bench.trivial:application`).

Only `bench/urls.py` routes to it; the real `config/urls.py` never does.
"""

import os

from django.http import HttpResponse


def trivial(request):
    return HttpResponse("ok", content_type="text/plain")


def _application():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    from django.core.wsgi import get_wsgi_application

    return get_wsgi_application()


def __getattr__(name):
    # `application` is built on first access (by gunicorn), not when bench.urls imports the view.
    if name == "application":
        global application
        application = _application()
        return application
    raise AttributeError(name)
