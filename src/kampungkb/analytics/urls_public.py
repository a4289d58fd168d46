from django.urls import path

from kampungkb.analytics import views_public

app_name = "analytics_public"

urlpatterns = [
    path("", views_public.index, name="index"),
    path("provinsi/<str:kode>/", views_public.province, name="province"),
    path("kabupaten/<str:kode>/", views_public.kabupaten, name="kabupaten"),
    path("v/<int:pk>/", views_public.version, name="version"),
    path("v/<int:pk>/peta.json", views_public.map_spec, name="map_spec"),
    path("v/<int:pk>/publikasi-data-stunting.pdf", views_public.report_pdf, name="pdf"),
    path("v/<int:pk>/publikasi-data-stunting.xlsx", views_public.report_xlsx, name="xlsx"),
]
