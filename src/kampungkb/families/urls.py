from django.urls import path

from kampungkb.families import views
from kampungkb.families.rules import views as rules_views

app_name = "families"

urlpatterns = [
    path("", views.family_list, name="list"),
    path("<int:pk>/", views.family_detail, name="detail"),
    path("aturan-krs/", rules_views.rule_set_list, name="rules"),
    path("aturan-krs/<int:pk>/", rules_views.rule_set_detail, name="rule_detail"),
    path("aturan-krs/<int:pk>/ubah/", rules_views.rule_set_edit, name="rule_edit"),
]
