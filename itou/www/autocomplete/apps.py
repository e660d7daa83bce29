from django.apps import AppConfig


class AutocompleteConfig(AppConfig):
    name = "itou.www.autocomplete"
    label = "www_autocomplete"
