from django.apps import AppConfig


class SignupConfig(AppConfig):
    name = "itou.www.signup"
    label = "www_signup"
