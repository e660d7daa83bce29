from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "itou.www.search"
    label = "www_search"
