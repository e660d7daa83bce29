"""The outsiders' probe: every role against every URL (docs/securite.md, « Sonde des intrus »).

The whole URLconf is walked (`OBJECT_URLS` and `SCOPE_URLS` below must name every pattern: a new URL without an
entry fails `test_every_url_is_in_the_table`). Each URL is filled with side A's objects
(tests/security/world.py) and requested in GET and in POST (empty body) by anonymous and by
every side-B role (on the pages without an object: POST by anonymous only, and not by
the `SCOPE_TWINS`). The rules:

- never a 500;
- a URL that points at one of side A's objects (`args`) never answers 2xx to side B
  (302, 401, 403, 404, 405, 429 are fine), unless `shared` says why it may;
- no answer to side B contains one of side A's private strings (`world.SECRETS`);
- side B's POSTs change none of side A's rows (a fingerprint of the main tables);
- side A's own user (`owner`) gets `status` (200 by default) in GET: the fill is right.

The admin (`admin:*`, ~300 patterns) is only for the support team: every non-staff role
gets a redirection to the admin's login page.
"""

import dataclasses

import pytest
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.security.world import SECRETS

# --------------------------------------------------------------------------------------
# Roles
# --------------------------------------------------------------------------------------

# Side B: they must see nothing of side A.
INTRUDERS = (
    "anonymous",
    "employer_b",
    "employer_b_member",
    "prescriber_b",
    "orienteur_b",
    "ddets_b",
    "dreets_b",
    "job_seeker_b",
    "buyer_b",
)


# On the pages without an object these roles see what their twin sees (employer_b,
# prescriber_b, ddets_b): they are swept on the object URLs only (keeps the sweep fast).
SCOPE_TWINS = {"employer_b_member", "orienteur_b", "dreets_b"}


@dataclasses.dataclass(frozen=True)
class U:
    """One URL of the table.

    owner: the side-A role that uses the page (GET answers `status` to it), None when no
      role of the world opens it in GET (a POST-only action, a page off in tests…);
    args: how to fill its converters from the world (w) and the run (r);
    shared: why side B may get a 2xx on this object URL (a link that is a secret itself, a
      public page); None: it may not.
    """

    owner: str | None = None
    status: int | tuple = 200
    args: object = None
    shared: str | None = None
    secrets: tuple = ()  # side A's strings this page may show to whoever holds its link
    writes: str | None = None  # why side B's POST may change side A's rows


def pk(attr):
    return lambda w, r: {"pk": getattr(w, attr).pk}


