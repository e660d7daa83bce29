"""Every write of the marketplace (docs/marche.md): keyword-only arguments with the acting
user, permission checked inside, one transaction, a MarketplaceEvent row, emails after commit."""

import datetime
import io
from contextlib import nullcontext
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from PIL import Image, UnidentifiedImageError

from itou.companies.models import Company
from itou.geo.distance import Point
from itou.geo.models import Commune
from itou.invitations.services import EmailTaken, NewAccount
from itou.marketplace import notifications
from itou.marketplace.enums import AnswerStatus, NeedOutcome, NeedStatus, NotificationMode
from itou.marketplace.matching import matching_profiles
from itou.marketplace.models import (
    IMAGE_MAX_SIZE,
    BuyerList,
    BuyerListItem,
    BuyerMembership,
    BuyerOrganization,
    CommercialProfile,
    MarketplaceEvent,
    Need,
    NeedAttachment,
    NeedRecipient,
)
from itou.marketplace.perms import is_company_member
from itou.marketplace.workflow import NEED_MACHINE
from itou.users.enums import UserKind
from itou.users.models import User
from itou.utils.private_files import storing

# Needs one buyer may post in 24 hours (spam and abuse, docs/marche.md).
NEEDS_PER_DAY = 5
IMAGE_MAX_PIXELS = 1200  # longest side once resized
IMAGE_DECOMPRESSION_LIMIT = 40_000_000  # pixels: a bigger image is refused before decoding


class MarketplaceError(Exception):
    """An action that cannot be done; `message` says why in French."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _event(event: str, *, acting_user, need=None, buyer=None, company=None, **data) -> None:
    def pk(value):
        return getattr(value, "pk", value)

    MarketplaceEvent.objects.create(
        acting_user=acting_user,
        event=event,
        need_id=pk(need),
        buyer_id=pk(buyer),
        company_id=pk(company),
        data=data,
    )


# Images -----------------------------------------------------------------------------


def image_process(file) -> bytes:
    """The uploaded logo or photo checked by its content (Pillow decodes it whatever its
    name or announced type), resized to IMAGE_MAX_PIXELS and re-encoded as JPEG, which
    drops anything else the file carried (metadata, trailing data). ValidationError in French."""
    size = getattr(file, "size", None)
    if size is not None and size > IMAGE_MAX_SIZE:
        raise ValidationError("Cette image est trop lourde : 5 Mo au plus.", code="too_big")
    file.seek(0)
    try:
        with Image.open(file) as image:
            if image.format not in ("JPEG", "PNG", "WEBP", "GIF"):
                raise ValidationError("Ce fichier n'est pas une image JPEG, PNG, WebP ou GIF.", code="not_image")
            if image.width * image.height > IMAGE_DECOMPRESSION_LIMIT:
                raise ValidationError("Cette image est trop grande : 40 millions de pixels au plus.", code="too_big")
            image.load()
            image = image.convert("RGB")
            image.thumbnail((IMAGE_MAX_PIXELS, IMAGE_MAX_PIXELS))
            output = io.BytesIO()
            image.save(output, format="JPEG", quality=85, optimize=True)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError, ValueError):
        raise ValidationError(
            "Ce fichier n'est pas une image lisible : joignez un logo ou une photo au format JPEG ou PNG.",
            code="not_image",
        )
    finally:
        file.seek(0)
    return output.getvalue()


# Commercial profile ------------------------------------------------------------------


def commercial_profile_save(
    *, acting_user: User, company: Company, fields: dict, sectors, image: bytes | None = None, remove_image=False
) -> CommercialProfile:
    """Create or update the employer's commercial profile (any active member)."""
    if not is_company_member(acting_user, company):
        raise PermissionDenied
    with transaction.atomic():
        profile = CommercialProfile.objects.select_for_update().filter(company=company).first()
        created = profile is None
        profile = profile or CommercialProfile(company=company)
        for name, value in fields.items():
            setattr(profile, name, value)
        old_image = profile.image.name if profile.image else ""
        if remove_image and image is None:
            profile.image = ""
        # The new image is uploaded first; anything failing below deletes it again.
        upload = storing(profile.image, "image.jpg", ContentFile(image)) if image is not None else nullcontext()
        with upload:
            profile.full_clean(exclude=["company"])
            profile.save()
            profile.sectors.set(sectors)
            _event(
                "profile_created" if created else "profile_updated",
                acting_user=acting_user,
                company=company,
                published=profile.is_published,
            )
        if old_image and old_image != (profile.image.name if profile.image else ""):
            storage, name = profile.image.storage, old_image
            transaction.on_commit(lambda: storage.delete(name))
    return profile


