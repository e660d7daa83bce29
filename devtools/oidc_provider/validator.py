"""FranceConnect-like and ProConnect-like claims, chosen by the client that asks."""

from oauth2_provider.oauth2_validators import OAuth2Validator

from devtools.oidc_provider import identities

FRANCECONNECT_CLAIMS = ("given_name", "family_name", "birthdate", "birthplace", "birthcountry", "gender", "email")
PROCONNECT_CLAIMS = ("given_name", "usual_name", "email", "siret", "uid")

# username -> identity, filled by the entry point (__main__.py) from the chosen identities.
REGISTRY: dict[str, dict] = {}


class Validator(OAuth2Validator):
    # Every claim of the client's kind (the scopes asked are those of the real services).
    oidc_claim_scope = None

    def get_additional_claims(self, request):
        client = getattr(request, "client", None) or request.access_token.application
        kind = identities.CLIENTS.get(client.client_id, ("", ""))[1]
        identity = REGISTRY.get(request.user.username, {})
        names = FRANCECONNECT_CLAIMS if kind == "franceconnect" else PROCONNECT_CLAIMS
        claims = {name: identity[name] for name in names if identity.get(name)}
        if "email" in claims:
            claims["email_verified"] = True
        return claims