# Object URLs: their converters are filled with side A's objects.
OBJECT_URLS = {
    # Signup by SIRET: the company and organization pages are public by design.
    "signup:employer_send_link": U(
        None, args=lambda w, r: {"company_pk": w.company_a.pk}, shared="envoie le lien à l'adresse officielle"
    ),
    "signup:employer_link": U(
        None, args=lambda w, r: {"token": "jeton-inconnu"}, shared="jeton inconnu : page « lien invalide »"
    ),
    "signup:prescriber_join": U(
        None,
        args=lambda w, r: {"organization_pk": w.prescriber_org_a.pk},
        shared="inscription : page publique",
        writes="tout professionnel peut demander à rejoindre une organisation (une demande d'adhésion)",
    ),
    "signup:oidc_callback": U(None, args=lambda w, r: {"provider_id": "proconnect"}),
    "account_confirm_email": U(
        None, args=lambda w, r: {"key": "cle-inconnue"}, shared="clé inconnue : page « lien invalide » d'allauth"
    ),
    "account_reset_password_from_key": U(
        None,
        args=lambda w, r: {"uidb36": "1", "key": "cle-inconnue"},
        shared="clé inconnue : page « lien invalide » d'allauth",
    ),
    "openid_connect_login": U(None, args=lambda w, r: {"provider_id": "proconnect"}),
    "openid_connect_callback": U(None, args=lambda w, r: {"provider_id": "proconnect"}),
    # Companies
    "companies:detail": U("employer_a", args=pk("company_a"), shared="fiche publique de la structure"),
    "companies:job_description_detail": U("employer_a", args=pk("job_description"), shared="fiche de poste publique"),
    "companies:job_description_update": U("employer_a", args=pk("job_description")),
    "companies:job_description_open": U(None, args=pk("job_description")),
    "companies:job_description_close": U(None, args=pk("job_description")),
    "companies:job_description_move": U(None, args=pk("job_description")),
    # Members
    "members:promote": U(None, args=lambda w, r: {"membership_pk": r.member_a_membership}),
    "members:demote": U(None, args=lambda w, r: {"membership_pk": r.member_a_membership}),
    "members:deactivate": U(None, args=lambda w, r: {"membership_pk": r.member_a_membership}),
    "members:join_request_accept": U(None, args=lambda w, r: {"join_request_pk": w.join_request.pk}),
    "members:join_request_decline": U(None, args=lambda w, r: {"join_request_pk": w.join_request.pk}),
    "members:invitation_cancel": U(None, args=lambda w, r: {"invitation_pk": w.invitation.pk}),
    "invitations:accept": U(
        "anonymous",
        args=lambda w, r: {"token": w.invitation.token},
        shared="le lien d'invitation est lui-même le secret (signé, envoyé par e-mail à l'invité)",
        secrets=("invitation",),
    ),
    # Apply journey: the flow lives in the owner's session.
    "apply:start": U(
        "prescriber_a", status=302, args=lambda w, r: {"company_pk": w.company_a.pk}, shared="tout le monde postule"
    ),
    "apply:person": U("prescriber_a", args=lambda w, r: {"flow_id": r.flow_id}),
    "apply:person_confirm": U("prescriber_a", status=(200, 302), args=lambda w, r: {"flow_id": r.flow_id}),
    "apply:person_create": U("prescriber_a", status=(200, 302), args=lambda w, r: {"flow_id": r.flow_id}),
    "apply:complete_profile": U("prescriber_a", status=(200, 302, 404), args=lambda w, r: {"flow_id": r.flow_id}),
    "apply:jobs": U("prescriber_a", status=(200, 302), args=lambda w, r: {"flow_id": r.flow_id}),
    "apply:message": U("prescriber_a", status=(200, 302), args=lambda w, r: {"flow_id": r.flow_id}),
    "apply:diagnosis": U("prescriber_a", status=(200, 302), args=lambda w, r: {"flow_id": r.flow_id}),
    "apply:summary": U("prescriber_a", status=(200, 302), args=lambda w, r: {"flow_id": r.flow_id}),
    "apply:cancel": U("prescriber_a", status=(200, 302, 405), args=lambda w, r: {"flow_id": r.flow_id}),
    # Applications
    "applications:detail": U("employer_a", args=pk("application")),
    "applications:resume": U(None, args=pk("application")),
    "applications:add_comment": U(None, args=pk("application")),
    "applications:post_message": U(None, args=pk("application")),
    "applications:message_attachment": U(
        "employer_a", args=lambda w, r: {"pk": w.application.pk, "message_pk": w.message.pk}
    ),
    "applications:action": U("employer_a", args=lambda w, r: {"pk": w.application.pk, "slug": "etudier"}),
    "eligibility:prescriber_application": U("prescriber_a", args=pk("application")),
    "eligibility:prescriber_apply_flow": U("prescriber_a", status=(200, 302), args=lambda w, r: {"flow_id": r.flow_id}),
    "eligibility:accept": U("employer_a", status=(200, 302), args=pk("application")),
    # PASS IAE
    "approvals:request_detail": U("prescriber_a", args=pk("prolongation_request")),
    "approvals:detail": U("employer_a", args=pk("approval")),
    "approvals:suspend": U("employer_a", args=pk("approval")),
    "approvals:prolong": U("employer_a", args=pk("approval")),
    "approvals:suspension_edit": U(
        "employer_a", args=lambda w, r: {"pk": w.approval.pk, "suspension_pk": w.suspension.pk}
    ),
    "approvals:suspension_lift": U(
        "employer_a", status=(200, 302, 405), args=lambda w, r: {"pk": w.approval.pk, "suspension_pk": w.suspension.pk}
    ),
    "approvals:suspension_delete": U(
        "employer_a", status=(200, 302, 405), args=lambda w, r: {"pk": w.approval.pk, "suspension_pk": w.suspension.pk}
    ),
    "approvals:attestation": U("job_seeker_a", args=pk("approval")),
    # Employee records
    "employee_records:create": U(
        "employer_a", status=(200, 302, 405), args=lambda w, r: {"hire_pk": w.approval_hire.pk}
    ),
    "employee_records:step": U("employer_a", args=lambda w, r: {"pk": w.employee_record.pk, "step": 1}),
    "employee_records:disable": U(None, args=pk("employee_record")),
    "employee_records:enable": U(None, args=pk("employee_record")),
    # Control
    "control:siae_detail": U("controlled_company_admin", args=pk("controlled_siae")),
    "control:submit": U(None, args=pk("controlled_siae")),
    "control:select_criteria": U("controlled_company_admin", status=405, args=pk("controlled_hire")),
    "control:upload": U("controlled_company_admin", status=405, args=pk("controlled_criterion")),
    "control:proof": U(None, args=pk("controlled_criterion")),
    "control:ddets_campaign": U("ddets_a", args=pk("campaign")),
    "control:ddets_export": U("ddets_a", args=pk("campaign")),
    "control:ddets_siae": U("ddets_a", args=pk("controlled_siae")),
    "control:ddets_validate": U(None, args=pk("controlled_siae")),
    "control:ddets_sanction": U("ddets_a", status=(200, 302), args=pk("controlled_siae")),
    "control:ddets_review": U("ddets_a", status=405, args=pk("controlled_criterion")),
    "control:ddets_comment": U(None, args=pk("controlled_hire")),
    # Activity
    "activity:contract_end": U("employer_a", args=pk("hired_application")),
    "activity:report": U(
        "employer_a", args=lambda w, r: {"year": r.year}, shared="chacun voit le rapport de sa structure"
    ),
    "activity:report_pdf": U(None, args=lambda w, r: {"year": r.year}, shared="chacun voit le rapport de sa structure"),
    "activity:report_xlsx": U(
        None, args=lambda w, r: {"year": r.year}, shared="chacun voit le rapport de sa structure"
    ),
    "activity:ddets_reports": U(
        "ddets_a", args=lambda w, r: {"year": r.year}, shared="chaque DDETS voit les rapports de son département"
    ),
    # Help, support, follow-up
    "help:page": U("anonymous", args=lambda w, r: {"slug": r.help_slug}, shared="page d'aide publique"),
    "help:feedback": U(None, args=lambda w, r: {"slug": r.help_slug}, shared="avis anonyme sur une page d'aide"),
    "support:thread": U(
        "job_seeker_a",
        args=lambda w, r: {"token": w.support_request.access_token},
        shared="le lien envoyé par e-mail est le secret (24 octets aléatoires), il s'ouvre sans connexion "
        "(docs/echanges.md) ; un autre compte connecté reçoit 404",
        secrets=("support",),
    ),
    "support:attachment": U("job_seeker_a", args=lambda w, r: {"message_id": w.support_message.pk}),
    "followup:request_removal": U(None, args=lambda w, r: {"membership_pk": w.followup.pk}),
    "followup:group": U("prescriber_a", args=lambda w, r: {"job_seeker_pk": w.job_seeker_a.pk}),
    "followup:leave": U(None, args=lambda w, r: {"job_seeker_pk": w.job_seeker_a.pk}),
    "dev:email_detail": U(None, args=lambda w, r: {"pk": 1}),  # the dev mailbox is off in tests (404)
    # API
    "api_tokens:revoke": U(None, args=lambda w, r: {"pk": w.api_token_a.token.pk}),
    "api:employer": U(None, args=pk("company_a"), shared="API publique : fiche de la structure"),
    "api:job_description": U(None, args=pk("job_description"), shared="API publique : fiche de poste"),
    "api:approval_verification": U(None, args=lambda w, r: {"numero": w.approval.number}),
    "api:employer_application": U("api_a", args=lambda w, r: {"pk": str(w.application.pk)}),
    "api:employer_application_action": U(None, args=lambda w, r: {"pk": str(w.application.pk), "action": "etudier"}),
    "api:employer_job_description": U("api_a", args=pk("job_description")),
    "api:employer_employee_record": U("api_a", args=pk("employee_record")),
    # Steering statistics (scoped by the user's organization, never by the URL)
    "stats:applications_export": U(
        "ddets_a", args=lambda w, r: {"fmt": "csv"}, shared="chacun exporte le périmètre de son organisation"
    ),
    "stats:steering": U(
        "ddets_a", args=lambda w, r: {"section": "candidatures"}, shared="chacun voit le périmètre de son organisation"
    ),
    "stats:steering_export": U(
        "ddets_a",
        args=lambda w, r: {"section": "candidatures", "key": "received", "fmt": "csv"},
        shared="chacun exporte le périmètre de son organisation",
    ),
    # Marketplace
    "marketplace:profile_image": U(None, args=lambda w, r: {"company_pk": w.company_a.pk}),
    "marketplace:employer_need": U("employer_a", args=pk("need")),
    "marketplace:need_attachment": U(
        "buyer_a", args=lambda w, r: {"pk": w.need.pk, "attachment_pk": w.need_attachment.pk}
    ),
    "marketplace:buyer_need": U("buyer_a", args=pk("need")),
    "marketplace:need_close": U(None, args=pk("need")),
    "marketplace:buyer_member_decide": U(None, args=lambda w, r: {"membership_pk": w.buyer_pending_membership.pk}),
    "marketplace:list_add": U(
        None, args=lambda w, r: {"company_pk": w.company_a.pk}, shared="tout acheteur ajoute une structure publiée"
    ),
    "marketplace:list_detail": U("buyer_a", args=pk("buyer_list")),
    "marketplace:list_export": U("buyer_a", args=lambda w, r: {"pk": w.buyer_list.pk, "fmt": "csv"}),
}

