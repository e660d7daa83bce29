"""Screens of the marketplace: each with its owner, and another organization's user or
buyer who gets 404 (403 when the person may know the page exists but not use it)."""

import datetime
import io

import pytest
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from PIL import Image

from itou.companies.enums import CompanyKind
from itou.geo.models import Department
from itou.invitations.services import NewAccount
from itou.marketplace import services
from itou.marketplace.enums import AnswerStatus, NeedStatus
from itou.marketplace.models import BuyerList, CommercialProfile, Need, NeedAttachment
from itou.users.models import User
from itou.utils import pagecache
from tests.companies.factories import login_as_staff
from tests.helpers import last_email_to, run_pending_jobs
from tests.institutions.factories import InstitutionFactory
from tests.marketplace.conftest import make_buyer, make_employer
from tests.users.factories import JobSeekerFactory

PDF = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\n"
    b"endobj\nxref\n0 3\n0000000000 65535 f \n0000000009 00000 n \n0000000058 00000 n \ntrailer\n<< /Size 3 /Root 1 0 R >>\n"
    b"startxref\n110\n%%EOF\n"
)


def need_post(sectors, commune, /, **overrides):
    data = {
        "title": "Nettoyage des bureaux",
        "kind": "quote",
        "sectors": [sectors["nettoyage-locaux"].pk],
        "commune": commune.name,
        "commune_code": commune.code,
        "deadline": (timezone.localdate() + datetime.timedelta(days=20)).isoformat(),
        "description": "Trois passages par semaine.",
        "budget_band": "lt40k",
        "action": "check",
    }
    data.update(overrides)
    return data


# Commercial profile ---------------------------------------------------------------------


