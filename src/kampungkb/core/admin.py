from django.contrib import admin
from django.db import transaction
from django.db.models.fields.files import FieldFile

from kampungkb.core.audit import audit_entry, audit_record, diff
from kampungkb.core.models import AuditAction, AuditEntry


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


def _plain(value):
    # What the trail keeps of a form's value: a file by its name, a many-to-many by its ids.
    if isinstance(value, FieldFile):
        return value.name or ""
    if hasattr(value, "all") and hasattr(value, "model"):  # a related manager
        value = list(value.all())
    if isinstance(value, list | tuple):
        return sorted(str(getattr(v, "pk", v)) for v in value)
    return value


def form_changes(form, *, creating: bool) -> dict:
    """``{field: [old, new]}`` of the model fields ``form`` changed (its initial values are
    the record's before the change), of all its model fields when ``creating``; never a
    password, not even hashed."""
    model_fields = {f.name for f in form.instance._meta.get_fields() if f.concrete}
    shown = form.fields if creating else form.changed_data
    names = [n for n in shown if n in model_fields and n != "password"]
    before = {} if creating else {n: _plain(form.initial.get(n)) for n in names}
    after = {
        n: _plain(getattr(form.instance, form.instance._meta.get_field(n).attname)) for n in names
    }
    return diff(before, after)


class AuditedModelAdmin(admin.ModelAdmin):
    """A model admin whose writes go to the audit trail as a service's do: an entry per record
    added, changed (its old and new values) or deleted, inlines included, so that a
    superuser's work in Django admin is read with everyone else's.

    The entries are filed in :meth:`audit_area` (none: superusers alone read them).
    """

    def audit_area(self, obj) -> str:
        """The wilayah code an entry about ``obj`` is filed in."""
        for attname in ("wilayah_id", "desa_id", "kabupaten_id"):
            kode = getattr(obj, attname, None)
            if kode:
                return kode
        return ""

    def _record(self, request, action, obj, area: str, changes=None, object_id=None) -> None:
        entry = audit_entry(
            actor=request.user, action=action, obj=obj, wilayah_kode=area, changes=changes
        )
        if object_id is not None:  # a deleted record's pk is gone from it
            entry.object_id = str(object_id)
        entry.save()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        obj = form.instance
        changes = form_changes(form, creating=not change)
        if change and not changes:
            return
        action = AuditAction.UPDATE if change else AuditAction.CREATE
        self._record(request, action, obj, self.audit_area(obj), changes)

    def save_formset(self, request, form, formset, change):
        ids = {id(f.instance): f.instance.pk for f in formset.forms}
        forms = {id(f.instance): f for f in formset.forms}
        super().save_formset(request, form, formset, change)
        area = self.audit_area(form.instance)
        for obj in formset.new_objects:
            changes = form_changes(forms[id(obj)], creating=True)
            self._record(request, AuditAction.CREATE, obj, area, changes)
        for obj, _fields in formset.changed_objects:
            changes = form_changes(forms[id(obj)], creating=False)
            self._record(request, AuditAction.UPDATE, obj, area, changes)
        for obj in formset.deleted_objects:
            self._record(request, AuditAction.DELETE, obj, area, object_id=ids.get(id(obj)))

    def _record_delete(self, request, obj) -> None:
        # Recorded before the delete (the record's id is gone after), in its transaction.
        audit_record(
            actor=request.user,
            action=AuditAction.DELETE,
            obj=obj,
            wilayah_kode=self.audit_area(obj),
        )

    @transaction.atomic
    def delete_model(self, request, obj):
        self._record_delete(request, obj)
        super().delete_model(request, obj)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self._record_delete(request, obj)
        super().delete_queryset(request, queryset)
