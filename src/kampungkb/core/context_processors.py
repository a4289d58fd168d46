from kampungkb.accounts.roles import can_view_audit


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"nav_can_view_audit": can_view_audit(user)}
