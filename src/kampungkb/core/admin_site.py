def restrict_admin_to_superusers(site) -> None:
    """Let only superusers into Django admin; staff flags alone are not enough.

    Day-to-day work happens in the app's own scoped pages, which apply wilayah scoping;
    the admin does not, so it must stay with the people who may see everything.
    """

    def has_permission(request):
        return request.user.is_active and request.user.is_superuser

    site.has_permission = has_permission