# URLs without an object: each role sees its own scope (secrets still checked).
SCOPE_URLS = {
    "home:index": U("anonymous"),
    "home:accessibility": U("anonymous"),
    "home:legal_notice": U("anonymous"),
    "home:privacy": U("anonymous"),
    "home:sitemap": U("anonymous"),
    "signup:choose_kind": U("anonymous"),
    "signup:employer_siret": U("anonymous"),
    "signup:employer_link_sent": U("anonymous", status=302),
    "signup:employer_support": U("anonymous"),
    "signup:employer_support_sent": U("anonymous", status=302),
    "signup:prescriber_siret": U("anonymous"),
    "signup:prescriber_create": U(None),
    "signup:oidc_link": U(None),
    "account_login": U("anonymous"),
    "account_logout": U(None),
    "account_inactive": U("anonymous"),
    "account_signup": U("anonymous"),
    "account_reauthenticate": U("employer_a"),
    "account_request_reauthentication_code": U(None),
    "account_confirm_reauthentication_code": U(None),
    "account_email": U("employer_a"),
    "account_email_verification_sent": U("anonymous"),
    "account_change_password": U("employer_a"),
    "account_set_password": U(None),
    "account_reset_password": U("anonymous"),
    "account_confirm_login_code": U(None),
    "account_reset_password_from_key_done": U("anonymous"),
    "account_reset_password_done": U("anonymous"),
    "account_request_login_code": U("anonymous"),
    "mfa_index": U("staff"),
    "mfa_authenticate": U(None),
    "mfa_reauthenticate": U(None),
    "mfa_activate_totp": U(None),
    "mfa_deactivate_totp": U(None),
    "mfa_view_recovery_codes": U(None),
    "mfa_generate_recovery_codes": U(None),
    "mfa_download_recovery_codes": U(None),
    "socialaccount_login_cancelled": U("anonymous"),
    "socialaccount_login_error": U("anonymous", status=401),
    "socialaccount_signup": U(None),
    "socialaccount_connections": U(None),
    "comptes/social/login/cancelled/": U(None),
    "comptes/social/login/error/": U(None),
    "comptes/social/signup/": U(None),
    "comptes/social/connections/": U(None),
    "dashboard:index": U("employer_a"),
    "dashboard:profile": U("job_seeker_a"),
    "dashboard:switch_organization": U(None),
    "dashboard:personal_data": U("job_seeker_a"),
    "dashboard:personal_data_download": U("job_seeker_a", status=405),
    "dashboard:personal_data_delete": U("job_seeker_a", status=405),
    "search:employers": U("anonymous"),
    "search:job_descriptions": U("anonymous"),
    "search:prescribers": U("anonymous"),
    "companies:overview": U("employer_a"),
    "companies:edit": U("employer_a"),
    "companies:antenne_create": U("employer_a"),
    "companies:job_description_list": U("employer_a"),
    "companies:job_description_create": U("employer_a"),
    "companies:spontaneous_applications": U(None),
    "members:index": U("employer_a"),
    "members:invite": U("employer_a"),
    "applications:company_list": U("employer_a"),
    "applications:company_archive": U("employer_a"),
    "applications:company_batch": U(None),
    "applications:notification_settings": U("employer_a"),
    "applications:prescriber_list": U("prescriber_a"),
    "applications:job_seeker_list": U("job_seeker_a"),
    "eligibility:prescriber_diagnoses": U("prescriber_a"),
    "approvals:company_list": U("employer_a"),
    "approvals:job_seeker": U("job_seeker_a"),
    "approvals:verify": U("anonymous"),
    "approvals:prescriber_requests": U("prescriber_a"),
    "employee_records:list": U("employer_a"),
    "control:siae_list": U("controlled_company_admin"),
    "control:ddets_index": U("ddets_a"),
    "control:staff_campaigns": U("staff"),
    "activity:report_index": U("employer_a"),
    "help:index": U("anonymous"),
    "support:new": U("anonymous"),
    "support:suggestions": U("anonymous"),
    "support:mine": U("job_seeker_a"),
    "followup:join": U(None),
    "followup:mine": U("job_seeker_a"),
    "autocomplete:communes": U("anonymous"),
    "autocomplete:appellations": U("anonymous"),
    "dev:mailbox": U(None),
    "api_docs": U("anonymous"),
    "api_tokens:list": U("employer_a"),
    "api:schema": U("anonymous"),
    "api:employers": U("anonymous", status=400),  # a search: 400 « paramètre requis » without one
    "api:job_descriptions": U("anonymous", status=400),
    "api:prescribers": U("anonymous", status=400),
    "api:ref_communes": U("anonymous", status=400),
    "api:ref_appellations": U("anonymous", status=400),
    "api:ref_rome_domains": U("anonymous"),
    "api:ref_criteria": U("anonymous"),
    "api:department_applications": U(None),
    "api:employer_applications": U("api_a"),
    "api:employer_job_descriptions": U("api_a"),
    "api:employer_employee_records": U("api_a"),
    "api:employer_update_notifications": U("api_a"),
    "api:not_found": U(None),
    "stats:public": U("anonymous"),
    "stats:public_csv": U("anonymous"),
    "stats:steering_index": U("ddets_a"),
    "marketplace:catalogue": U("buyer_a"),
    "marketplace:profile": U("employer_a"),
    "marketplace:employer_needs": U("employer_a"),
    "marketplace:buyer_signup": U("anonymous"),
    "marketplace:buyer_home": U("buyer_a"),
    "marketplace:need_create": U("buyer_a"),
    "marketplace:buyer_members": U("buyer_a"),
    "marketplace:lists": U("buyer_a"),
    "marketplace:staff_review": U("staff"),
    "marketplace:steering": U(None),  # a staff role (itou/utils/staff_roles.py), not the superuser
}

