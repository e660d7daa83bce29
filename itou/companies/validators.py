from django.core.exceptions import ValidationError
from stdnum.exceptions import InvalidChecksum, InvalidLength
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fr import siret as stdnum_siret


def clean_siret(value: str) -> str:
    """Return the compact SIRET (14 digits) or raise a ValidationError in French."""
    compact = stdnum_siret.compact(value or "")
    try:
        stdnum_siret.validate(compact)
    except InvalidLength:
        raise ValidationError("Le numéro SIRET doit comporter 14 chiffres.", code="invalid_length")
    except InvalidChecksum:
        raise ValidationError(
            "Ce numéro SIRET n'est pas valide : vérifiez les 14 chiffres (le SIREN et le numéro d'établissement).",
            code="invalid_checksum",
        )
    except StdnumError:
        raise ValidationError("Le numéro SIRET ne doit contenir que des chiffres.", code="invalid_format")
    return compact


def validate_siret(value: str) -> None:
    clean_siret(value)
