from django.urls import path

from kampungkb.families import views_krs

app_name = "families"

urlpatterns = [
    path("krs/", views_krs.krs_start, name="krs_start"),
    path("krs/<str:kode>/", views_krs.krs_page, name="krs"),
    path("krs/<str:kode>/peta.json", views_krs.krs_map_spec, name="krs_map_spec"),
    path("krs/<str:kode>/krs.xlsx", views_krs.krs_xlsx, name="krs_xlsx"),
    path("krs/<str:kode>/krs.pdf", views_krs.krs_pdf, name="krs_pdf"),
]
