"""What a record needs before it may go to the ASP (ASP.md §2, §4, §10)."""

FRANCE = "100"


def needs_ntt(record) -> bool:
    return not record.nir or record.nir[0] in "78"


def missing_fields(record) -> list[str]:
    """French names of the missing pieces, empty when the record may be sent."""
    missing = []
    if not record.civility:
        missing.append("civilité")
    if not record.last_name:
        missing.append("nom")
    if not record.first_name:
        missing.append("prénom")
    if not record.birthdate:
        missing.append("date de naissance")
    if not record.birth_country_id:
        missing.append("pays de naissance")
    elif record.birth_country_id == FRANCE and not record.birth_commune_code:
        missing.append("commune de naissance")
    if needs_ntt(record) and not record.ntt:
        missing.append("numéro de sécurité sociale ou NTT")
    if not record.lane_type:
        missing.append("type de voie")
    if not record.lane_name:
        missing.append("nom de la voie")
    if not record.post_code:
        missing.append("code postal")
    if not record.commune_code:
        missing.append("commune de résidence")
    if record.lane_extension and not record.lane_number:
        missing.append("numéro dans la voie (obligatoire avec une extension)")
    if not record.education_level:
        missing.append("niveau de formation")
    if bool(record.france_travail_id) != bool(record.france_travail_since):
        missing.append("identifiant France Travail et durée d'inscription")
    if record.rsa != "NON" and not record.rsa_since:
        missing.append("durée du RSA")
    if record.ass and not record.ass_since:
        missing.append("durée de l'ASS")
    if record.aah and not record.aah_since:
        missing.append("durée de l'AAH")
    if record.asp_measure == "EITI_DC":
        if not record.business_creator_name:
            missing.append("acteur de la création d'entreprise")
        if record.mean_monthly_income is None:
            missing.append("revenu mensuel moyen")
    return missing
