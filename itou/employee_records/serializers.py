"""The JSON of the ASP file (ASP.md §4, §5, §7): one place, reused by the API.

Plain functions over prefetched objects (`EmployeeRecord.objects.for_asp_file()`): they
never query the database, so a 700-line file costs the queries of its selection only.
"""

import hashlib
import hmac
import json
import re
import unicodedata

from django.conf import settings

from itou.asp import refs
from itou.employee_records.completeness import FRANCE, needs_ntt

NULL_DEPARTMENT = "099"
ICELAND = "102"
_COMPLEMENT = re.compile(r"^[a-zA-Z0-9@ ]{0,32}$")
_PARENTHESES = re.compile(r"[()]")


def ascii_upper(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value or "")
    text = "".join(char for char in decomposed if not unicodedata.combining(char))
    text = text.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae").replace("Æ", "AE")
    text = text.encode("ascii", "ignore").decode()
    return " ".join(text.upper().split())


def cut_at_word(value: str, limit: int) -> str:
    if len(value) <= limit:
        return value
    cut = value[:limit]
    if value[limit] != " " and " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.strip()


def asp_date(day) -> str | None:
    return day.strftime("%d/%m/%Y") if day else None


def id_itou(user_id: int) -> str:
    """30 lowercase hex characters, stable per person (HMAC of the user id)."""
    secret = (settings.ASP_ID_ITOU_SECRET or settings.SECRET_KEY).encode()
    return hmac.new(secret, f"job_seeker:{user_id}".encode(), hashlib.sha256).hexdigest()[:30]


def department_code(commune_code: str) -> str:
    if commune_code.startswith(("97", "98")):
        return commune_code[:3]
    return "0" + commune_code[:2]


def overseas_country_code(commune_code: str) -> str | None:
    if commune_code[:3] in {"984", "985", "986", "987", "988", "989"}:
        return commune_code[2:]
    return None


def orienteur(job_application) -> str:
    organization = job_application.sender_prescriber_organization
    if job_application.sender_kind != "prescriber":
        return refs.ORIENTEUR_SPONTANEOUS
    if organization is None or not organization.is_authorized:
        return refs.ORIENTEUR_NOT_AUTHORIZED
    return refs.ORIENTEUR_BY_PRESCRIBER_KIND.get(organization.kind, refs.ORIENTEUR_OTHER_AUTHORIZED)


def _duration(value: str) -> str | None:
    return value or None


def person(record, *, placeholder=False) -> dict:
    job_seeker_id = record.job_application.job_seeker_id
    country = record.birth_country
    commune_block = {"codeComInsee": None, "codeDpt": NULL_DEPARTMENT}
    country_code = country.code if country else None
    country_group = country.group if country else None
    if country and country.code == FRANCE and record.birth_commune_code:
        if overseas := overseas_country_code(record.birth_commune_code):
            country_code = overseas
        else:
            commune_block = {
                "codeComInsee": record.birth_commune_code,
                "codeDpt": department_code(record.birth_commune_code),
            }
    civility = record.civility or ("M" if (record.nir or "1")[0] == "1" else "MME")
    nir = record.nir if not needs_ntt(record) else record.ntt
    if placeholder and country_code is None:
        country_code, country_group = ICELAND, "3"
    if placeholder and not nir:
        nir = ("1" if civility == "M" else "2") + "130030133" + id_itou(job_seeker_id)
    return {
        "passIae": record.approval_number,
        "idItou": id_itou(job_seeker_id),
        "civilite": civility,
        "nomUsage": ascii_upper(record.last_name),
        "nomNaissance": None,
        "prenom": cut_at_word(ascii_upper(record.first_name), 30),
        "dateNaissance": asp_date(record.birthdate),
        "codeComInsee": commune_block,
        "codeInseePays": country_code,
        "codeGroupePays": country_group,
        "passDateDeb": asp_date(record.approval.start_at),
        "passDateFin": asp_date(record.approval.end_at),
        "salarieNIR": nir or "",
        "sufPassIae": None,
    }


