"""Company lookup by SIRET in the SIRENE register (INSEE), to prefill signup forms.

Off unless `settings.SIRENE_API_URL` is set: `lookup_siret` then answers None and people
type the name and address themselves. Any failure (timeout, unknown SIRET, unexpected
answer) also answers None: the lookup only saves typing, it never blocks a signup.
"""

import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.conf import settings

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 3


@dataclass(frozen=True)
class SireneEstablishment:
    siret: str
    name: str
    address_line: str
    post_code: str
    commune_code: str


def lookup_siret(siret: str) -> SireneEstablishment | None:
    """GET {SIRENE_API_URL}/siret/{siret} (INSEE's API Sirene 3 answer format), with the
    `SIRENE_API_TOKEN` setting as bearer token when it is set."""
    base_url = getattr(settings, "SIRENE_API_URL", "")
    if not base_url:
        return None
    url = f"{base_url.rstrip('/')}/siret/{urllib.parse.quote(siret)}"
    headers = {"Accept": "application/json"}
    token = getattr(settings, "SIRENE_API_TOKEN", "")
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=TIMEOUT_SECONDS) as response:
            data = json.load(response)
        return _parse(data)
    except (urllib.error.URLError, TimeoutError, ValueError, KeyError, TypeError) as error:
        logger.info("SIRENE lookup of %s failed: %s", siret, error)
        return None


def _parse(data: dict) -> SireneEstablishment:
    establishment = data["etablissement"]
    legal_unit = establishment.get("uniteLegale") or {}
    address = establishment.get("adresseEtablissement") or {}
    name = (
        legal_unit.get("denominationUniteLegale")
        or " ".join(filter(None, [legal_unit.get("prenom1UniteLegale"), legal_unit.get("nomUniteLegale")]))
        or ""
    )
    street = " ".join(
        filter(
            None,
            [
                address.get("numeroVoieEtablissement"),
                address.get("indiceRepetitionEtablissement"),
                address.get("typeVoieEtablissement"),
                address.get("libelleVoieEtablissement"),
            ],
        )
    )
    return SireneEstablishment(
        siret=establishment["siret"],
        name=name.strip(),
        address_line=street.strip(),
        post_code=address.get("codePostalEtablissement") or "",
        commune_code=address.get("codeCommuneEtablissement") or "",
    )
