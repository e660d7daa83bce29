"""Screens of the marketplace ("marché de l'inclusion", docs/marche.md).

- employers (current company): commercial profile, the needs they received, answers;
- buyers (a kind of account, member of a buyer organization): signup, needs, answers,
  closing, lists of employers and their export;
- anyone: the catalogue; staff: review of first needs, suspension of buyers;
  State roles: the steering figures.
Objects are loaded through queries limited to who asks: otherwise 404.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import caches
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.backends.utils import csrf_input
from django.urls import reverse
from django.utils.text import Truncator
from django.views.decorators.http import require_GET, require_POST

from itou.companies.apps import SEARCH_PAGES
from itou.companies.enums import CompanyKind
from itou.companies.models import Company
from itou.geo.models import Department
from itou.invitations.services import EmailTaken
from itou.marketplace import services
from itou.marketplace.enums import AnswerStatus, NeedOutcome, NeedStatus
from itou.marketplace.matching import catalogue as catalogue_query
from itou.marketplace.models import (
    BuyerList,
    BuyerListItem,
    BuyerMembership,
    BuyerOrganization,
    CommercialProfile,
    Need,
    NeedAttachment,
    NeedRecipient,
)
from itou.marketplace.perms import buyer_membership
from itou.marketplace.services import MarketplaceError
from itou.organizations.current import Role, get_current_company_or_404
from itou.utils.pagecache import anonymous_page_cache
from itou.utils.private_files import serve_private_file
from itou.utils.redirects import safe_redirect
from itou.utils.staff_roles import StaffRole, staff_has_role
from itou.www.marketplace.forms import (
    AnswerForm,
    BuyerOrganizationForm,
    CatalogueForm,
    CloseForm,
    CommercialProfileForm,
    ListAddForm,
    NeedForm,
)
from itou.www.search.pagination import paginate_ranked
from itou.www.signup.pro_forms import ProfessionalAccountForm, SiretForm
from itou.www.signup.views import _email_taken_response, _initial_from_sirene, _new_account_response
from itou.www.stats import exports, scopes
from itou.www.stats.blocks import count as small_count

PAGE_SIZE = 20


def _buyer_or_404(request):
    membership = buyer_membership(request.user)
    if membership is None:
        raise Http404
    return membership.organization


# Employers ---------------------------------------------------------------------------


@login_required
def profile_edit(request):
    """The commercial profile of the current company (any active member)."""
    company = get_current_company_or_404(request)
    profile = CommercialProfile.objects.filter(company=company).first()
    form = CommercialProfileForm(
        request.POST or None,
        request.FILES or None,
        instance=profile,
        company=company,
        initial=None
        if profile
        else {"contact_name": request.user.get_full_name(), "contact_email": request.user.email},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.commercial_profile_save(
                acting_user=request.user,
                company=company,
                fields=form.profile_fields(),
                sectors=form.cleaned_data["sectors"],
                image=form.image_bytes,
                remove_image=form.cleaned_data.get("remove_image", False),
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            published = form.cleaned_data["is_published"]
            messages.success(
                request,
                "Votre profil commercial est enregistré et publié : les acheteurs le trouvent dans le catalogue."
                if published
                else "Votre profil commercial est enregistré. Il n'est pas publié : cochez « Publier » quand il est prêt.",
            )
            return redirect("marketplace:profile")
    return render(request, "marketplace/profile_edit.html", {"form": form, "company": company, "profile": profile})


def profile_image(request, company_pk):
    """The logo or photo: public once the profile is published, else for the company's members only."""
    profile = get_object_or_404(CommercialProfile.objects.exclude(image=""), company_id=company_pk)
    if not profile.is_published:
        current = getattr(request, "current_organization", None)
        if not (current and current.role == Role.EMPLOYER and current.organization.pk == profile.company_id):
            raise Http404
    return serve_private_file(request, profile.image, filename="logo.jpg", content_type="image/jpeg", inline=True)


def employer_figures(company) -> dict:
    """The employer's own figures on the marketplace (one query), with `listed`: the needs
    of its list (not those of suspended buyers)."""
    figures = NeedRecipient.objects.filter(company=company).aggregate(
        received=Count("pk"),
        listed=Count("pk", filter=Q(need__buyer__suspended_at__isnull=True)),
        interested=Count("pk", filter=Q(answer=AnswerStatus.INTERESTED)),
        won=Count("pk", filter=Q(need__winner=company)),
        amount=Sum("need__amount", filter=Q(need__winner=company)),
    )
    figures["amount"] = figures["amount"] or 0
    return figures


