"""Errors as JSON with a French message and a stable code (docs/api.md)."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from itou.approvals.workflow import TransitionNotAllowed as ApprovalTransitionNotAllowed
from itou.job_applications.workflow import TransitionNotAllowed as ApplicationTransitionNotAllowed

MESSAGES = {
    "not_authenticated": "Authentification requise : en-tête « Authorization: Token <jeton> ».",
    "authentication_failed": "Jeton invalide, expiré ou révoqué.",
    "permission_denied": "Ce jeton ne donne pas accès à cette ressource.",
    "not_found": "Ressource introuvable.",
    "method_not_allowed": "Méthode non autorisée sur cette adresse.",
    "not_acceptable": "Format de réponse non disponible : seul application/json est servi.",
    "unsupported_media_type": "Format de requête non pris en charge : envoyez du JSON.",
    "throttled": "Trop de requêtes : réessayez plus tard.",
    "parse_error": "Corps de requête illisible : JSON invalide.",
    "invalid": "Paramètres invalides.",
}


def _django_errors(error: DjangoValidationError):
    if hasattr(error, "error_dict"):
        return {field: [str(m) for m in messages] for field, messages in error.message_dict.items()}
    return {"non_field_errors": [str(m) for m in error.messages]}


def exception_handler(exc, context):
    if isinstance(exc, ApplicationTransitionNotAllowed | ApprovalTransitionNotAllowed):
        return Response(
            {
                "code": "conflict",
                "message": "Action impossible dans l'état actuel : la ressource a changé entre-temps, relisez-la.",
            },
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, DjangoValidationError):
        # A domain service refused the change (same rules as the site).
        return Response(
            {"code": "refused", "message": "Action refusée.", "erreurs": _django_errors(exc)},
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        code = "invalid"
        detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        response.data = {"code": code, "message": MESSAGES[code], "erreurs": detail}
        return response
    code = exc.default_code if isinstance(exc, exceptions.APIException) else "error"
    codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else code
    if isinstance(codes, str):
        code = codes
    message = MESSAGES.get(code, str(getattr(exc, "detail", "Erreur.")))
    if isinstance(exc, exceptions.Throttled) and exc.wait:
        message = f"Trop de requêtes : réessayez dans {int(exc.wait) + 1} secondes."
    elif isinstance(exc, exceptions.PermissionDenied | exceptions.AuthenticationFailed) and str(exc.detail):
        message = str(exc.detail)
    response.data = {"code": code, "message": message}
    return response
