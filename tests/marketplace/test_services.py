"""Matching, review, notifications, answers, closing, digest and limits of the marketplace."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from itou.marketplace import services
from itou.marketplace.enums import AnswerStatus, AreaKind, NeedOutcome, NeedStatus, NotificationMode
from itou.marketplace.models import MarketplaceEvent, Need, NeedRecipient
from itou.marketplace.services import NEEDS_PER_DAY, MarketplaceError
from itou.notifications.models import SentEmail
from tests.helpers import last_email_to
from tests.marketplace.conftest import make_employer, need_fields, post_need


def test_first_need_is_held_then_published_by_staff(buyer, employer, other_employer, sectors, lyon, staff, commit):
    user, organization = buyer
    company, member = employer
    need = commit(post_need, user, organization, [sectors["nettoyage-locaux"]], lyon)
    assert need.status == NeedStatus.PENDING_REVIEW
    assert not NeedRecipient.objects.exists()
    assert "va être vérifié" in last_email_to(user.email).subject

    commit(services.need_review, acting_user=staff, need=need, approve=True)
    need.refresh_from_db()
    assert need.status == NeedStatus.PUBLISHED
    # Vénissieux is 7 km from Lyon (radius 30 km); Lille is not reached.
    assert list(NeedRecipient.objects.values_list("company", flat=True)) == [company.pk]
    email = last_email_to(member.email)
    assert "Nettoyage des bureaux de la mairie annexe" in email.subject
    assert "est publié" in last_email_to(user.email).subject

    # The second need is published at once.
    second = post_need(user, organization, [sectors["nettoyage-locaux"]], lyon, title="Vitres")
    assert second.status == NeedStatus.PUBLISHED
    assert MarketplaceEvent.objects.filter(event="need_published").count() == 2


def test_matching_by_department_and_france(buyer, sectors, lyon, lille, staff):
    by_department, _ = make_employer(
        lille, [sectors["nettoyage-locaux"]], area_kind=AreaKind.DEPARTMENTS, departments=["69"]
    )
    everywhere, _ = make_employer(lille, [sectors["nettoyage-locaux"]], area_kind=AreaKind.FRANCE, name="Partout")
    other_sector, _ = make_employer(lyon, [sectors["espaces-verts"]], name="Verts")
    assert services.need_matching_count(sector_ids=[sectors["nettoyage-locaux"].pk], commune=lyon) == 2
    assert services.need_matching_count(sector_ids=[sectors["espaces-verts"].pk], commune=lyon) == 1
    assert services.need_matching_count(sector_ids=[sectors["espaces-verts"].pk], commune=lille) == 0
    user, organization = buyer
    need = post_need(user, organization, [sectors["nettoyage-locaux"]], lyon)
    services.need_review(acting_user=staff, need=need, approve=True)
    assert set(need.recipients.values_list("company", flat=True)) == {by_department.pk, everywhere.pk}


def test_no_matching_employer_is_refused(buyer, employer, sectors, lille):
    user, organization = buyer
    with pytest.raises(MarketplaceError, match="Aucun employeur inclusif"):
        post_need(user, organization, [sectors["nettoyage-locaux"]], lille)
    assert not Need.objects.exists()


def test_deadline_in_the_past_is_refused(buyer, employer, sectors, lyon):
    user, organization = buyer
    with pytest.raises(MarketplaceError, match="dans le futur"):
        post_need(user, organization, [sectors["nettoyage-locaux"]], lyon, deadline=timezone.localdate())


def test_rate_limit_per_buyer_per_day(buyer, employer, sectors, lyon):
    user, organization = buyer
    for index in range(NEEDS_PER_DAY):
        post_need(user, organization, [sectors["nettoyage-locaux"]], lyon, title=f"Besoin {index}")
    with pytest.raises(MarketplaceError, match="24 heures"):
        post_need(user, organization, [sectors["nettoyage-locaux"]], lyon)
    assert Need.objects.count() == NEEDS_PER_DAY


def test_suspended_buyer_cannot_post(buyer, employer, sectors, lyon, staff):
    user, organization = buyer
    services.buyer_suspend(acting_user=staff, organization=organization, suspend=True)
    organization.refresh_from_db()
    with pytest.raises(MarketplaceError, match="suspendue"):
        post_need(user, organization, [sectors["nettoyage-locaux"]], lyon)
    with pytest.raises(PermissionDenied):
        services.buyer_suspend(acting_user=user, organization=organization, suspend=False)


def test_other_buyer_cannot_post_for_an_organization(buyer, other_buyer, employer, sectors, lyon):
    _user, organization = buyer
    other_user, _ = other_buyer
    with pytest.raises(PermissionDenied):
        post_need(other_user, organization, [sectors["nettoyage-locaux"]], lyon)


def test_answer_then_close_as_won(published_need, buyer, employer, other_buyer, commit):
    company, member = employer
    user, _ = buyer
    recipient = published_need.recipients.get()
    with pytest.raises(MarketplaceError, match="Écrivez un message"):
        services.need_answer(acting_user=member, recipient=recipient, interested=True, message=" ")
    commit(services.need_answer, acting_user=member, recipient=recipient, interested=True, message="En mars.")
    recipient.refresh_from_db()
    assert recipient.answer == AnswerStatus.INTERESTED
    assert "est intéressé" in last_email_to(user.email).subject

    other_user, _ = other_buyer
    with pytest.raises(PermissionDenied):
        services.need_close(acting_user=other_user, need=published_need, outcome=NeedOutcome.WON, winner=company)
    commit(
        services.need_close,
        acting_user=user,
        need=published_need,
        outcome=NeedOutcome.WON,
        winner=company,
        amount=12000,
    )
    published_need.refresh_from_db()
    assert (published_need.status, published_need.winner, published_need.amount) == (NeedStatus.CLOSED, company, 12000)
    assert "Vous avez été retenu" in last_email_to(member.email).subject
    with pytest.raises(MarketplaceError, match="clos"):
        services.need_answer(acting_user=member, recipient=recipient, interested=False, message="")
    with pytest.raises(services.NEED_MACHINE.not_allowed):
        services.need_close(acting_user=user, need=published_need, outcome=NeedOutcome.ABANDONED)


def test_winner_must_have_said_interested(published_need, buyer, employer):
    company, _ = employer
    user, _ = buyer
    with pytest.raises(MarketplaceError, match="intéressés"):
        services.need_close(acting_user=user, need=published_need, outcome=NeedOutcome.WON, winner=company)


def test_daily_digest_and_pause(buyer, sectors, lyon, venissieux, staff, commit):
    digest_company, digest_member = make_employer(
        venissieux, [sectors["nettoyage-locaux"]], mode=NotificationMode.DIGEST
    )
    _paused, paused_member = make_employer(
        venissieux, [sectors["nettoyage-locaux"]], mode=NotificationMode.PAUSED, name="P"
    )
    user, organization = buyer
    need = post_need(user, organization, [sectors["nettoyage-locaux"]], lyon)
    commit(services.need_review, acting_user=staff, need=need, approve=True)
    commit(post_need, user, organization, [sectors["nettoyage-locaux"]], lyon, title="Vitres")
    assert not SentEmail.objects.filter(to__contains=[digest_member.email]).exists()
    assert commit(services.digests_send) == 1
    assert "2 nouveaux besoins" in last_email_to(digest_member.email).subject
    assert not SentEmail.objects.filter(to__contains=[paused_member.email]).exists()
    assert services.digests_send() == 0  # sent once


def _image_upload(fmt="PNG", size=(2400, 1600)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (20, 120, 60)).save(buffer, format=fmt)
    return SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")


def test_image_checked_by_content_and_resized():
    data = services.image_process(_image_upload())
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "JPEG" and max(image.size) == services.IMAGE_MAX_PIXELS
    fake = SimpleUploadedFile("logo.png", b"%PDF-1.4 not an image", content_type="image/png")
    with pytest.raises(ValidationError, match="pas une image"):
        services.image_process(fake)


def test_attachment_check():
    with pytest.raises(ValidationError, match="n'est pas un PDF"):
        services.attachment_check(SimpleUploadedFile("cahier.pdf", b"GIF89a......", content_type="application/pdf"))
    big = SimpleUploadedFile("gros.pdf", b"%PDF-1.4\n" + b"0" * (5 * 1024 * 1024), content_type="application/pdf")
    with pytest.raises(ValidationError, match="dépasse 5 Mo"):
        services.attachment_check(big)


def test_deadline_property_uses_dates(buyer, employer, sectors, lyon):
    user, organization = buyer
    need = post_need(user, organization, [sectors["nettoyage-locaux"]], lyon)
    assert need.deadline == need_fields()["deadline"] > timezone.localdate() - datetime.timedelta(days=1)


def test_daily_digest_is_a_periodic_task():
    from procrastinate.contrib.django import app

    assert "marketplace_daily_digest" in app.tasks
