from django.urls import path

from kampungkb.wilayah import views

app_name = "wilayah"

urlpatterns = [
    path("", views.wilayah_list, name="list"),
    path("peta/", views.map_page, name="map"),
    path("peta/spec.json", views.map_spec, name="map_spec"),
    path("kampung-kb/", views.kampung_kb_list, name="kampung_kb_list"),
    path("kampung-kb/baru/", views.kampung_kb_create, name="kampung_kb_create"),
    path("kampung-kb/<int:pk>/", views.kampung_kb_detail, name="kampung_kb_detail"),
    path("kampung-kb/<int:pk>/ubah/", views.kampung_kb_edit, name="kampung_kb_edit"),
    path("kampung-kb/<int:pk>/tingkat/", views.maturity_add, name="maturity_add"),
    path("<str:kode>/", views.wilayah_detail, name="detail"),
]