# Buyers ------------------------------------------------------------------------------


@dataclass
class BuyerSignup:
    user: User
    organization: BuyerOrganization


def buyer_signup(
    *, new_account: NewAccount, siret: str, name: str, kind: str, commune: Commune | None, job_title: str
) -> BuyerSignup:
    """A buyer's account, and its organization (joined as a member when the SIRET is
    already registered, created with the buyer as admin otherwise)."""
    email = new_account.email.strip().lower()
    with transaction.atomic():
        from allauth.account.models import EmailAddress

        if (
            User.objects.filter(email__iexact=email).exists()
            or EmailAddress.objects.filter(email__iexact=email).exists()
        ):
            raise EmailTaken()
        user = User(
            email=email,
            first_name=new_account.first_name.strip(),
            last_name=new_account.last_name.strip(),
            kind=UserKind.BUYER,
        )
        user.set_password(new_account.password)
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError:
            raise EmailTaken()
        EmailAddress.objects.create(user=user, email=email, primary=True, verified=False)
        organization = BuyerOrganization.objects.select_for_update().filter(siret=siret).order_by("pk").first()
        is_admin = organization is None
        if organization is None:
            organization = BuyerOrganization.objects.create(siret=siret, name=name.strip(), kind=kind, commune=commune)
        # Joining an existing organization waits for one of its admins: knowing a SIRET
        # must not open an organization's needs, answers and lists.
        membership = BuyerMembership.objects.create(
            user=user, organization=organization, is_admin=is_admin, is_active=is_admin, job_title=job_title
        )
        _event("buyer_signup", acting_user=user, buyer=organization, created=is_admin)
        if not is_admin:
            notifications.member_pending(membership)
    return BuyerSignup(user, organization)


def buyer_member_decide(*, acting_user: User, membership: BuyerMembership, accept: bool) -> None:
    """An active admin of the organization accepts a pending member, or refuses it (the
    membership is deleted; the account stays, without organization)."""
    with transaction.atomic():
        membership = (
            BuyerMembership.objects.select_for_update().select_related("user", "organization").get(pk=membership.pk)
        )
        is_admin = BuyerMembership.objects.active().filter(
            user=acting_user, organization=membership.organization, is_admin=True
        )
        if not is_admin.exists():
            raise PermissionDenied
        if membership.is_active:
            raise MarketplaceError("Cette personne est déjà membre de l'organisation.")
        if accept:
            membership.is_active = True
            membership.joined_at = timezone.now()
            membership.save(update_fields=["is_active", "joined_at"])
        else:
            membership.delete()
        _event(
            "member_accepted" if accept else "member_refused",
            acting_user=acting_user,
            buyer=membership.organization,
            member=membership.user_id,
        )
        notifications.member_decided(membership, accepted=accept)


def buyer_suspend(*, acting_user: User, organization: BuyerOrganization, suspend: bool) -> None:
    """Staff suspend a buyer organization (no new need, its open needs hidden) or lift it."""
    if not acting_user.is_staff:
        raise PermissionDenied
    with transaction.atomic():
        organization = BuyerOrganization.objects.select_for_update().get(pk=organization.pk)
        organization.suspended_at = timezone.now() if suspend else None
        organization.save(update_fields=["suspended_at"])
        _event("buyer_suspended" if suspend else "buyer_unsuspended", acting_user=acting_user, buyer=organization)


# Needs -------------------------------------------------------------------------------


def need_check_buyer(*, acting_user: User, organization: BuyerOrganization) -> None:
    if (
        not acting_user.is_buyer
        or not BuyerMembership.objects.active().filter(user=acting_user, organization=organization).exists()
    ):
        raise PermissionDenied
    if organization.is_suspended:
        raise MarketplaceError(
            "Votre organisation est suspendue : vous ne pouvez plus publier de besoin. Écrivez à l'équipe support."
        )


def need_matching_count(*, sector_ids, commune: Commune) -> int:
    return matching_profiles(
        sector_ids=sector_ids, point=Point(commune.latitude, commune.longitude), department_code=commune.department_id
    ).count()


