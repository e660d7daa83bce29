from django.urls import path

from itou.www.marketplace import views

app_name = "marketplace"

urlpatterns = [
    path("catalogue/", views.catalogue, name="catalogue"),
    path("image/<int:company_pk>/", views.profile_image, name="profile_image"),
    # Employers (the current company).
    path("mon-profil-commercial/", views.profile_edit, name="profile"),
    path("besoins-recus/", views.employer_needs, name="employer_needs"),
    path("besoins-recus/<int:pk>/", views.employer_need, name="employer_need"),
    path("besoins/<int:pk>/pieces-jointes/<int:attachment_pk>/", views.need_attachment, name="need_attachment"),
    # Buyers.
    path("inscription-acheteur/", views.buyer_signup, name="buyer_signup"),
    path("acheteur/", views.buyer_home, name="buyer_home"),
    path("acheteur/besoins/nouveau/", views.need_create, name="need_create"),
    path("acheteur/besoins/<int:pk>/", views.buyer_need, name="buyer_need"),
    path("acheteur/besoins/<int:pk>/clore/", views.need_close, name="need_close"),
    path("acheteur/membres/", views.buyer_members, name="buyer_members"),
    path("acheteur/membres/<int:membership_pk>/decision/", views.buyer_member_decide, name="buyer_member_decide"),
    path("acheteur/listes/", views.lists, name="lists"),
    path("acheteur/listes/ajouter/<int:company_pk>/", views.list_add, name="list_add"),
    path("acheteur/listes/<int:pk>/", views.list_detail, name="list_detail"),
    path("acheteur/listes/<int:pk>/export.<str:fmt>", views.list_export, name="list_export"),
    # Staff and State.
    path("support/", views.staff_review, name="staff_review"),
    path("pilotage/", views.steering, name="steering"),
]
