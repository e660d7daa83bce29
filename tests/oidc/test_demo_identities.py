from itou.demo import oidc, world


def test_demo_identities_match_the_demo_world():
    accounts = {account["email"] for account in world.demo_accounts()}
    emails = {identity["email"] for identity in oidc.IDENTITIES}
    assert oidc.DOMAIN == world.DEMO_EMAIL_DOMAIN
    assert accounts >= oidc.LINKED_DEMO_ACCOUNTS
    # The others create their account at their first login.
    assert not (emails - oidc.LINKED_DEMO_ACCOUNTS) & accounts
