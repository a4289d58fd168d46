from django.contrib import admin
from django.urls import include, path

from kampungkb.core.admin_site import restrict_admin_to_superusers

restrict_admin_to_superusers(admin.site)

urlpatterns = [
    path("", include("kampungkb.site.urls")),
    path("", include("kampungkb.core.urls")),
    path("akun/", include("kampungkb.accounts.urls")),
    path("wilayah/", include("kampungkb.wilayah.urls")),
    path("pertumbuhan/", include("kampungkb.growth.urls")),
    path("keluarga/", include("kampungkb.families.urls")),
    path("analisis/", include("kampungkb.analytics.urls")),
    path("konvergensi/", include("kampungkb.convergence.urls")),
    path("publik/", include("kampungkb.analytics.urls_public")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