@login_required
def employer_needs(request):
    """The needs the current company received, newest first (constant queries)."""
    company = get_current_company_or_404(request)
    recipients = (
        NeedRecipient.objects.filter(company=company)
        .exclude(need__buyer__suspended_at__isnull=False)
        .select_related("need__commune", "need__buyer")
        .order_by("-created_at", "-pk")
    )
    figures = employer_figures(company)
    paginator = Paginator(recipients, PAGE_SIZE)
    paginator.count = figures["listed"]  # counted with the figures: no COUNT query of its own
    page = paginator.get_page(request.GET.get("page"))
    profile = CommercialProfile.objects.filter(company=company).only("is_published", "notification_mode").first()
    return render(
        request,
        "marketplace/employer_needs.html",
        {"page": page, "company": company, "profile": profile, "figures": figures},
    )


def _recipient_for_current_company_or_404(request, need_pk):
    company = get_current_company_or_404(request)
    return get_object_or_404(
        NeedRecipient.objects.select_related("need__commune", "need__buyer", "company").exclude(
            need__buyer__suspended_at__isnull=False
        ),
        need_id=need_pk,
        company=company,
    )


@login_required
def employer_need(request, pk):
    """One need the current company received: read it, say « intéressé » or decline."""
    recipient = _recipient_for_current_company_or_404(request, pk)
    need = recipient.need
    form = AnswerForm(request.POST or None, initial={"message": recipient.message})
    if request.method == "POST" and form.is_valid():
        interested = request.POST.get("action") == "interested"
        try:
            services.need_answer(
                acting_user=request.user,
                recipient=recipient,
                interested=interested,
                message=form.cleaned_data["message"],
            )
        except MarketplaceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                "Votre intérêt est envoyé à l'acheteur, avec vos coordonnées commerciales : il va vous contacter."
                if interested
                else "Vous avez décliné ce besoin. Vous pouvez changer d'avis tant qu'il est ouvert.",
            )
            return redirect("marketplace:employer_need", pk=need.pk)
    return render(
        request,
        "marketplace/employer_need.html",
        {
            "recipient": recipient,
            "need": need,
            "sectors": list(need.sectors.all()),
            "attachments": list(need.attachments.all()),
            "form": form,
        },
    )


def _need_attachment_or_404(request, need_pk, attachment_pk) -> NeedAttachment:
    """For the buyer's organization and the employers the need was sent to."""
    attachment = get_object_or_404(NeedAttachment.objects.select_related("need"), pk=attachment_pk, need_id=need_pk)
    membership = buyer_membership(request.user)
    if membership and membership.organization_id == attachment.need.buyer_id:
        return attachment
    current = getattr(request, "current_organization", None)
    if (
        current
        and current.role == Role.EMPLOYER
        and attachment.need.status in (NeedStatus.PUBLISHED, NeedStatus.CLOSED)
        and NeedRecipient.objects.filter(need_id=need_pk, company=current.organization).exists()
    ):
        return attachment
    raise Http404


@login_required
def need_attachment(request, pk, attachment_pk):
    attachment = _need_attachment_or_404(request, pk, attachment_pk)
    name = attachment.name if attachment.name.lower().endswith(".pdf") else f"{attachment.name}.pdf"
    return serve_private_file(request, attachment.file, filename=name, content_type="application/pdf")


# Buyers ------------------------------------------------------------------------------


