from django.core.exceptions import ValidationError
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fr import nir as stdnum_nir


def clean_nir(value: str) -> str:
    """Return the compact NIR (15 characters) or raise a ValidationError in French."""
    compact = stdnum_nir.compact(value or "").upper()
    try:
        if len(compact) != 15:
            raise InvalidLength()
        stdnum_nir.validate(compact)
    except InvalidLength:
        raise ValidationError(
            "Le numéro de sécurité sociale doit comporter 15 caractères : 13 chiffres et une clé de 2 chiffres.",
            code="invalid_length",
        )
    except InvalidChecksum:
        raise ValidationError(
            "Ce numéro de sécurité sociale n'est pas valide : vérifiez les 15 chiffres (la clé est les 2 derniers).",
            code="invalid_checksum",
        )
    except (InvalidFormat, InvalidComponent, StdnumError):
        raise ValidationError(
            "Ce numéro de sécurité sociale n'est pas valide : il ne contient que des chiffres "
            "(sauf 2A ou 2B pour la Corse) et commence par 1 ou 2.",
            code="invalid_format",
        )
    return compact


def validate_nir(value: str) -> None:
    clean_nir(value)


def validate_france_travail_id(value: str) -> None:
    compact = (value or "").replace(" ", "").upper()
    if not (8 <= len(compact) <= 11) or not compact.isalnum():
        raise ValidationError(
            "L'identifiant France Travail comporte de 8 à 11 caractères (chiffres et lettres).",
            code="invalid_france_travail_id",
        )