def need_create(
    *, acting_user: User, organization: BuyerOrganization, fields: dict, sectors, commune: Commune, attachments=()
) -> Need:
    """Post a need. Held for staff review when it is this buyer's first one; published at
    once (and the matching employers told) otherwise. Refused over NEEDS_PER_DAY a day,
    with a deadline in the past, or when no employer matches."""
    need_check_buyer(acting_user=acting_user, organization=organization)
    now = timezone.now()
    if fields["deadline"] <= timezone.localdate():
        raise MarketplaceError("La date limite de réponse doit être dans le futur.")
    sector_ids = [sector.pk for sector in sectors]
    if not need_matching_count(sector_ids=sector_ids, commune=commune):
        raise MarketplaceError(
            "Aucun employeur inclusif ne couvre ces secteurs à cet endroit : élargissez les secteurs ou le lieu."
        )
    with transaction.atomic():
        # The lock serializes the buyer's posts: two at once cannot both pass the daily limit.
        BuyerMembership.objects.select_for_update().filter(user=acting_user, organization=organization).first()
        if Need.objects.filter(created_by=acting_user, created_at__gte=now - datetime.timedelta(days=1)).count() >= (
            NEEDS_PER_DAY
        ):
            raise MarketplaceError(
                f"Vous avez déjà publié {NEEDS_PER_DAY} besoins en 24 heures : réessayez demain, ou écrivez à "
                "l'équipe support si vous en avez davantage."
            )
        reviewed = Need.objects.filter(created_by=acting_user, published_at__isnull=False).exists()
        need = Need.objects.create(
            buyer=organization,
            created_by=acting_user,
            commune=commune,
            department_id=commune.department_id,
            latitude=commune.latitude,
            longitude=commune.longitude,
            status=NeedStatus.PENDING_REVIEW,
            created_at=now,
            **fields,
        )
        need.sectors.set(sectors)
        for upload in attachments:
            attachment = NeedAttachment(need=need, name=upload.name[:200], size=upload.size)
            with storing(attachment.file, "attachment.pdf", upload):
                attachment.save()
        _event("need_created", acting_user=acting_user, need=need, buyer=organization, held=not reviewed)
        if reviewed:
            _publish(need, acting_user=acting_user, now=now)
        else:
            notifications.need_held(need)
    return need


def _publish(need: Need, *, acting_user: User, now) -> int:
    """Publish and create the recipients; email those who want it at once. In the caller's transaction."""
    NEED_MACHINE.check("publish", need.status)
    need.status, need.published_at = NeedStatus.PUBLISHED, now
    need.save(update_fields=["status", "published_at"])
    profiles = list(
        matching_profiles(
            sector_ids=list(need.sectors.values_list("pk", flat=True)),
            point=Point(need.latitude, need.longitude),
            department_code=need.department_id,
        ).values_list("company_id", "notification_mode")
    )
    instant = {company_id for company_id, mode in profiles if mode == NotificationMode.INSTANT}
    NeedRecipient.objects.bulk_create(
        [
            NeedRecipient(
                need=need, company_id=company_id, created_at=now, emailed_at=now if company_id in instant else None
            )
            for company_id, _mode in profiles
        ]
    )
    notifications.need_published(need, company_ids=instant)
    _event("need_published", acting_user=acting_user, need=need, buyer=need.buyer_id, recipients=len(profiles))
    return len(profiles)


def need_review(*, acting_user: User, need: Need, approve: bool) -> Need:
    """Staff approve a held need (published, employers told) or reject it (the buyer is told)."""
    if not acting_user.is_staff:
        raise PermissionDenied
    with transaction.atomic():
        need = Need.objects.select_for_update().select_related("buyer", "created_by").get(pk=need.pk)
        if approve:
            _publish(need, acting_user=acting_user, now=timezone.now())
        else:
            NEED_MACHINE.check("reject", need.status)
            need.status = NeedStatus.REJECTED
            need.save(update_fields=["status"])
            _event("need_rejected", acting_user=acting_user, need=need, buyer=need.buyer)
        notifications.need_reviewed(need, approved=approve)
    return need


def need_answer(*, acting_user: User, recipient: NeedRecipient, interested: bool, message: str) -> NeedRecipient:
    """An employer says it is interested (with a message) or declines; it may change its mind while the need is open."""
    if not is_company_member(acting_user, recipient.company):
        raise PermissionDenied
    with transaction.atomic():
        recipient = NeedRecipient.objects.select_for_update().select_related("need", "company").get(pk=recipient.pk)
        if recipient.need.status != NeedStatus.PUBLISHED:
            raise MarketplaceError("Ce besoin est clos : il n'est plus possible d'y répondre.")
        if interested and not message.strip():
            raise MarketplaceError("Écrivez un message à l'acheteur : ce que vous proposez, vos disponibilités.")
        was_interested = recipient.answer == AnswerStatus.INTERESTED
        recipient.answer = AnswerStatus.INTERESTED if interested else AnswerStatus.DECLINED
        recipient.message = message.strip() if interested else ""
        recipient.answered_at, recipient.answered_by = timezone.now(), acting_user
        recipient.save(update_fields=["answer", "message", "answered_at", "answered_by"])
        _event(
            "need_answered",
            acting_user=acting_user,
            need=recipient.need,
            company=recipient.company,
            answer=recipient.answer,
        )
        if interested and not was_interested:
            notifications.need_answered(recipient)
    return recipient


