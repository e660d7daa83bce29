"""OpenAPI post-processing: every operation documents the JSON errors it may answer (docs/api.md)."""

ERROR_SCHEMA = {
    "type": "object",
    "description": "Erreur : un code stable et un message en français.",
    "properties": {
        "code": {"type": "string", "description": "invalid, refused, conflict, not_authenticated, …"},
        "message": {"type": "string"},
        "erreurs": {
            "type": "object",
            "description": "Pour les paramètres invalides : les messages par champ.",
            "additionalProperties": True,
        },
    },
    "required": ["code", "message"],
}

DESCRIPTIONS = {
    "400": "Paramètres invalides ou action refusée par les règles.",
    "401": "Jeton absent, invalide, expiré ou révoqué.",
    "403": "Ce jeton ne donne pas accès à cette ressource.",
    "404": "Ressource introuvable.",
    "405": "Méthode non autorisée.",
    "406": "Format de réponse non disponible.",
    "409": "La ressource a changé d'état entre-temps.",
    "415": "Format de requête non pris en charge.",
    "429": "Trop de requêtes.",
}


def add_error_responses(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})["Erreur"] = ERROR_SCHEMA
    reference = {"$ref": "#/components/schemas/Erreur"}
    for methods in result.get("paths", {}).values():
        for method, operation in methods.items():
            codes = ["400", "404", "405", "406", "429"]
            if any(requirement for requirement in operation.get("security", [])):
                codes += ["401", "403"]
            if method in ("post", "put", "patch"):
                codes += ["409", "415"]
            if method == "get" and not any(requirement for requirement in operation.get("security", [])):
                operation["responses"]["304"] = {"description": "Inchangé depuis l'ETag envoyé (If-None-Match)."}
            for code in codes:
                operation["responses"].setdefault(
                    code, {"description": DESCRIPTIONS[code], "content": {"application/json": {"schema": reference}}}
                )
    return result
