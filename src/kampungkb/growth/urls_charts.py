from django.urls import path

from kampungkb.growth import views_charts, views_skdn

urlpatterns = [
    path(
        "anak/<int:pk>/grafik/<str:kind>.json",
        views_charts.child_chart_spec,
        name="child_chart_spec",
    ),
    path("anak/<int:pk>/grafik.png", views_charts.child_chart_png, name="child_chart_png"),
    path("anak/<int:pk>/grafik.pdf", views_charts.child_chart_pdf, name="child_chart_pdf"),
    path("skdn/", views_skdn.skdn_page, name="skdn"),
    path("skdn/skdn.xlsx", views_skdn.skdn_xlsx, name="skdn_xlsx"),
]
