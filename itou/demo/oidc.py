"""The identities of the local OpenID Connect provider in the demo (`make run`,
devtools/oidc_provider; docs/monde-de-demo.md).

Plain data, read by the provider's own process (no import of the platform): two people
whose address is a demo account's (the first login links them after the demo password),
two who have no account yet (the first login creates it). tests/oidc checks that the
addresses still match the demo world."""

DOMAIN = "inclusion-demo.fr"

IDENTITIES = [
    # FranceConnect (job seekers)
    {
        "username": "lea.martin",
        "kind": "franceconnect",
        "given_name": "Léa",
        "family_name": "MARTIN",
        "birthdate": "1998-04-12",
        "birthplace": "69123",
        "birthcountry": "99100",
        "gender": "female",
        "email": f"lea.martin@{DOMAIN}",
    },
    {
        "username": "nina.roche",
        "kind": "franceconnect",
        "given_name": "Nina Marie",
        "family_name": "ROCHE",
        "birthdate": "2001-09-03",
        "birthplace": "59512",
        "birthcountry": "99100",
        "gender": "female",
        "email": f"nina.roche@{DOMAIN}",
    },
    # ProConnect (professionals)
    {
        "username": "isabelle.moreau",
        "kind": "proconnect",
        "given_name": "Isabelle",
        "usual_name": "MOREAU",
        "email": f"prescripteur.ft@{DOMAIN}",
        "siret": "13000548100010",
        "uid": "demo-1",
    },
    {
        "username": "paul.garnier",
        "kind": "proconnect",
        "given_name": "Paul",
        "usual_name": "GARNIER",
        "email": f"paul.garnier@{DOMAIN}",
        "siret": "13000548100010",
        "uid": "demo-2",
    },
]

# The accounts they link to (checked by tests/oidc/test_demo_identities.py).
LINKED_DEMO_ACCOUNTS = {f"lea.martin@{DOMAIN}", f"prescripteur.ft@{DOMAIN}"}
