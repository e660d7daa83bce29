from django.urls import include, path

from devtools.oidc_provider import views

urlpatterns = [
    path("", views.home, name="home"),
    path("connexion/", views.choose_identity, name="login"),
    path("favicon.ico", views.favicon),
    path("userinfo/", views.UserInfoView.as_view(), name="userinfo"),
    # Discovery, JWKS, authorize, token, userinfo, end session (logout/).
    path("", include("oauth2_provider.urls", namespace="oauth2_provider")),
]
