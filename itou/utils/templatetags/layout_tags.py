"""Parts of the page layout rendered once per process (see docs/performance.md, « 7 décembre 2026, 5e session »).

The layout around every page (stylesheets, header, menu, footer, scripts) costs some twenty
URL reversals and a dozen static file lookups, the same for every anonymous visitor of a
given page. These tags keep their rendering in a dictionary of the process, keyed by all
that they depend on:

- `{% fixed_part "layout/head_assets.html" %}`: a part that depends on nothing of the
  request (static files, DSFR scripts), for everybody;
- `{% anonymous_part "includes/header.html" %}`: for an anonymous visitor, a part that
  depends only on the page's name (`request.resolver_match.view_name`: the `aria-current`
  of the menu); for a logged-in user, rendered as usual (their name, organization, CSRF
  token of the logout form). The only per-request value allowed in such a part is
  `support_from` (the current URL, for the support link of the footer), put back into the
  memoized text at each request.

With DEBUG on (runserver reloads the edited templates) nothing is memoized. The
parts must not read anything else of the request: no CSRF token, no messages, no language
switch (the site is in French only), no nonce (the CSP forbids inline scripts).
"""

from django import template
from django.conf import settings
from django.template.defaultfilters import urlencode
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from itou.utils.memo import ProcessMemo

register = template.Library()

# Put in place of the current URL while a part is memoized; never in a page.
SUPPORT_FROM_MARKER = "itou-support-from-5f0c2a9e"
_parts = ProcessMemo(max_entries=500)


def forget_parts() -> None:
    _parts.clear()


def _render(context, template_name: str, support_from: str) -> str:
    part = context.template.engine.get_template(template_name)
    with context.push(support_from=support_from):
        return part.render(context)


def _memoized(context, key: tuple, template_name: str) -> str:
    html = _parts.get(key)
    if html is None:
        html = str(_render(context, template_name, SUPPORT_FROM_MARKER))
        _parts.set(key, html)
    return html


def _support_from(context) -> str:
    request = context.get("request")
    return urlencode(request.get_full_path()) if request is not None else ""


@register.simple_tag(takes_context=True)
def fixed_part(context, template_name: str) -> str:
    """`template_name` rendered once per process: it must depend on nothing of the request."""
    if settings.DEBUG:
        return _render(context, template_name, "")
    return mark_safe(_memoized(context, ("fixed", template_name), template_name))  # noqa: S308 (rendered by the template engine)


@register.simple_tag(takes_context=True)
def anonymous_part(context, template_name: str) -> str:
    """`template_name` as {% include %} would render it; for an anonymous visitor, memoized per page name."""
    request, user = context.get("request"), context.get("user")
    if settings.DEBUG or request is None or user is None or user.is_authenticated:
        return _render(context, template_name, _support_from(context))
    match = request.resolver_match
    key = ("anonymous", template_name, match.view_name if match else None)
    html = _memoized(context, key, template_name)
    if SUPPORT_FROM_MARKER in html:
        html = html.replace(SUPPORT_FROM_MARKER, conditional_escape(_support_from(context)))
    return mark_safe(html)  # noqa: S308 (rendered by the template engine, the URL escaped above)