# Pages that a role leaves or changes its session with: the client logs in again after them.
SESSION_CHANGING = {"account_logout", "dashboard:switch_organization", "dashboard:personal_data_delete"}

# Tables that no empty POST of side B may write to.
WATCHED_TABLES = (
    "job_applications_jobapplication",
    "job_applications_jobapplicationcomment",
    "approvals_approval",
    "approvals_suspension",
    "approvals_prolongation",
    "approvals_prolongationrequest",
    "employee_records_employeerecord",
    "companies_company",
    "companies_companymembership",
    "companies_jobdescription",
    "prescribers_prescribermembership",
    "invitations_invitation",
    "invitations_joinrequest",
    "control_controlledsiae",
    "control_controlledhire",
    "control_controlledcriterion",
    "activity_contractend",
    "exchanges_applicationmessage",
    "followup_followupmembership",
    "support_supportrequest",
    "support_supportmessage",
    "marketplace_need",
    "marketplace_needrecipient",
    "marketplace_buyermembership",
    "marketplace_buyerlist",
    "marketplace_buyerlistitem",
    "marketplace_commercialprofile",
    "api_apitoken",
)


def fingerprint():
    """How many rows of the watched tables this transaction has written so far (PostgreSQL
    counts them per transaction: one cheap query, whatever the size of the tables)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_xact_user_tables WHERE relname = ANY(%s)",
            [list(WATCHED_TABLES)],
        )
        return dict(cursor.fetchall())


def changed_tables(before, after):
    return sorted(table for table, n in after.items() if n != before.get(table, 0))


# --------------------------------------------------------------------------------------
# The URLconf
# --------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Pattern:
    key: str  # the URL name, or its route when unnamed
    route: str
    converters: tuple


def all_patterns(resolver=None, prefix="", namespace=None):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from all_patterns(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            name = entry.name and (f"{namespace}:{entry.name}" if namespace else entry.name)
            converters = tuple(entry.pattern.regex.groupindex)
            yield Pattern(name or route, route, converters)


def is_admin(pattern):
    return pattern.route.startswith("admin/")


def _table():
    return OBJECT_URLS | SCOPE_URLS


def test_every_url_is_in_the_table():
    """A new URL must say how to fill it and who owns it (docs/securite.md)."""
    table = _table()
    missing = [p.key for p in all_patterns() if not is_admin(p) and p.key not in table]
    assert not missing, f"URLs absentes de tests/security/test_url_sweep.py (OBJECT_URLS ou SCOPE_URLS) : {missing}"
    unknown = set(table) - {p.key for p in all_patterns()}
    assert not unknown, f"Entrées qui ne correspondent plus à aucune URL : {sorted(unknown)}"
    for p in all_patterns():
        if not is_admin(p) and p.converters:
            assert p.key in OBJECT_URLS and OBJECT_URLS[p.key].args, f"{p.key} : dites comment remplir {p.converters}"


# --------------------------------------------------------------------------------------
# The sweep (the world and the clients: tests/security/conftest.py)
# --------------------------------------------------------------------------------------


def url_of(pattern, w, r):
    spec = _table()[pattern.key]
    kwargs = spec.args(w, r) if spec.args else {}
    if pattern.key in ("api:not_found",):
        return "/api/v1/inconnu/"
    if "/" in pattern.key:  # unnamed: its route is the URL
        return "/" + pattern.key
    return reverse(pattern.key, kwargs=kwargs)


def leaks(response):
    if getattr(response, "streaming", False):
        return []
    content = response.content.decode(errors="replace").lower()  # names are often shown in capitals
    return [name for name, secret in SECRETS.items() if secret.lower() in content]


def request(client, method, url, api_token=None):
    extra = {"HTTP_AUTHORIZATION": f"Token {api_token}"} if api_token else {}
    if method == "GET":
        return client.get(url, **extra)
    return client.post(url, {}, **extra)


ALLOWED_REFUSALS = {301, 302, 303, 400, 401, 403, 404, 405, 429}


def sweep_patterns():
    return [p for p in all_patterns() if not is_admin(p)]


def test_side_a_opens_its_own_pages(probe):
    """The fill is right: each URL's owner gets its page (else the sweep would test 404s)."""
    w, cs, r = probe
    problems = []
    for pattern in sweep_patterns():
        spec = _table()[pattern.key]
        if spec.owner is None:
            continue
        url = url_of(pattern, w, r)
        response = cs[spec.owner][0].get(url)
        expected = spec.status if isinstance(spec.status, tuple) else (spec.status,)
        if response.status_code not in expected:
            problems.append(f"propriétaire {spec.owner} GET {url} ({pattern.key}) : {response.status_code}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("role", INTRUDERS)
def test_side_b_gets_nothing_of_side_a(probe, role):
    w, cs, r = probe
    client, user = cs[role]
    api_token = w.api_token_b.secret if role == "employer_b" else None
    problems = []
    for pattern in sweep_patterns():
        spec = _table()[pattern.key]
        url = url_of(pattern, w, r)
        # An empty POST on a page without an object: anonymous only (the owners' POSTs are in
        # test_hostile_input.py); on an object URL: every role.
        if pattern.key not in OBJECT_URLS and role in SCOPE_TWINS:
            continue  # same pages as its twin (a plain member, an orienteur, a DREETS)
        methods = ("GET", "POST") if pattern.key in OBJECT_URLS or role == "anonymous" else ("GET",)
        for method in methods:
            before = fingerprint() if method == "POST" else None
            token = api_token if pattern.key.startswith("api:") else None
            response = request(client, method, url, token)
            status = response.status_code
            where = f"{role} {method} {url} ({pattern.key}) : {status}"
            if status >= 500:
                problems.append(f"ERREUR 500 {where}")
            elif pattern.key in OBJECT_URLS and spec.shared is None and status not in ALLOWED_REFUSALS:
                problems.append(f"ACCÈS {where}")
            if found := [name for name in leaks(response) if name not in spec.secrets]:
                problems.append(f"FUITE {where} : {found}")
            if before is not None and not spec.writes and (tables := changed_tables(before, fingerprint())):
                problems.append(f"ÉCRITURE {where} : {tables}")
            if user is not None and pattern.key in SESSION_CHANGING:
                client.force_login(user)
    assert not problems, "\n".join(problems)


def test_the_leak_detector_sees_a_name_in_capitals():
    """The FUITE check is not blind: side A's name in capitals (as pages show last names)."""
    from django.http import HttpResponse

    assert leaks(HttpResponse(f"<td>Azénor {SECRETS['job_seeker_a'].upper()}</td>")) == ["job_seeker_a"]


def test_the_write_detector_sees_a_write(world):
    """The ÉCRITURE check is not blind: a write to a watched table is seen."""
    before = fingerprint()
    world.job_description.save()
    assert changed_tables(before, fingerprint()) == ["companies_jobdescription"]


@pytest.mark.parametrize("role", ["anonymous", "employer_b"])
def test_the_admin_is_only_for_the_support_team(probe, role):
    """Every admin pattern (~300) sends a non-staff user to the admin's login page."""
    w, cs, _ = probe
    client = cs[role][0]
    problems = []
    for pattern in all_patterns():
        if not is_admin(pattern):
            continue
        route = pattern.route.replace("^", "").replace("$", "")
        for name, value in (("<path:object_id>", str(w.company_a.pk)), ("<int:pk>", str(w.job_seeker_a.pk))):
            route = route.replace(name, value)
        route = route.replace("<path:content_type_id>", "1").replace("<str:action>", "x")
        route = route.replace("(?P<app_label>", "").split("|")[0].replace("(?P<url>.*)", "inconnu/")
        url = "/" + route
        response = client.get(url)
        location = response.get("Location", "")
        if pattern.key == "admin:logout":
            continue  # logging out is for everyone
        if response.status_code not in (301, 302, 403, 404) or (
            response.status_code == 302 and "/login" not in location
        ):
            problems.append(f"{role} GET {url} ({pattern.key}) : {response.status_code} {location}")
    assert not problems, "\n".join(problems)


def test_the_support_team_opens_the_admin(probe):
    w, cs, _ = probe
    client = cs["staff"][0]
    assert client.get("/admin/").status_code == 200
    assert client.get(reverse("admin:users_user_change", args=[w.job_seeker_a.pk])).status_code == 200


# Actions of an organization's admins: its plain members may not (each answers 403, 404 or
# a redirection, and writes nothing).
ADMIN_ACTIONS = (
    "members:promote",
    "members:demote",
    "members:deactivate",
    "members:join_request_accept",
    "members:join_request_decline",
    "members:invitation_cancel",
    "members:invite",
    "companies:edit",
    "api_tokens:list",
    "api_tokens:revoke",
    "marketplace:buyer_member_decide",
)


@pytest.mark.parametrize("role", ["employer_a_member", "buyer_a_pending"])
def test_a_plain_member_cannot_act_as_admin(probe, role):
    w, cs, r = probe
    if role not in cs:
        client, user = Client(), w.buyer_a_pending
        client.force_login(user)
    else:
        client, user = cs[role]
    problems = []
    for key in ADMIN_ACTIONS:
        pattern = next(p for p in all_patterns() if p.key == key)
        url = url_of(pattern, w, r)
        before = fingerprint()
        response = client.post(url, {"email": "x@example.com", "name": "Jeton", "decision": "accept"})
        if response.status_code not in (302, 403, 404, 405) or (tables := changed_tables(before, fingerprint())):
            problems.append(f"{role} POST {url} ({key}) : {response.status_code} {locals().get('tables')}")
    assert not problems, "\n".join(problems)