def buyer_signup(request):
    """A buyer's account: SIRET (checked like the employers' one, prefilled by SIRENE), organization, role."""
    if request.user.is_authenticated:
        if request.user.is_buyer:
            return redirect("marketplace:buyer_home")
        return render(request, "signup/wrong_account.html")
    siret_form = SiretForm(request.GET or None)
    if not (siret_form.is_bound and siret_form.is_valid()):
        return render(request, "marketplace/buyer_signup.html", {"siret_form": siret_form})
    siret = siret_form.cleaned_data["siret"]
    data = request.POST if request.method == "POST" else None
    initial = {}
    existing = BuyerOrganization.objects.filter(siret=siret).order_by("pk").first()
    if data is None:
        initial = {"name": existing.name} if existing else _initial_from_sirene(siret)
    org_form = BuyerOrganizationForm(data, initial=initial)
    account_form = ProfessionalAccountForm(data)
    if data is not None and org_form.is_valid() & account_form.is_valid():
        if account_form.email_taken:
            return _email_taken_response(request, account_form.cleaned_data["email"])
        try:
            result = services.buyer_signup(
                new_account=account_form.new_account(),
                siret=siret,
                name=org_form.cleaned_data["name"],
                kind=org_form.cleaned_data["kind"],
                commune=org_form.cleaned_data["commune_obj"],
                job_title=org_form.cleaned_data["job_title"],
            )
        except EmailTaken as error:
            account_form.add_error("email", error.message)
        else:
            if existing is not None:
                message = (
                    f"Votre compte acheteur est créé. {result.organization.name} est déjà inscrite : "
                    "un de ses administrateurs doit accepter votre demande avant que vous voyiez ses besoins."
                )
            else:
                message = (
                    f"Votre compte acheteur est créé, pour {result.organization.name}. Votre premier besoin sera "
                    "vérifié par l'équipe support avant d'être transmis aux employeurs."
                )
            return _new_account_response(request, result.user, message)
    return render(
        request,
        "marketplace/buyer_signup.html",
        {
            "siret_form": siret_form,
            "siret": siret,
            "org_form": org_form,
            "account_form": account_form,
            "existing": existing,
        },
    )


@login_required
def buyer_home(request):
    """The needs of the buyer's organization, with how many employers were told and answered."""
    if request.user.is_buyer and buyer_membership(request.user) is None:
        pending = (
            BuyerMembership.objects.filter(user=request.user, is_active=False).select_related("organization").first()
        )
        if pending is not None:
            return render(request, "marketplace/buyer_pending.html", {"organization": pending.organization})
    organization = _buyer_or_404(request)
    needs = (
        Need.objects.for_buyer(organization)
        .select_related("commune")
        .annotate(
            recipients_count=Count("recipients"),
            interested_count=Count("recipients", filter=Q(recipients__answer=AnswerStatus.INTERESTED)),
        )
        .order_by("-created_at", "-pk")
    )
    page = Paginator(needs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "marketplace/buyer_home.html", {"organization": organization, "page": page})


@login_required
def buyer_members(request):
    """The active members of the buyer's organization (every member sees them, like the
    members page of the other organizations). Inviting a colleague is not built yet: a
    colleague signs up with the same SIRET and joins the organization (docs/marche.md)."""
    membership = buyer_membership(request.user)
    if membership is None:
        raise Http404
    organization = membership.organization
    members = (
        BuyerMembership.objects.filter(organization=organization)
        .order_by("-is_active", "-is_admin", "user__last_name", "user__first_name", "pk")
        .values(
            "pk",
            "is_active",
            "is_admin",
            "job_title",
            "joined_at",
            "user__first_name",
            "user__last_name",
            "user__email",
        )
    )
    if not membership.is_admin:
        # Pending requests are the admins' business.
        members = members.filter(is_active=True)
    return render(
        request,
        "marketplace/buyer_members.html",
        {"organization": organization, "members": members, "is_admin": membership.is_admin},
    )


@login_required
@require_POST
def buyer_member_decide(request, membership_pk):
    """An admin accepts or refuses a pending member of their own organization."""
    membership = buyer_membership(request.user)
    if membership is None:
        raise Http404
    pending = get_object_or_404(
        BuyerMembership, pk=membership_pk, organization=membership.organization, is_active=False
    )
    if not membership.is_admin:
        raise PermissionDenied
    accept = request.POST.get("decision") == "accept"
    try:
        services.buyer_member_decide(acting_user=request.user, membership=pending, accept=accept)
    except MarketplaceError as error:
        messages.error(request, error.message)
    else:
        name = f"{pending.user.first_name} {pending.user.last_name}".strip()
        if accept:
            messages.success(request, f"{name} a rejoint l'organisation.")
        else:
            messages.success(request, f"La demande de {name} est refusée.")
    return redirect("marketplace:buyer_members")