def address(record, *, placeholder=False) -> dict:
    if placeholder and not (record.lane_type and record.lane_name and record.post_code and record.commune_code):
        # France Travail's address in Metz: lets the ASP accept a date change (ASP.md §7).
        number, extension, lane_type, lane_name, complement, commune, post_code = (
            "3", None, "AV", "DE BLIDA", None, "57463", "57000"
        )  # fmt: skip
    else:
        number = record.lane_number or None
        extension = record.lane_extension or None
        lane_type = record.lane_type
        lane_name = ascii_upper(_PARENTHESES.sub(" ", record.lane_name))
        complement = ascii_upper(record.address_complement) or None
        if complement and not _COMPLEMENT.match(complement):
            complement = None
        commune, post_code = record.commune_code, record.post_code
    return {
        "adrTelephone": None,
        "adrMail": None,
        "adrNumeroVoie": number,
        "codeextensionvoie": extension,
        "codetypevoie": lane_type,
        "adrLibelleVoie": lane_name,
        "adrCpltDistribution": complement,
        "codeinseecom": commune,
        "codepostalcedex": post_code,
    }


def income(value) -> str | None:
    return None if value is None else f"{value:.2f}".replace(".", ",")


def situation(record, *, placeholder=False) -> dict:
    eiti = record.is_eiti
    employed = not record.unemployed_since
    ft_id = record.france_travail_id or None
    ft_since = _duration(record.france_travail_since)
    education = record.education_level
    if placeholder and (not education or (ft_id and not ft_since)):
        education, ft_id, ft_since = "00", None, None
    data = {
        "orienteur": orienteur(record.job_application),
        "niveauFormation": education or None,
        "salarieEnEmploi": employed,
        "salarieTypeEmployeur": refs.EMPLOYER_TYPE_BY_KIND.get(record.company.kind) if employed else None,
        "salarieSansEmploiDepuis": _duration(record.unemployed_since),
        "salarieSansRessource": record.resourceless,
        "inscritPoleEmploi": bool(ft_id),
        "inscritPoleEmploiDepuis": ft_since if ft_id else None,
        "numeroIDE": ft_id,
        "salarieRQTH": record.rqth,
        "salarieOETH": False if eiti else record.oeth,
        "salarieAideSociale": record.rsa != "NON" or record.ass or record.aah,
        "salarieBenefRSA": record.rsa,
        "salarieBenefRSADepuis": _duration(record.rsa_since) if record.rsa != "NON" else None,
        "salarieBenefASS": record.ass,
        "salarieBenefASSDepuis": _duration(record.ass_since) if record.ass else None,
        "salarieBenefAAH": record.aah,
        "salarieBenefAAHDepuis": _duration(record.aah_since) if record.aah else None,
        "salarieBenefATA": False,
        "salarieBenefATADepuis": None,
        "salarieBenefARE": record.are if eiti else None,
        "salarieBenefAREDepuis": (_duration(record.are_since) if record.are else None) if eiti else None,
        "salarieBenefPrimeActivite": record.activity_bonus if eiti else None,
        "salarieBenefPrimeActiviteDepuis": (
            (_duration(record.activity_bonus_since) if record.activity_bonus else None) if eiti else None
        ),
        "salarieBenefCAPE": record.cape if eiti else None,
        "salarieBenefCESA": record.cesa if eiti else None,
        "nomActeurCreationEntr": cut_at_word(ascii_upper(record.business_creator_name), 100) if eiti else None,
        "revenuMensuelMoyenTI": income(record.mean_monthly_income) if eiti else None,
        "cotisationsTI": (record.contribution_rate or "06") if eiti else None,
        "salarieSortantASE": record.left_ase,
        "salarieParentIsole": record.isolated_parent,
        "salarieHebergement": record.housing_issue,
        "salarieRefugie": record.refugee,
        "salarieSortantDetention": record.left_prison,
        "salarieLangueFrancaise": record.low_french,
        "salarieMobilite": record.mobility_issue,
    }
    if placeholder and eiti:
        if not data["revenuMensuelMoyenTI"]:
            data["revenuMensuelMoyenTI"] = "0,0"
        if not data["nomActeurCreationEntr"]:
            data["nomActeurCreationEntr"] = "INCONNU"
    return data


def record_line(record, line_number: int, *, movement: str = "C") -> dict:
    placeholder = movement == "M"
    return {
        "numLigne": line_number,
        "typeMouvement": movement,
        "siret": record.asp_siret,
        "mesure": record.asp_measure,
        "personnePhysique": person(record, placeholder=placeholder),
        "adresse": address(record, placeholder=placeholder),
        "situationSalarie": situation(record, placeholder=placeholder),
        "codeTraitement": None,
        "libelleTraitement": None,
    }


def notification_line(notification, line_number: int) -> dict:
    return record_line(notification.employee_record, line_number, movement="M")


def document(lines: list[dict]) -> dict:
    return {"msgInformatif": None, "telId": None, "lignesTelechargement": lines}


def dumps(data: dict) -> bytes:
    """Compact UTF-8 JSON, as the DRF renderer wrote it."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
