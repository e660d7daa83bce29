"""The people who can log in at the local provider, and the clients it knows.

An identity is plain data (no import of the platform): `kind` says which client returns
it ("franceconnect": FranceConnect claims, "proconnect": ProConnect claims)."""

CLIENTS = {
    # client_id: (name, kind, secret)
    "franceconnect-local": ("FranceConnect (local)", "franceconnect", "franceconnect-local-secret"),
    "proconnect-local": ("ProConnect (local)", "proconnect", "proconnect-local-secret"),
}

# Where the platform may come back: any port on the loopback hosts (RFC 8252), and the
# Django test client's host.
REDIRECT_HOSTS = ("http://127.0.0.1", "http://localhost", "http://testserver")


def client_secret(kind: str) -> tuple[str, str]:
    """(client_id, secret) of the local client of `kind`."""
    for client_id, (_name, client_kind, secret) in CLIENTS.items():
        if client_kind == kind:
            return client_id, secret
    raise KeyError(kind)


# The identities of the tests (tests/oidc): FranceConnect people and ProConnect agents.
TEST_IDENTITIES = [
    {
        "username": "fc-nouvelle",
        "kind": "franceconnect",
        "given_name": "Angela Claire Louise",
        "family_name": "DUBOIS",
        "birthdate": "1962-08-24",
        "birthplace": "75107",
        "birthcountry": "99100",
        "gender": "female",
        "email": "angela.dubois@example.org",
    },
    {
        "username": "fc-existant",
        "kind": "franceconnect",
        "given_name": "Camille",
        "family_name": "MARTIN",
        "birthdate": "1992-07-14",
        "birthplace": "69123",
        "birthcountry": "99100",
        "gender": "female",
        "email": "camille.martin@example.org",
    },
    {
        "username": "pc-nouveau",
        "kind": "proconnect",
        "given_name": "Jean",
        "usual_name": "BERTRAND",
        "email": "jean.bertrand@travail.gouv.fr",
        "siret": "13002526500013",
        "uid": "pc-1",
    },
    {
        "username": "pc-existant",
        "kind": "proconnect",
        "given_name": "Inès",
        "usual_name": "ROBERT",
        "email": "ines.robert@francetravail.fr",
        "siret": "13000548100010",
        "uid": "pc-2",
    },
]
