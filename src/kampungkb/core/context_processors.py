from kampungkb.core.permissions import (
    can_edit,
    can_view_audit,
    can_view_personal_data,
    sees_aggregates_only,
)


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_can_view_audit": can_view_audit(user),
        "nav_can_view_personal": can_view_personal_data(user),
        "nav_can_edit": can_edit(user),
        "nav_aggregates_only": sees_aggregates_only(user),
    }