def test_profile_edit_creates_and_publishes(client, venissieux, sectors):
    company, member = make_employer(venissieux, [sectors["nettoyage-locaux"]])
    CommercialProfile.objects.all().delete()
    client.force_login(member)
    url = reverse("marketplace:profile")
    assert client.get(url).status_code == 200
    image = io.BytesIO()
    Image.new("RGB", (50, 40), (200, 10, 10)).save(image, format="PNG")
    data = {
        "sectors": [sectors["nettoyage-locaux"].pk, sectors["vitrerie"].pk],
        "offer": "Bureaux et vitres.",
        "area_kind": "radius",
        "radius_km": "25",
        "contact_name": "N. Girard",
        "contact_email": "vente@jardins.example",
        "notification_mode": "digest",
        "is_published": "on",
        "image_file": SimpleUploadedFile("logo.png", image.getvalue(), content_type="image/png"),
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    profile = CommercialProfile.objects.get(company=company)
    assert profile.is_published and profile.notification_mode == "digest" and profile.image
    assert set(profile.sectors.values_list("code", flat=True)) == {"nettoyage-locaux", "vitrerie"}
    # The public page shows it; the image is served with its content type, not sniffed.
    html = client.get(reverse("companies:detail", args=[company.pk])).content.decode()
    assert "Offre commerciale" in html and "Bureaux et vitres." in html
    response = client.get(reverse("marketplace:profile_image", args=[company.pk]))
    assert response["Content-Type"] == "image/jpeg" and response["X-Content-Type-Options"] == "nosniff"


def test_profile_bad_input(client, venissieux, sectors):
    _company, member = make_employer(venissieux, [sectors["nettoyage-locaux"]])
    client.force_login(member)
    data = {
        "sectors": [sectors["nettoyage-locaux"].pk],
        "offer": "x",
        "area_kind": "departments",
        "radius_km": "25",
        "contact_name": "N",
        "contact_email": "n@example.com",
        "notification_mode": "instant",
        "image_file": SimpleUploadedFile("logo.png", b"%PDF-1.4 pas une image", content_type="image/png"),
    }
    response = client.post(reverse("marketplace:profile"), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "Choisissez au moins un département" in errors["departments"][0]
    assert "pas une image" in errors["image_file"][0]


def test_unpublished_image_is_private(client, venissieux, sectors):
    company, member = make_employer(venissieux, [sectors["nettoyage-locaux"]], is_published=False)
    image = io.BytesIO()
    Image.new("RGB", (20, 20)).save(image, format="PNG")
    services.commercial_profile_save(
        acting_user=member,
        company=company,
        fields={},
        sectors=[sectors["nettoyage-locaux"]],
        image=services.image_process(SimpleUploadedFile("a.png", image.getvalue())),
    )
    url = reverse("marketplace:profile_image", args=[company.pk])
    assert client.get(url).status_code == 404
    other, other_member = make_employer(venissieux, [sectors["nettoyage-locaux"]], name="Autre")
    client.force_login(other_member)
    assert client.get(url).status_code == 404
    client.force_login(member)
    assert client.get(url).status_code == 200
    # Nor is an unpublished profile on the public page.
    assert "Offre commerciale" not in client.get(reverse("companies:detail", args=[company.pk])).content.decode()


@pytest.mark.parametrize("who", ["job_seeker", "buyer", "anonymous"])
def test_employer_pages_are_not_for_others(client, who, published_need):
    if who == "job_seeker":
        client.force_login(JobSeekerFactory())
    elif who == "buyer":
        client.force_login(make_buyer(5)[0])
    for url in (
        reverse("marketplace:profile"),
        reverse("marketplace:employer_needs"),
        reverse("marketplace:employer_need", args=[published_need.pk]),
    ):
        response = client.get(url)
        assert response.status_code == (302 if who == "anonymous" else 404), url


# Needs received by an employer ----------------------------------------------------------


def test_employer_answers_interested(client, published_need, employer, buyer):
    company, member = employer
    client.force_login(member)
    response = client.get(reverse("marketplace:employer_needs"))
    assert published_need.title in response.content.decode()
    url = reverse("marketplace:employer_need", args=[published_need.pk])
    response = client.post(url, {"action": "interested", "message": ""})
    assert "Écrivez un message" in response.content.decode()
    response = client.post(url, {"action": "interested", "message": "Disponibles dès mars."})
    assert response.status_code == 302
    assert published_need.recipients.get().answer == AnswerStatus.INTERESTED


def test_employer_needs_list_in_constant_queries(
    client, buyer, employer, sectors, lyon, staff, django_assert_num_queries
):
    _company, member = employer
    user, organization = buyer
    for index in range(4):
        need = services.need_create(
            acting_user=user,
            organization=organization,
            fields={
                "title": f"Besoin {index}",
                "kind": "quote",
                "deadline": timezone.localdate() + datetime.timedelta(days=5),
                "description": "x",
                "budget_band": "unknown",
            },
            sectors=[sectors["nettoyage-locaux"]],
            commune=lyon,
        )
        if need.status == NeedStatus.PENDING_REVIEW:
            services.need_review(acting_user=staff, need=need, approve=True)
    client.force_login(member)
    client.get(reverse("marketplace:employer_needs"))  # the first visit stores the current organization
    # Session, user, the current organization (one query while the session's one is valid),
    # figures (with the count of the list), profile, the page of needs with their buyer and commune.
    with django_assert_num_queries(6):
        response = client.get(reverse("marketplace:employer_needs"))
    assert len(response.context["page"].object_list) == 4


def test_other_company_cannot_see_or_answer(client, published_need, venissieux, sectors):
    _other, other_member = make_employer(venissieux, [sectors["espaces-verts"]], name="Autre")
    client.force_login(other_member)
    url = reverse("marketplace:employer_need", args=[published_need.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "interested", "message": "x"}).status_code == 404


# Buyers ----------------------------------------------------------------------------------


def test_buyer_signup(client):
    url = reverse("marketplace:buyer_signup")
    assert client.get(url).status_code == 200
    response = client.get(url, {"siret": "123"})
    assert "SIRET" in response.content.decode()
    siret = "73282932000074"
    data = {
        "name": "Mairie de Test",
        "kind": "public",
        "job_title": "Acheteur",
        "first_name": "Paul",
        "last_name": "Durand",
        "email": "paul@mairie.example",
        "password1": "un mot de passe solide",
        "password2": "un mot de passe solide",
    }
    response = client.post(f"{url}?siret={siret}", data)
    assert response.status_code == 302
    user = User.objects.get(email="paul@mairie.example")
    assert user.is_buyer and user.buyer_memberships.get().organization.siret == siret


def test_need_create_check_then_publish(client, buyer, employer, sectors, lyon):
    user, organization = buyer
    client.force_login(user)
    url = reverse("marketplace:need_create")
    assert client.get(url).status_code == 200
    response = client.post(url, need_post(sectors, lyon))
    assert "1 employeur inclusif sera informé" in response.content.decode()
    assert not Need.objects.exists()
    attachment = SimpleUploadedFile("cahier.pdf", PDF, content_type="application/pdf")
    response = client.post(url, need_post(sectors, lyon, action="publish", attachments=[attachment]))
    assert response.status_code == 302
    need = Need.objects.get()
    assert need.status == NeedStatus.PENDING_REVIEW  # the buyer's first
    assert need.attachments.get().name == "cahier.pdf"


@pytest.mark.parametrize(
    "overrides,message",
    [
        ({"deadline": "2020-01-01"}, "doit être dans le futur"),
        ({"attachments": [SimpleUploadedFile("cv.pdf", b"GIF89a", content_type="application/pdf")]}, "pas un PDF"),
        (
            {"attachments": [SimpleUploadedFile("gros.pdf", b"%PDF-1.4\n" + b"0" * (5 * 1024 * 1024 + 1))]},
            "dépasse 5 Mo",
        ),
        ({"commune": "Nullepart", "commune_code": ""}, "Cette commune est inconnue"),
        ({"sectors": []}, "Choisissez au moins un secteur"),
    ],
)
def test_need_create_bad_input(client, buyer, employer, sectors, lyon, overrides, message):
    client.force_login(buyer[0])
    response = client.post(reverse("marketplace:need_create"), need_post(sectors, lyon, action="publish", **overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Need.objects.exists()


def test_need_without_matching_employer_is_told_before_publishing(client, buyer, employer, sectors, lille):
    client.force_login(buyer[0])
    response = client.post(reverse("marketplace:need_create"), need_post(sectors, lille))
    html = response.content.decode()
    assert "Aucun employeur inclusif ne couvre" in html and 'value="publish"' not in html
    response = client.post(reverse("marketplace:need_create"), need_post(sectors, lille, action="publish"))
    assert not Need.objects.exists()


def test_buyer_pages_not_for_professionals(client, employer, published_need):
    client.force_login(employer[1])
    for url in (
        reverse("marketplace:buyer_home"),
        reverse("marketplace:need_create"),
        reverse("marketplace:buyer_need", args=[published_need.pk]),
        reverse("marketplace:lists"),
    ):
        assert client.get(url).status_code == 404, url


def test_buyer_sees_contact_only_after_answer_and_closes(client, published_need, buyer, employer, other_buyer):
    company, member = employer
    user, _ = buyer
    client.force_login(user)
    url = reverse("marketplace:buyer_need", args=[published_need.pk])
    assert "commercial@jardins.example" not in client.get(url).content.decode()
    services.need_answer(acting_user=member, recipient=published_need.recipients.get(), interested=True, message="Oui")
    assert "commercial@jardins.example" in client.get(url).content.decode()

    other_user, _ = other_buyer
    client.force_login(other_user)
    assert client.get(url).status_code == 404
    close_url = reverse("marketplace:need_close", args=[published_need.pk])
    assert client.post(close_url, {"outcome": "won", "winner": company.pk}).status_code == 404

    client.force_login(user)
    response = client.post(close_url, {"outcome": "won", "winner": company.pk, "amount": "15000"})
    assert response.status_code == 302
    published_need.refresh_from_db()
    assert published_need.status == NeedStatus.CLOSED and published_need.winner == company
    assert client.get(url).status_code == 200


def test_attachment_served_to_buyer_and_recipients_only(
    client, published_need, buyer, employer, other_buyer, venissieux, sectors
):
    attachment = NeedAttachment(need=published_need, name="cahier.pdf", size=len(PDF))
    attachment.file.save("x.pdf", io.BytesIO(PDF), save=True)
    url = reverse("marketplace:need_attachment", args=[published_need.pk, attachment.pk])
    for user in (buyer[0], employer[1]):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")
        assert response["X-Content-Type-Options"] == "nosniff"
    _other, other_member = make_employer(venissieux, [sectors["espaces-verts"]], name="Autre")
    for user in (other_buyer[0], other_member, JobSeekerFactory()):
        client.force_login(user)
        assert client.get(url).status_code == 404


# Catalogue and lists ---------------------------------------------------------------------


def test_catalogue_filters_with_distance_in_constant_queries(
    client, employer, other_employer, sectors, lyon, django_assert_num_queries
):
    params = {"commune": "Lyon", "commune_code": lyon.code, "radius": "50", "sectors": [sectors["nettoyage-locaux"].pk]}
    response = client.get(reverse("marketplace:catalogue"), params)
    html = response.content.decode()
    assert "Les Jardins du Rhône" in html and "Nord Propreté" not in html and "à 8 km" in html
    for index in range(5):
        make_employer(lyon, [sectors["nettoyage-locaux"]], name=f"Employeur {index}", can_cocontract=True)
    # Count, page, sectors of the page (the filters' choices and the commune are memoized).
    with django_assert_num_queries(3):
        response = client.get(reverse("marketplace:catalogue"), params)
    assert response.context["total"] == 6
    response = client.get(reverse("marketplace:catalogue"), {**params, "cocontracting": "on"})
    assert response.context["total"] == 5
    response = client.get(reverse("marketplace:catalogue"), {"department": "59", "kinds": [CompanyKind.EI]})
    assert response.context["total"] == 1


def test_catalogue_cached_for_visitors_until_a_profile_changes(
    client, settings, employer, sectors, lyon, buyer, django_assert_num_queries, monkeypatch
):
    settings.PAGE_CACHE_SECONDS = 60
    monkeypatch.setattr(pagecache, "VERSION_CHECK_SECONDS", 600)
    company, member = employer
    params = {"commune_code": lyon.code, "radius": "50", "sectors": [sectors["nettoyage-locaux"].pk]}
    first = client.get(reverse("marketplace:catalogue"), params)
    assert "Les Jardins du Rhône" in first.content.decode()
    with django_assert_num_queries(0):
        assert client.get(reverse("marketplace:catalogue"), params).content == first.content
    # Its sectors change: the page is computed again.
    profile = CommercialProfile.objects.get(company=company)
    profile.sectors.set([sectors["espaces-verts"]])
    assert "Les Jardins du Rhône" not in client.get(reverse("marketplace:catalogue"), params).content.decode()
    # A buyer (logged in) never gets the visitors' page.
    client.force_login(buyer[0])
    response = client.get(reverse("marketplace:catalogue"), params)
    assert "private" in response["Cache-Control"] and response.context["is_buyer"]
    profile.sectors.set([sectors["nettoyage-locaux"]])
    html = client.get(reverse("marketplace:catalogue"), params).content.decode()
    assert f'action="{reverse("marketplace:list_add", args=[company.pk])}"' in html
    assert f'href="{reverse("companies:detail", args=[company.pk])}"' in html


def test_lists_add_and_export(client, buyer, other_buyer, employer):
    company, _ = employer
    user, organization = buyer
    client.force_login(user)
    response = client.post(reverse("marketplace:list_add", args=[company.pk]), {"list_name": "Nettoyage 2027"})
    assert response.status_code == 302
    buyer_list = BuyerList.objects.get(organization=organization)
    csv = b"".join(client.get(reverse("marketplace:list_export", args=[buyer_list.pk, "csv"])).streaming_content)
    assert "Les Jardins du Rhône" in csv.decode()
    response = client.get(reverse("marketplace:list_export", args=[buyer_list.pk, "xlsx"]))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [cell.value for cell in next(sheet.iter_rows())][0] == "Nom"
    client.force_login(other_buyer[0])
    assert client.get(reverse("marketplace:list_detail", args=[buyer_list.pk])).status_code == 404
    assert client.get(reverse("marketplace:list_export", args=[buyer_list.pk, "csv"])).status_code == 404


def test_buyer_members_of_own_organization_only(client, buyer, other_buyer, employer, django_assert_num_queries):
    user, organization = buyer
    colleague = services.buyer_signup(
        new_account=NewAccount(email="colleague@example.com", first_name="Paul", last_name="Durand", password="x" * 12),
        siret=organization.siret,
        name="ignoré",
        kind=organization.kind,
        commune=None,
        job_title="Juriste",
    )
    assert colleague.organization == organization
    membership = colleague.user.buyer_memberships.get()
    services.buyer_member_decide(acting_user=user, membership=membership, accept=True)
    url = reverse("marketplace:buyer_members")
    client.force_login(user)
    # Session and user, membership, members.
    with django_assert_num_queries(4):
        response = client.get(url)
    html = response.content.decode()
    assert "Paul Durand" in html and "Juriste" in html and "Administrateur" in html
    assert "acheteur2@example.com" not in html
    # Another organization's buyer sees its own members only; an employer gets 404.
    client.force_login(other_buyer[0])
    html = client.get(url).content.decode()
    assert "acheteur2@example.com" in html and "Paul Durand" not in html
    client.force_login(employer[1])
    assert client.get(url).status_code == 404


def test_joining_an_existing_buyer_organization_waits_for_an_admin(
    client, buyer, other_buyer, published_need, django_capture_on_commit_callbacks
):
    """Knowing a SIRET opens nothing: the newcomer waits until an admin of the
    organization accepts; another organization's admin cannot decide; a refusal leaves
    the account without organization."""
    from itou.marketplace.models import BuyerMembership

    admin, organization = buyer
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("marketplace:buyer_signup") + f"?siret={organization.siret}",
            {
                "name": "ignoré",
                "kind": organization.kind,
                "job_title": "Stagiaire",
                "first_name": "Inconnu",
                "last_name": "Curieux",
                "email": "curieux@example.com",
                "password1": "un mot de passe solide",
                "password2": "un mot de passe solide",
            },
        )
    newcomer = User.objects.get(email="curieux@example.com")
    pending = newcomer.buyer_memberships.get()
    assert pending.organization == organization and not pending.is_active and not pending.is_admin
    # The admins are told.
    run_pending_jobs()
    assert "Inconnu CURIEUX demande à rejoindre" in last_email_to(admin.email).subject

    client.force_login(newcomer)
    home = client.get(reverse("marketplace:buyer_home"))
    assert home.status_code == 200 and "Votre demande est en attente" in home.content.decode()
    assert published_need.title not in home.content.decode()
    assert client.get(reverse("marketplace:buyer_need", args=[published_need.pk])).status_code == 404
    assert client.get(reverse("marketplace:buyer_members")).status_code == 404
    decide = reverse("marketplace:buyer_member_decide", args=[pending.pk])
    assert client.post(decide, {"decision": "accept"}).status_code == 404
    # Another organization's admin: 404, nothing changes.
    client.force_login(other_buyer[0])
    assert client.post(decide, {"decision": "accept"}).status_code == 404
    pending.refresh_from_db()
    assert not pending.is_active
    # The admin sees the request and accepts it.
    client.force_login(admin)
    assert "Demande en attente" in client.get(reverse("marketplace:buyer_members")).content.decode()
    client.post(decide, {"decision": "accept"})
    pending.refresh_from_db()
    assert pending.is_active
    client.force_login(newcomer)
    assert published_need.title in client.get(reverse("marketplace:buyer_home")).content.decode()
    # A second, refused request: the membership goes, the account stays.
    other = services.buyer_signup(
        new_account=NewAccount(email="autre@example.com", first_name="A", last_name="B", password="x" * 12),
        siret=organization.siret,
        name="ignoré",
        kind=organization.kind,
        commune=None,
        job_title="",
    )
    refused = other.user.buyer_memberships.get()
    client.force_login(admin)
    client.post(reverse("marketplace:buyer_member_decide", args=[refused.pk]), {"decision": "refuse"})
    assert not BuyerMembership.objects.filter(pk=refused.pk).exists()
    assert User.objects.filter(pk=other.user.pk).exists()


def test_a_member_who_is_not_admin_cannot_decide_on_a_pending_member(client, buyer):
    from itou.marketplace.models import BuyerMembership

    admin, organization = buyer

    def signup(email):
        return services.buyer_signup(
            new_account=NewAccount(email=email, first_name="A", last_name="B", password="x" * 12),
            siret=organization.siret,
            name="ignoré",
            kind=organization.kind,
            commune=None,
            job_title="",
        )

    member = signup("membre@example.com")
    services.buyer_member_decide(acting_user=admin, membership=member.user.buyer_memberships.get(), accept=True)
    pending = signup("attente@example.com").user.buyer_memberships.get()
    client.force_login(member.user)
    # A plain member sees the active members only, and may not decide.
    assert "attente@example.com" not in client.get(reverse("marketplace:buyer_members")).content.decode()
    decide = reverse("marketplace:buyer_member_decide", args=[pending.pk])
    assert client.post(decide, {"decision": "accept"}).status_code == 403
    assert not BuyerMembership.objects.get(pk=pending.pk).is_active


# Staff and State --------------------------------------------------------------------------


def test_staff_review_page(client, buyer, employer, sectors, lyon):
    user, organization = buyer
    need = services.need_create(
        acting_user=user,
        organization=organization,
        fields={
            "title": "À vérifier",
            "kind": "quote",
            "deadline": timezone.localdate() + datetime.timedelta(days=5),
            "description": "x",
            "budget_band": "unknown",
        },
        sectors=[sectors["nettoyage-locaux"]],
        commune=lyon,
    )
    url = reverse("marketplace:staff_review")
    client.force_login(user)
    assert client.get(url).status_code == 403
    client.force_login(employer[1])
    assert client.post(url, {"action": "approve", "need": need.pk}).status_code == 403
    login_as_staff(client)
    assert "À vérifier" in client.get(url).content.decode()
    assert client.post(url, {"action": "approve", "need": need.pk}).status_code == 302
    need.refresh_from_db()
    assert need.status == NeedStatus.PUBLISHED
    assert client.post(url, {"action": "suspend", "organization": organization.pk}).status_code == 302
    organization.refresh_from_db()
    assert organization.is_suspended


def test_steering_for_state_only(client, published_need, employer):
    institution = InstitutionFactory(department=Department.objects.get(code="69"), with_member=True)
    client.force_login(institution.memberships.get().user)
    response = client.get(reverse("marketplace:steering"))
    assert response.status_code == 200
    assert "Par département" in response.content.decode()
    client.force_login(employer[1])
    assert client.get(reverse("marketplace:steering")).status_code == 403
    client.force_login(JobSeekerFactory())
    assert client.get(reverse("marketplace:steering")).status_code == 403


@pytest.mark.parametrize("bad_next", ["NaN", "-1", "//evil.example", "https://evil.example/", "javascript:alert(1)"])
def test_list_add_with_a_bad_next_goes_to_the_lists(client, buyer, employer, bad_next):
    """Found by the outsiders' probe: a `next` such as "NaN" was reversed as a URL name (500)."""
    client.force_login(buyer[0])
    url = reverse("marketplace:list_add", args=[employer[0].pk])
    response = client.post(url, {"list_name": "Nettoyage 2027", "next": bad_next})
    assert response.status_code == 302 and response["Location"] == reverse("marketplace:lists")
    assert BuyerList.objects.get().items.count() == 1
    response = client.post(url, {"list_name": "Nettoyage 2027", "next": "/marche/catalogue/?page=2"})
    assert response["Location"] == "/marche/catalogue/?page=2"


@pytest.mark.parametrize("company", ["abc", "²", "", "1e3", "-1"])
def test_list_remove_with_a_bad_company_changes_nothing(client, buyer, employer, company):
    """Found by the outsiders' probe: a `company` that is not a number was a 500."""
    user, organization = buyer
    buyer_list = services.buyer_list_add(
        acting_user=user, organization=organization, list_name="A", company=employer[0]
    )
    client.force_login(user)
    response = client.post(reverse("marketplace:list_detail", args=[buyer_list.pk]), {"company": company}, follow=True)
    assert response.status_code == 200
    assert "Choisissez l&#x27;employeur à retirer de la liste." in response.content.decode()
    assert buyer_list.items.count() == 1


def test_lists_are_the_buyers_own(client, buyer, other_buyer, employer):
    company, member = employer
    user, organization = buyer
    buyer_list = services.buyer_list_add(acting_user=user, organization=organization, list_name="A", company=company)
    client.force_login(member)  # a professional has no list
    assert client.post(reverse("marketplace:list_add", args=[company.pk]), {"list_name": "B"}).status_code == 404
    client.force_login(other_buyer[0])
    response = client.post(reverse("marketplace:list_detail", args=[buyer_list.pk]), {"company": company.pk})
    assert response.status_code == 404
    assert buyer_list.items.count() == 1
    # Saving to a list creates it in the buyer's own organization.
    client.post(reverse("marketplace:list_add", args=[company.pk]), {"list_name": "A"})
    assert BuyerList.objects.filter(name="A").count() == 2


# Constant numbers of queries ----------------------------------------------------------------


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_buyer_pages_in_constant_queries(
    client, buyer, employer, sectors, lyon, venissieux, staff, django_assert_num_queries
):
    """The needs of the buyer, a need with its answers, the support's queue and the steering
    figures: as many queries with one row as with several."""
    from tests.marketplace.conftest import post_need

    user, organization = buyer
    company, member = employer
    other_company, other_member = make_employer(venissieux, [sectors["nettoyage-locaux"]], name="Propreté Est")
    first = services.need_review(
        acting_user=staff, need=post_need(user, organization, [sectors["nettoyage-locaux"]], lyon), approve=True
    )
    # A new buyer's first need waits for the support.
    newcomer, newcomer_organization = make_buyer(3, name="Commune nouvelle")
    post_need(newcomer, newcomer_organization, [sectors["espaces-verts"]], lyon)
    services.need_answer(
        acting_user=member, recipient=first.recipients.get(company=company), interested=True, message="Oui."
    )
    institution = InstitutionFactory(department=Department.objects.get(code="69"), with_member=True)
    urls = {
        user: [reverse("marketplace:buyer_home"), reverse("marketplace:buyer_need", args=[first.pk])],
        staff: [reverse("marketplace:staff_review")],
        institution.memberships.get().user: [reverse("marketplace:steering")],
    }

    def counts():
        result = []
        for person, person_urls in urls.items():
            if person.is_staff:
                login_as_staff(client)
            else:
                client.force_login(person)
            client.get(person_urls[0])  # the first visit stores the current organization
            caches["pages"].clear()  # the steering figures are kept 10 minutes
            result += [_queries(client, url) for url in person_urls]
        return result

    small = counts()
    # The needs list, a need with its answers, the queue, the steering figures (session, user
    # and current organization included): whatever the number of rows.
    assert small == [6, 8, 5, 8]
    # More of everything: needs in other sectors, answers, needs held for review.
    services.need_answer(
        acting_user=other_member,
        recipient=first.recipients.get(company=other_company),
        interested=True,
        message="Nous aussi.",
    )
    for index in range(3):
        post_need(user, organization, [sectors["nettoyage-locaux"], sectors["espaces-verts"]], lyon, title=f"B{index}")
        newcomer, newcomer_organization = make_buyer(10 + index, name=f"Nouvel acheteur {index}")
        post_need(newcomer, newcomer_organization, [sectors["espaces-verts"]], venissieux)
    assert Need.objects.filter(status=NeedStatus.PENDING_REVIEW).count() == 4
    assert first.recipients.filter(answer=AnswerStatus.INTERESTED).count() == 2
    assert counts() == small
    # The institution's user is logged in last: its figures now come from the cache.
    assert _queries(client, reverse("marketplace:steering")) == small[3] - 5
    client.force_login(user)
    with django_assert_num_queries(small[0]):
        response = client.get(urls[user][0])
    assert len(response.context["page"].object_list) == 4
