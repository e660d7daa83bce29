"""A real, local OpenID Connect provider standing in for FranceConnect and ProConnect in
tests and in the demo (`python -m devtools.oidc_provider`, docs/comptes.md).

A small Django site of its own (settings, URLs, database) built on django-oauth-toolkit:
authorization code flow with PKCE, RS256-signed ID tokens, userinfo, RP-initiated logout.
Never part of the production site."""
