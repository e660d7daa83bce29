"""A person's data, as they can download it from their account page: JSON + their files, in a zip."""

import io
import json
import zipfile

from django.core.files.storage import default_storage
from django.utils import timezone

from itou.approvals.models import Approval
from itou.audit.models import AccessLog
from itou.eligibility.models import EligibilityDiagnosis, GEIQEligibilityDiagnosis
from itou.job_applications.models import JobApplication
from itou.users.models import JobSeekerProfile


def _date(value):
    return value.isoformat() if value else None


def personal_data(user) -> tuple[dict, list[tuple[str, str]]]:
    """(the JSON document, [(storage name, name in the zip)]) for `user`."""
    files = []
    data = {
        "export_du": timezone.now().isoformat(),
        "compte": {
            "type": user.get_kind_display(),
            "prénom": user.first_name,
            "nom": user.last_name,
            "adresse_e_mail": user.email,
            "téléphone": user.phone,
            "inscrit_le": _date(user.date_joined),
            "dernière_connexion": _date(user.last_login),
        },
    }
    from allauth.socialaccount.models import SocialAccount

    # ProConnect / FranceConnect: which service, and the identity it sent (docs/comptes.md).
    data["comptes_relies"] = [
        {"service": account.provider, "relié_le": _date(account.date_joined), "informations_reçues": account.extra_data}
        for account in SocialAccount.objects.filter(user=user).order_by("pk")
    ]
    profile = JobSeekerProfile.objects.select_related("commune").filter(user=user).first()
    if profile is not None:
        data["profil_candidat"] = {
            "date_de_naissance": _date(profile.birthdate),
            "numéro_de_sécurité_sociale": profile.nir,
            "raison_de_l_absence_de_numéro": profile.get_lack_of_nir_reason_display()
            if profile.lack_of_nir_reason
            else "",
            "identifiant_france_travail": profile.france_travail_id,
            "commune": str(profile.commune) if profile.commune else "",
            "adresse": profile.address_line,
            "niveau_de_formation": profile.get_education_level_display() if profile.education_level else "",
            "lieu_de_naissance_code_insee": profile.birth_place_code,
            "pays_de_naissance_code_insee": profile.birth_country_code,
            "identité_certifiée_par": profile.get_identity_certified_by_display()
            if profile.identity_certified_by
            else "",
            "identité_certifiée_le": _date(profile.identity_certified_at),
        }
        applications = []
        for application in (
            JobApplication.objects.filter(job_seeker=user).select_related("to_company").order_by("created_at")
        ):
            entry = {
                "envoyée_le": _date(application.created_at),
                "employeur": application.to_company.display_name,
                "état": application.get_state_display(),
                "message": application.message,
                "réponse": application.answer,
                "motif_de_refus": application.get_refusal_reason_display()
                if application.refusal_reason and application.refusal_reason_shared_with_job_seeker
                else "",
                "début_du_contrat": _date(application.hiring_start_at),
                "fin_du_contrat": _date(application.hiring_end_at),
                "cv": "",
            }
            if application.resume:
                name = f"cv/candidature-{application.created_at:%Y-%m-%d}-{str(application.pk)[:8]}.pdf"
                files.append((application.resume.name, name))
                entry["cv"] = name
            applications.append(entry)
        data["candidatures"] = applications
        data["diagnostics_d_éligibilité"] = [
            {"type": kind, "réalisé_le": _date(diagnosis.created_at), "valable_jusqu_au": _date(diagnosis.expires_at)}
            for kind, model in (("IAE", EligibilityDiagnosis), ("GEIQ", GEIQEligibilityDiagnosis))
            for diagnosis in model.objects.filter(job_seeker=user).order_by("created_at")
        ]
        data["pass_iae"] = [
            {"numéro": approval.display_number, "début": _date(approval.start_at), "fin": _date(approval.end_at)}
            for approval in Approval.objects.filter(job_seeker=user).order_by("start_at")
        ]
        data["consultations_de_vos_documents"] = [
            {
                "le": _date(log.created_at),
                "document": log.get_kind_display(),
                "par": log.viewer.get_full_name() if log.viewer else "Compte supprimé",
                "pour": log.viewer_organization_name,
            }
            for log in AccessLog.objects.filter(holder=user).select_related("viewer")
        ]
    return data, files


def personal_data_zip(user) -> bytes:
    data, files = personal_data(user)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mes-donnees.json", json.dumps(data, ensure_ascii=False, indent=2))
        for storage_name, zip_name in files:
            try:
                with default_storage.open(storage_name, "rb") as file:
                    archive.writestr(zip_name, file.read())
            except FileNotFoundError:
                continue
    return buffer.getvalue()
