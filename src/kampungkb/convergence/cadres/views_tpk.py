"""The page that assigns a TPK team's members (its bidan, PKK cadre and KB cadre) from the
desa's cadres. The team itself is a families record (its page links here by URL name)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from kampungkb.convergence.cadres import selectors, services
from kampungkb.convergence.cadres.forms import TpkMemberForm
from kampungkb.core.form_errors import add_validation_errors
from kampungkb.core.permissions import can_record_tpk_work, can_view_tpk_targets
from kampungkb.core.scoping import user_covers
from kampungkb.families.tpk.selectors import team_get, team_members


def tpk_members(request, pk):
    user = request.user
    if not can_view_tpk_targets(user) or not can_record_tpk_work(user):
        raise PermissionDenied
    team = team_get(user=user, pk=pk)
    if not user_covers(user, team.desa_id):
        raise Http404
    choices = selectors.tpk_member_choices(user=user, team=team)
    form = TpkMemberForm(request.POST or None, cadre_qs=choices)
    if request.method == "POST" and form.is_valid():
        try:
            services.tpk_member_assign(user=user, team=team, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            url = reverse("convergence:tpk_members", args=[team.pk])
            if request.htmx:
                response = HttpResponse()
                response["HX-Redirect"] = url
                return response
            return redirect(url)
    members = list(team_members(team=team))
    # The page names the cadres (members and choices): a read of personal data, audited.
    services.cadres_personal_data_viewed(
        user=user, cadres=[m.cadre for m in members] + list(choices)
    )
    context = {"team": team, "members": members, "form": form}
    template = (
        "convergence/partials/tpk_member_form.html"
        if request.htmx
        else "convergence/tpk_members.html"
    )
    return render(request, template, context, status=400 if request.method == "POST" else 200)
