from django.contrib import admin

from kampungkb.core.admin import AuditedModelAdmin
from kampungkb.wilayah.models import (
    ActivityGroup,
    FundingSource,
    KampungKB,
    MaturityRecord,
    Partner,
    PokjaMember,
    Wilayah,
)
from kampungkb.wilayah.services import kampung_kb_analytics_refresh_on_commit


@admin.register(Wilayah)
class WilayahAdmin(AuditedModelAdmin):
    list_display = ("kode", "nama", "level", "jenis", "kode_bps")
    list_filter = ("level",)
    search_fields = ("kode", "nama")
    exclude = ("boundary",)

    def audit_area(self, obj) -> str:
        return obj.kode


class PokjaInline(admin.TabularInline):
    model = PokjaMember
    extra = 0


class GroupInline(admin.TabularInline):
    model = ActivityGroup
    extra = 0


class PartnerInline(admin.TabularInline):
    model = Partner
    extra = 0


class FundingInline(admin.TabularInline):
    model = FundingSource
    extra = 0


class MaturityInline(admin.TabularInline):
    model = MaturityRecord
    extra = 0


@admin.register(KampungKB)
class KampungKBAdmin(AuditedModelAdmin):
    list_display = ("nama", "desa", "tanggal_pencanangan", "is_demo")
    search_fields = ("nama", "desa__nama")
    autocomplete_fields = ("desa",)
    inlines = [PokjaInline, GroupInline, PartnerInline, FundingInline, MaturityInline]

    # A Kampung KB added, moved, relaunched or removed here moves its desa between the
    # analytics' Kampung KB and other desa, as on the Kampung KB page: the summaries follow.
    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        kampung_kb_analytics_refresh_on_commit()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        kampung_kb_analytics_refresh_on_commit()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        kampung_kb_analytics_refresh_on_commit()