@login_required
def need_create(request):
    """Post a need. « Vérifier » shows how many employers will be told; « Publier » posts it."""
    organization = _buyer_or_404(request)
    form = NeedForm(request.POST or None, files=request.FILES if request.method == "POST" else None)
    matching = None
    if request.method == "POST" and form.is_valid() and form.commune_obj is not None:
        matching = services.need_matching_count(
            sector_ids=[s.pk for s in form.cleaned_data["sectors"]], commune=form.commune_obj
        )
        if request.POST.get("action") == "publish" and matching:
            try:
                need = services.need_create(
                    acting_user=request.user,
                    organization=organization,
                    fields=form.need_fields(),
                    sectors=form.cleaned_data["sectors"],
                    commune=form.commune_obj,
                    attachments=form.uploads,
                )
            except MarketplaceError as error:
                form.add_error(None, error.message)
            else:
                if need.status == NeedStatus.PUBLISHED:
                    told = need.recipients.count()
                    plural = "s" if told > 1 else ""
                    messages.success(
                        request,
                        f"Votre besoin est publié : {told} employeur{plural} inclusif{plural} "
                        f"{'en sont' if told > 1 else 'en est'} informé{plural}.",
                    )
                else:
                    messages.success(
                        request,
                        "Votre besoin est enregistré. Comme c'est votre premier, l'équipe support le vérifie avant de "
                        "le transmettre aux employeurs : vous recevrez un e-mail dès qu'il sera publié.",
                    )
                return redirect("marketplace:buyer_need", pk=need.pk)
        elif request.POST.get("action") == "publish" and form.uploads:
            form.add_error("attachments", "Joignez à nouveau vos pièces jointes.")
    return render(
        request,
        "marketplace/need_create.html",
        {"form": form, "organization": organization, "matching": matching, "checked": matching is not None},
    )


def _buyer_need_or_404(request, pk) -> Need:
    organization = _buyer_or_404(request)
    return get_object_or_404(Need.objects.select_related("commune", "winner"), pk=pk, buyer=organization)


@login_required
def buyer_need(request, pk):
    """A need of the buyer's organization: the employers told, their answers; the contact
    of an employer shows once it answered « intéressé »."""
    need = _buyer_need_or_404(request, pk)
    # The counts in one aggregate, the rows of the interested ones only (a need can reach
    # hundreds of employers: their rows are not loaded).
    counts = need.recipients.aggregate(told=Count("pk"), declined=Count("pk", filter=Q(answer=AnswerStatus.DECLINED)))
    interested = list(
        need.recipients.filter(answer=AnswerStatus.INTERESTED)
        .select_related("company__commercial_profile")
        .order_by("-answered_at", "company__name", "pk")
    )
    form = CloseForm(candidates=[r.company for r in interested])
    return render(
        request,
        "marketplace/buyer_need.html",
        {
            "need": need,
            "sectors": list(need.sectors.all()),
            "attachments": list(need.attachments.all()),
            "told_count": counts["told"],
            "interested": interested,
            "declined_count": counts["declined"],
            "close_form": form,
        },
    )


@login_required
@require_POST
def need_close(request, pk):
    need = _buyer_need_or_404(request, pk)
    candidates = list(
        Company.objects.filter(need_recipients__need=need, need_recipients__answer=AnswerStatus.INTERESTED)
    )
    form = CloseForm(request.POST, candidates=candidates)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, errors[0])
        return redirect("marketplace:buyer_need", pk=need.pk)
    winner = next((c for c in candidates if c.pk == form.cleaned_data["winner"]), None)
    try:
        services.need_close(
            acting_user=request.user,
            need=need,
            outcome=form.cleaned_data["outcome"],
            winner=winner,
            amount=form.cleaned_data["amount"],
        )
    except MarketplaceError as error:
        messages.error(request, error.message)
    except services.NEED_MACHINE.not_allowed:
        messages.warning(request, "Ce besoin est déjà clos, ou pas encore publié.")
    else:
        if form.cleaned_data["outcome"] == NeedOutcome.WON:
            messages.success(
                request, f"Besoin clos : attribué à {winner.display_name}. Merci pour ce marché inclusif !"
            )
        else:
            messages.success(request, "Besoin clos.")
    return redirect("marketplace:buyer_need", pk=need.pk)


# Catalogue and lists -----------------------------------------------------------------