def need_close(
    *, acting_user: User, need: Need, outcome: str, winner: Company | None = None, amount: int | None = None
) -> Need:
    """The buyer closes the need with its outcome (the winner must be an employer that said it was interested)."""
    need_check_member(acting_user=acting_user, need=need)
    with transaction.atomic():
        need = Need.objects.select_for_update().get(pk=need.pk)
        NEED_MACHINE.check("close", need.status)
        if outcome == NeedOutcome.WON:
            if winner is None or not need.recipients.filter(company=winner, answer=AnswerStatus.INTERESTED).exists():
                raise MarketplaceError("Choisissez l'employeur retenu parmi ceux qui se sont dits intéressés.")
        else:
            winner = None
        need.status, need.closed_at = NeedStatus.CLOSED, timezone.now()
        need.outcome, need.winner, need.amount = outcome, winner, amount
        need.save(update_fields=["status", "closed_at", "outcome", "winner", "amount"])
        _event("need_closed", acting_user=acting_user, need=need, buyer=need.buyer_id, outcome=outcome, amount=amount)
        notifications.need_closed(need)
    return need


def need_check_member(*, acting_user: User, need: Need) -> None:
    if not (
        acting_user.is_buyer
        and BuyerMembership.objects.active().filter(user=acting_user, organization_id=need.buyer_id).exists()
    ):
        raise PermissionDenied


def digests_send(*, now=None) -> int:
    """The daily digest: one email per employer choosing it, listing the needs it received
    since the last one. Returns how many employers were written to."""
    now = now or timezone.now()
    with transaction.atomic():
        pending = list(
            NeedRecipient.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(
                emailed_at__isnull=True,
                need__status=NeedStatus.PUBLISHED,
                company__commercial_profile__notification_mode=NotificationMode.DIGEST,
            )
            .select_related("need", "company")
            .order_by("company_id", "need__published_at")
        )
        by_company: dict[int, list] = {}
        for recipient in pending:
            by_company.setdefault(recipient.company_id, []).append(recipient)
        for recipients in by_company.values():
            notifications.digest(recipients[0].company, [recipient.need for recipient in recipients])
        NeedRecipient.objects.filter(pk__in=[recipient.pk for recipient in pending]).update(emailed_at=now)
    return len(by_company)


# Lists -------------------------------------------------------------------------------


def buyer_list_add(
    *, acting_user: User, organization: BuyerOrganization, list_name: str, company: Company
) -> BuyerList:
    """Save an employer to a list of the buyer's organization (created with its first employer)."""
    if not BuyerMembership.objects.active().filter(user=acting_user, organization=organization).exists():
        raise PermissionDenied
    name = " ".join(list_name.split())[:150]
    if not name:
        raise MarketplaceError("Donnez un nom à la liste.")
    with transaction.atomic():
        buyer_list, _ = BuyerList.objects.get_or_create(organization=organization, name=name)
        BuyerListItem.objects.get_or_create(buyer_list=buyer_list, company=company)
        _event("list_added", acting_user=acting_user, buyer=organization, company=company, list=buyer_list.pk)
    return buyer_list


def buyer_list_remove(*, acting_user: User, buyer_list: BuyerList, company_id: int) -> None:
    if (
        not BuyerMembership.objects.active()
        .filter(user=acting_user, organization_id=buyer_list.organization_id)
        .exists()
    ):
        raise PermissionDenied
    with transaction.atomic():
        BuyerListItem.objects.filter(buyer_list=buyer_list, company_id=company_id).delete()
        _event("list_removed", acting_user=acting_user, buyer=buyer_list.organization_id, list=buyer_list.pk)


def attachment_check(file) -> None:
    """The PDF check of CVs (itou.job_applications.apply.resume_check: content, structure,
    no active content, 5 MB), with messages that speak of attachments, not of CVs."""
    from itou.job_applications.apply import resume_check

    name = getattr(file, "name", "") or "Ce fichier"
    try:
        resume_check(file)
    except ValidationError as error:
        code = error.error_list[0].code if hasattr(error, "error_list") else None
        if code == "too_big":
            raise ValidationError(f"« {name} » dépasse 5 Mo : allégez-le ou découpez-le.", code="too_big")
        if code in ("empty", "not_pdf"):
            raise ValidationError(
                f"« {name} » n'est pas un PDF : enregistrez-le au format PDF (« Exporter en PDF »), puis joignez-le.",
                code="not_pdf",
            )
        raise ValidationError(f"« {name} » : {error.messages[0]}", code=code)
