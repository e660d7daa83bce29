"""The API's documentation page (rendered from its own OpenAPI schema) and the employer
admins' personal tokens (docs/api.md)."""

import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from drf_spectacular.generators import SchemaGenerator

from itou.api import services
from itou.api.enums import TokenKind
from itou.api.models import ApiToken
from itou.organizations.current import get_current_company_or_404
from itou.www.api.forms import TokenCreateForm

AUDIENCES = {
    "Public": "Sans jeton, limité par adresse IP.",
    "Référentiels": "Sans jeton, limité par adresse IP.",
    "Partenaires": "Jeton de partenaire délivré par le support.",
    "Départements": "Jeton de département délivré par le support.",
    "Employeurs": "Jeton personnel d'un administrateur de la structure (page « Jetons d'API »).",
}


@functools.cache
def _schema() -> dict:
    return SchemaGenerator(api_version="v1").get_schema(request=None, public=True)


def _resolve(schema: dict, node: dict | None) -> dict:
    while node and "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        node = schema["components"]["schemas"].get(name, {})
    return node or {}


def _type_label(schema: dict, node: dict) -> str:
    node = _resolve(schema, node)
    if "enum" in node:
        return "un de : " + ", ".join(str(value) for value in node["enum"] if value not in ("", None))
    kind = node.get("type", "objet")
    if kind == "array":
        return f"liste de {_type_label(schema, node.get('items', {}))}"
    labels = {"string": "texte", "integer": "entier", "number": "nombre", "boolean": "booléen", "object": "objet"}
    label = labels.get(kind, kind)
    if node.get("format") == "date":
        label = "date (AAAA-MM-JJ)"
    elif node.get("format") == "date-time":
        label = "date et heure ISO 8601"
    elif node.get("format") == "uuid":
        label = "identifiant (UUID)"
    return label


def _fields(schema: dict, node: dict) -> list[dict]:
    node = _resolve(schema, node)
    required = set(node.get("required", []))
    return [
        {
            "name": name,
            "type": _type_label(schema, prop),
            "required": name in required,
            "description": _resolve(schema, prop).get("description", "") or prop.get("description", ""),
        }
        for name, prop in node.get("properties", {}).items()
    ]


def _operations() -> list[dict]:
    schema = _schema()
    groups: dict[str, list] = {}
    for url, methods in schema["paths"].items():
        for method, operation in methods.items():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            ok = next((code for code in ("200", "201") if code in operation.get("responses", {})), None)
            response_schema = None
            if ok:
                response_schema = (
                    operation["responses"][ok].get("content", {}).get("application/json", {}).get("schema")
                )
                resolved = _resolve(schema, response_schema)
                if resolved.get("type") == "array":
                    response_schema = resolved.get("items")
                elif "results" in resolved.get("properties", {}):
                    response_schema = resolved["properties"]["results"].get("items")
            tag = (operation.get("tags") or ["Autres"])[0]
            groups.setdefault(tag, []).append(
                {
                    "id": operation.get("operationId", ""),
                    "method": method.upper(),
                    "url": url,
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "parameters": [
                        {
                            "name": parameter["name"],
                            "in": {"query": "adresse", "path": "chemin", "header": "en-tête"}.get(
                                parameter["in"], parameter["in"]
                            ),
                            "required": parameter.get("required", False),
                            "type": _type_label(schema, parameter.get("schema", {})),
                            "description": parameter.get("description", ""),
                        }
                        for parameter in operation.get("parameters", [])
                    ],
                    "body": _fields(schema, body) if body else [],
                    "response": _fields(schema, response_schema) if response_schema else [],
                }
            )
    return [{"tag": tag, "audience": AUDIENCES.get(tag, ""), "operations": ops} for tag, ops in groups.items()]


def documentation(request):
    return render(request, "api/documentation.html", {"groups": _operations(), "current": "api_docs"})


@login_required
def token_list(request):
    company = get_current_company_or_404(request, admin=True)
    tokens = ApiToken.objects.filter(kind=TokenKind.EMPLOYER, user=request.user, company=company).order_by(
        "revoked_at", "-created_at"
    )
    form = TokenCreateForm(request.POST or None)
    new_secret = None
    if request.method == "POST" and form.is_valid():
        try:
            created = services.employer_token_create(
                acting_user=request.user, company=company, name=form.cleaned_data["name"]
            )
        except ValidationError as error:
            for message in error.message_dict.get("name", error.messages):
                form.add_error("name", message)
        except PermissionDenied as error:
            raise PermissionDenied(str(error))
        else:
            new_secret = created.secret
            form = TokenCreateForm()
    return render(
        request,
        "api/token_list.html",
        {"company": company, "tokens": tokens, "form": form, "new_secret": new_secret},
    )


@login_required
@require_POST
def token_revoke(request, pk: int):
    company = get_current_company_or_404(request, admin=True)
    token = get_object_or_404(ApiToken, pk=pk, kind=TokenKind.EMPLOYER, user=request.user, company=company)
    services.token_revoke(acting_user=request.user, token=token)
    messages.success(request, f"Le jeton « {token.name} » est révoqué : il ne donne plus accès à l'API.")
    return redirect("api_tokens:list")