@require_GET
@anonymous_page_cache(SEARCH_PAGES)
def catalogue(request):
    """Published commercial profiles: by place (commune + radius, department), sector,
    kind, capacity, « groupement »; nearest first when a commune is given."""
    form = CatalogueForm(request.GET or None)
    page, total = None, 0
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        queryset = catalogue_query(
            point=form.point,
            radius_km=data["radius"],
            department=data.get("department") or "",
            sector_ids=[int(pk) for pk in data["sectors"]],
            kinds=data["kinds"],
            min_staff=data.get("min_staff"),
            cocontracting_only=data.get("cocontracting"),
        )
        order = ("distance", "pk") if form.point else ("company__name", "pk")
        # Ids, distances and the total in one query, then the page's rows (docs/recherche.md),
        # as dicts: the page is rendered from plain values (docs/performance.md).
        page = paginate_ranked(
            queryset.order_by(*order),
            request.GET.get("page"),
            per_page=PAGE_SIZE,
            details=CommercialProfile.objects.values(*CATALOGUE_CARD_FIELDS),
            carried=("distance",) if form.point else (),
        )
        _catalogue_cards(page.object_list)
        total = page.paginator.count
    query = urlencode([(key, value) for key, values in request.GET.lists() if key != "page" for value in values])
    membership = buyer_membership(request.user)
    lists = list(BuyerList.objects.filter(organization=membership.organization)) if membership else []
    return render(
        request,
        "marketplace/catalogue.html",
        {
            "form": form,
            "page": page,
            "total": total,
            "query": query,
            "is_buyer": bool(membership),
            "lists": lists,
            # What each card's « enregistrer » form repeats, computed once.
            "csrf_input": csrf_input(request) if membership else "",
            "full_path": request.get_full_path(),
            "default_list": lists[0].name if lists else "Ma sélection",
        },
    )


CATALOGUE_CARD_FIELDS = (
    "id",
    "offer",
    "staff_count",
    "can_cocontract",
    "company_id",
    "company__name",
    "company__brand",
    "company__kind",
    "company__commune__name",
)
KIND_LABELS = dict(CompanyKind.choices)


def _url_maker(url_name: str):
    """A function of a pk giving the URL: reversed once, the pk put in its place (a
    `{% url %}` per card cost a tenth of a search page's rendering, docs/performance.md)."""
    marker = 987654321
    before, after = reverse(url_name, args=[marker]).split(str(marker))
    return lambda pk: f"{before}{pk}{after}"


def _catalogue_cards(rows: list[dict]) -> None:
    """Complete the catalogue's rows (dicts) with what their card shows, computed here
    rather than by template filters and tags: name, kind label, sectors (one query for the
    page), URLs and the shortened offer."""
    if not rows:
        return
    sectors: dict[int, list[str]] = {}
    links = (
        CommercialProfile.sectors.through.objects.filter(commercialprofile_id__in=[row["id"] for row in rows])
        .order_by("sector__name")
        .values_list("commercialprofile_id", "sector__name")
    )
    for profile_id, name in links:
        sectors.setdefault(profile_id, []).append(name)
    detail_url, list_add_url = _url_maker("companies:detail"), _url_maker("marketplace:list_add")
    for row in rows:
        company_id = row["company_id"]
        row["name"] = row["company__brand"] or row["company__name"]
        row["kind_label"] = KIND_LABELS.get(row["company__kind"], row["company__kind"])
        row["sectors"] = " · ".join(sectors.get(row["id"], ()))
        row["detail_url"] = detail_url(company_id)
        row["list_add_url"] = list_add_url(company_id)
        row["offer"] = Truncator(row["offer"]).words(40)
        row.setdefault("distance", None)


@login_required
@require_POST
def list_add(request, company_pk):
    organization = _buyer_or_404(request)
    company = get_object_or_404(Company.objects.filter(commercial_profile__is_published=True), pk=company_pk)
    form = ListAddForm(request.POST)
    if form.is_valid():
        try:
            buyer_list = services.buyer_list_add(
                acting_user=request.user,
                organization=organization,
                list_name=form.cleaned_data["list_name"],
                company=company,
            )
        except MarketplaceError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"{company.display_name} est ajouté à la liste « {buyer_list.name} ».")
    else:
        messages.error(request, "Donnez un nom à la liste.")
    return safe_redirect(request, request.POST.get("next"), reverse("marketplace:lists"))


