from django.urls import path

from itou.www.home import views

app_name = "home"

urlpatterns = [
    path("", views.index, name="index"),
    path("accessibilite/", views.accessibility, name="accessibility"),
    path("mentions-legales/", views.legal_notice, name="legal_notice"),
    path("donnees-personnelles/", views.privacy, name="privacy"),
    path("plan-du-site/", views.sitemap, name="sitemap"),
]
