from django.apps import AppConfig


class EligibilityScreensConfig(AppConfig):
    name = "itou.www.eligibility"
    label = "www_eligibility"