@login_required
def lists(request):
    organization = _buyer_or_404(request)
    buyer_lists = BuyerList.objects.filter(organization=organization).annotate(size=Count("items"))
    return render(request, "marketplace/lists.html", {"lists": buyer_lists, "organization": organization})


def _buyer_list_or_404(request, pk) -> BuyerList:
    return get_object_or_404(BuyerList, pk=pk, organization=_buyer_or_404(request))


def _list_companies(buyer_list):
    return (
        Company.objects.filter(pk__in=BuyerListItem.objects.filter(buyer_list=buyer_list).values("company_id"))
        .select_related("commune", "commercial_profile")
        .order_by("name", "pk")
    )


@login_required
def list_detail(request, pk):
    buyer_list = _buyer_list_or_404(request, pk)
    if request.method == "POST":
        company_id = request.POST.get("company", "")
        if not (company_id.isascii() and company_id.isdecimal()):
            messages.error(request, "Choisissez l'employeur à retirer de la liste.")
            return redirect("marketplace:list_detail", pk=buyer_list.pk)
        services.buyer_list_remove(acting_user=request.user, buyer_list=buyer_list, company_id=int(company_id))
        messages.success(request, "L'employeur est retiré de la liste.")
        return redirect("marketplace:list_detail", pk=buyer_list.pk)
    return render(
        request,
        "marketplace/list_detail.html",
        {"buyer_list": buyer_list, "companies": list(_list_companies(buyer_list))},
    )


EXPORT_HEADER = [
    "Nom",
    "Type",
    "SIRET",
    "Adresse",
    "Code postal",
    "Commune",
    "Effectif",
    "Peut répondre à plusieurs",
    "Contact commercial",
    "Page publique",
]


