from tests.oidc.provider import oidc_provider, oidc_settings  # noqa: F401
