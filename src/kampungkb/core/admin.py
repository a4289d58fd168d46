from django.contrib import admin

from kampungkb.core.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "actor_username", "action", "object_type", "object_repr", "wilayah_kode")
    list_filter = ("action", "object_type")
    search_fields = ("actor_username", "object_repr", "object_id")

    # The trail is evidence: nobody edits or deletes it, not even a superuser.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
