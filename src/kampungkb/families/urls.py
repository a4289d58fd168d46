from django.urls import path

from kampungkb.families.tpk import views as tpk

app_name = "families"

urlpatterns = [
    path("tpk/", tpk.home, name="tpk_home"),
    path("tpk/tim/<int:pk>/", tpk.team, name="tpk_team"),
    path("tpk/terlambat/", tpk.overdue, name="tpk_overdue"),
    path("tpk/sasaran/baru/", tpk.target_create, name="tpk_target_create"),
    path("tpk/sasaran/<int:pk>/", tpk.target, name="tpk_target"),
    path("tpk/sasaran/<int:pk>/kunjungan/", tpk.visit_create, name="tpk_visit_create"),
]
