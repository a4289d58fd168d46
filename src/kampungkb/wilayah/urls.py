from django.urls import path

from kampungkb.wilayah import views

app_name = "wilayah"

urlpatterns = [
    path("", views.wilayah_list, name="list"),
    path("peta/", views.map_page, name="map"),
    path("peta/spec.json", views.map_spec, name="map_spec"),
    path("kampung-kb/", views.kampungkb_list, name="kampungkb_list"),
    path("kampung-kb/baru/", views.kampungkb_create, name="kampungkb_create"),
    path("kampung-kb/<int:pk>/", views.kampungkb_detail, name="kampungkb_detail"),
    path("kampung-kb/<int:pk>/ubah/", views.kampungkb_edit, name="kampungkb_edit"),
    path("kampung-kb/<int:pk>/tingkat/", views.maturity_add, name="maturity_add"),
    path("<str:kode>/", views.wilayah_detail, name="detail"),
]
