"""The certified identity and the provider link in the export and in the anonymization."""

import datetime
import json

from allauth.socialaccount.models import SocialAccount
from django.db import transaction

from itou.audit.export import personal_data
from itou.audit.models import Anonymization
from itou.audit.retention import user_anonymize
from itou.users.enums import IdentityProvider
from itou.users.models import JobSeekerProfile
from itou.users.oidc import certify_identity
from tests.users.factories import JobSeekerFactory

CLAIMS = {
    "given_name": "Angela Claire Louise",
    "family_name": "DUBOIS",
    "birthdate": "1962-08-24",
    "birthplace": "75107",
    "birthcountry": "99100",
}


def _franceconnected():
    user = JobSeekerFactory(email="angela.dubois@example.org")
    SocialAccount.objects.create(user=user, provider="franceconnect", uid="sub-1", extra_data={"userinfo": CLAIMS})
    certify_identity(user, CLAIMS)
    return user


def test_export_lists_the_certified_identity_and_the_link():
    user = _franceconnected()
    data, _files = personal_data(user)
    assert data["profil_candidat"]["identité_certifiée_par"] == "FranceConnect"
    assert data["profil_candidat"]["lieu_de_naissance_code_insee"] == "75107"
    assert data["comptes_relies"][0]["service"] == "franceconnect"
    assert data["comptes_relies"][0]["informations_reçues"]["userinfo"]["family_name"] == "DUBOIS"
    json.dumps(data)


def test_anonymization_removes_the_certified_identity_and_the_link():
    user = _franceconnected()
    profile = JobSeekerProfile.objects.get(user=user)
    assert profile.identity_certified_by == IdentityProvider.FRANCECONNECT
    with transaction.atomic():
        user_anonymize(user=user, reason=Anonymization.Reason.REQUEST)
    profile.refresh_from_db()
    assert not SocialAccount.objects.exists()
    assert (profile.birth_place_code, profile.birth_country_code, profile.identity_certified_by) == ("", "", "")
    assert profile.identity_certified_at is None and profile.birthdate == datetime.date(1962, 1, 1)
