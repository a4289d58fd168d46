from django.urls import include, path

from kampungkb.growth import views

app_name = "growth"

urlpatterns = [
    path("", views.child_list, name="child_list"),
    path("impor/", include("kampungkb.growth.urls_import")),
    path("", include("kampungkb.growth.urls_charts")),
]
