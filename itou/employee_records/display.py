"""What an employer reads about a rejection (ASP.md §6): the ASP's words, then what to change."""

ADVICE = {
    "3435": (
        "L'ASP ne trouve pas d'annexe financière à jour pour votre structure.",
        "Vérifiez dans l'Extranet IAE 2.0 de l'ASP qu'une annexe financière « valide » ou « provisoire » est à jour. "
        "Si oui, attendez une semaine puis validez de nouveau la fiche ; sinon demandez à la DDETS de la mettre à jour.",
    ),
    "3417": (
        "La commune de résidence est inconnue de l'Extranet IAE 2.0.",
        "À l'étape « Domiciliation », indiquez l'adresse postale de votre structure pour débloquer l'envoi, "
        "puis corrigez l'adresse dans l'Extranet IAE 2.0 après la transmission.",
    ),
    "3308": (
        "La commune de naissance ne correspond pas au département de naissance.",
        "À l'étape « État civil », choisissez la commune de naissance valable à la date de naissance, "
        "puis validez de nouveau la fiche.",
    ),
    "3437": (
        "L'ASP connaît déjà ce salarié sous un autre identifiant de la plateforme.",
        "Contactez le support : une régularisation avec l'ASP est nécessaire (article « Fiche salarié en code erreur 3437 »).",
    ),
}
DEFAULT_ADVICE = "Corrigez les informations de la fiche concernées par cette erreur, puis validez-la de nouveau."


def rejection(code: str, label: str) -> dict:
    """{"title": …, "advice": …} in plain French for the record's last ASP code."""
    if code in ADVICE:
        title, advice = ADVICE[code]
        return {"title": f"Erreur {code} : {title}", "advice": advice, "asp_label": label}
    return {"title": f"Erreur {code} : {label}", "advice": DEFAULT_ADVICE, "asp_label": label}


STATUS_BADGES = {
    "NEW": "fr-badge--info",
    "READY": "fr-badge--new",
    "SENT": "fr-badge--new",
    "REJECTED": "fr-badge--error",
    "PROCESSED": "fr-badge--success",
    "DISABLED": "",
    "ARCHIVED": "",
}
