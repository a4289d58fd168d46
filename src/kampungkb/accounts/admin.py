from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from kampungkb.accounts.models import User
from kampungkb.core.admin import AuditedModelAdmin
from kampungkb.core.audit import audit_record
from kampungkb.core.models import AuditAction


@admin.register(User)
class UserAdmin(AuditedModelAdmin, BaseUserAdmin):
    list_display = ("username", "first_name", "role", "wilayah", "is_active", "is_superuser")
    list_filter = ("role", "is_active", "is_superuser")
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Role and area"), {"fields": ("role", "wilayah", "organisation")}),
    )
    autocomplete_fields = ("wilayah",)

    def user_change_password(self, request, id, form_url=""):
        # Django's page saves the form itself: compare the stored hash before and after.
        user = self.get_object(request, unquote(id))
        response = super().user_change_password(request, id, form_url)
        if user is not None:
            stored = User.objects.filter(pk=user.pk).values_list("password", flat=True).first()
            if stored != user.password:
                # As user_password_set: never the password or its hash, only that it changed.
                audit_record(
                    actor=request.user,
                    action=AuditAction.UPDATE,
                    obj=user,
                    wilayah_kode=self.audit_area(user),
                    changes={"password": ["********", "********"]},
                )
        return response