@login_required
def list_export(request, pk, fmt):
    """The list as CSV or XLSX for a procurement file (the stats exports' helpers). The
    commercial contact is the public one of the page, not the private one."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    buyer_list = _buyer_list_or_404(request, pk)
    site = request.build_absolute_uri("/").rstrip("/")
    rows = [
        [
            company.display_name,
            company.get_kind_display(),
            company.siret,
            company.address_line,
            company.post_code,
            company.commune.name if company.commune else "",
            getattr(getattr(company, "commercial_profile", None), "staff_count", None),
            "oui" if getattr(getattr(company, "commercial_profile", None), "can_cocontract", False) else "non",
            getattr(getattr(company, "commercial_profile", None), "contact_name", ""),
            site + reverse("companies:detail", args=[company.pk]),
        ]
        for company in _list_companies(buyer_list)
    ]
    return exports.table_response(fmt, f"liste-{buyer_list.pk}", EXPORT_HEADER, rows)


# Staff -------------------------------------------------------------------------------


@login_required
def staff_review(request):
    """Needs held for review (a buyer's first one) and buyer organizations to suspend."""
    if not staff_has_role(request.user, StaffRole.SUPPORT):
        raise PermissionDenied("Réservé à l'équipe support.")
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action in ("approve", "reject"):
                need = get_object_or_404(Need, pk=request.POST.get("need") or 0)
                services.need_review(acting_user=request.user, need=need, approve=action == "approve")
                messages.success(request, f"Besoin « {need.title} » {'publié' if action == 'approve' else 'refusé'}.")
            elif action in ("suspend", "unsuspend"):
                organization = get_object_or_404(BuyerOrganization, pk=request.POST.get("organization") or 0)
                services.buyer_suspend(acting_user=request.user, organization=organization, suspend=action == "suspend")
                messages.success(
                    request, f"{organization.name} est {'suspendu' if action == 'suspend' else 'de nouveau actif'}."
                )
        except services.NEED_MACHINE.not_allowed:
            messages.warning(request, "Ce besoin a déjà été traité.")
        return redirect("marketplace:staff_review")
    # The oldest first, a bounded page (the queue stays short: only first needs wait).
    held = Need.objects.filter(status=NeedStatus.PENDING_REVIEW)
    pending = list(held.select_related("buyer", "created_by", "commune").order_by("created_at", "pk")[:REVIEW_PAGE])
    pending_count = len(pending) if len(pending) < REVIEW_PAGE else held.count()
    # The 50 latest organizations, then their needs counted (not every organization's).
    needs_count = Need.objects.filter(buyer=OuterRef("pk")).values("buyer").annotate(n=Count("pk")).values("n")
    buyers = BuyerOrganization.objects.order_by("-created_at", "-pk").annotate(
        needs_count=Coalesce(Subquery(needs_count), 0)
    )[:50]
    return render(
        request,
        "marketplace/staff_review.html",
        {"pending": pending, "pending_count": pending_count, "buyers": buyers},
    )


REVIEW_PAGE = 50


# Steering ----------------------------------------------------------------------------


@login_required
def steering(request):
    """Needs posted, employers who answered, needs won, amounts: per department and per
    sector of the territory (DDETS, DREETS, DGEFP); counts under 5 hidden."""
    scope = scopes.scope_for_request(request)
    if not scope.is_territory:
        raise PermissionDenied("Ces chiffres sont réservés aux services de l'État.")
    key = "marketplace-steering:" + ("france" if scope.departments is None else ",".join(sorted(scope.departments)))
    figures = caches["pages"].get(key)
    if figures is None:
        figures = steering_figures(scope.departments)
        caches["pages"].set(key, figures, STEERING_CACHE_SECONDS)
    by_department, by_sector, answered_by_department, answered_by_sector, names = figures

    def row(label, values, answered):
        return {
            "label": label,
            "posted": small_count(values["posted"], scope),
            "answered": small_count(answered or 0, scope),
            "won": small_count(values["won"], scope),
            "amount": (values["amount"] or 0) if values["won"] >= 5 or not scope.suppress_small else "secret",
        }

    return render(
        request,
        "marketplace/steering.html",
        {
            "scope": scope,
            "departments": [
                row(
                    f"{names.get(r['department_id'], '')} ({r['department_id']})",
                    r,
                    answered_by_department.get(r["department_id"]),
                )
                for r in by_department
            ],
            "sectors": [row(r["sectors__name"], r, answered_by_sector.get(r["sectors"])) for r in by_sector],
        },
    )


# The figures of a territory are kept this long (per process without Redis): at France
# scale the national ones cost a few hundred milliseconds (docs/marche.md, « Chiffres »).
STEERING_CACHE_SECONDS = 600


def steering_figures(departments) -> tuple:
    """(by department, by sector, interested employers by department, by sector, department
    names) of the needs of these departments (None: all France), in 5 queries."""
    needs = Need.objects.exclude(status__in=[NeedStatus.PENDING_REVIEW, NeedStatus.REJECTED])
    interested = NeedRecipient.objects.filter(
        answer=AnswerStatus.INTERESTED, need__status__in=[NeedStatus.PUBLISHED, NeedStatus.CLOSED]
    )
    if departments is not None:
        needs = needs.filter(department_id__in=departments)
        interested = interested.filter(need__department_id__in=departments)
    # The needs' figures without the recipients (a need has each sector once: no DISTINCT),
    # then the distinct interested employers from the interested rows only (partial index).
    figures = {
        "posted": Count("pk"),
        "won": Count("pk", filter=Q(outcome=NeedOutcome.WON)),
        "amount": Sum("amount", filter=Q(outcome=NeedOutcome.WON)),
    }
    by_department = list(needs.values("department_id").annotate(**figures).order_by("department_id"))
    by_sector = list(needs.values("sectors", "sectors__name").annotate(**figures).order_by("sectors__name"))
    names = dict(
        Department.objects.filter(code__in=[r["department_id"] for r in by_department]).values_list("code", "name")
    )
    return (
        by_department,
        by_sector,
        _distinct_companies_by(interested, "need__department_id"),
        _distinct_companies_by(interested, "need__sectors"),  # by sector id: integers hash faster
        names,
    )


def _distinct_companies_by(recipients, field: str) -> dict:
    """{value of `field`: distinct employers}: the distinct (value, employer) pairs hashed
    first, then counted (3 times faster than COUNT(DISTINCT …) and its sort at France scale)."""
    pairs = recipients.annotate(key=F(field)).values("key", "company_id").distinct()
    sql, params = pairs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT key, count(*) FROM ({sql}) AS pairs GROUP BY key", params)
        return dict(cursor.fetchall())
