"""Pages that merge a child's record into their other record (a child registered twice) and
delete a child registered by mistake (``growth.duplicates``). Those who may edit the child
(``child_edit``'s rule): 404 outside their area, 403 for a role that changes nothing."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kampungkb.core.form_errors import add_validation_errors
from kampungkb.core.permissions import can_edit
from kampungkb.core.scoping import user_covers
from kampungkb.growth import duplicates, personal_data, selectors
from kampungkb.growth.forms import ChildDeleteForm, ChildMergeForm

#: How many of the desa's children the merge page offers (likeliest first); a search
#: finds the others.
MAX_CANDIDATES = 200


def _child_to_change(request, pk):
    """The child, as ``child_edit`` reads it: 404 outside the user's area (and for the roles
    that see no child), 403 for a role that changes nothing."""
    kid = selectors.child_get(user=request.user, pk=pk)
    if not can_edit(request.user):
        raise PermissionDenied
    if not user_covers(request.user, kid.desa_id):
        raise Http404
    return kid


def child_merge(request, pk):
    """Choose the child's other record and a reason; then a page compares the two records
    and says what moves; sent again from there (``confirm``), the records are merged."""
    kid = _child_to_change(request, pk)
    posted = request.method == "POST"
    query = "" if posted else request.GET.get("q", "").strip()[:100]
    # A choice sent is checked against every child of the desa, not those a search showed.
    candidates = selectors.child_merge_candidates(user=request.user, child=kid, search=query)
    if not posted:
        candidates = candidates[:MAX_CANDIDATES]
    form = ChildMergeForm(request.POST if posted else None, candidates=candidates)
    if posted and form.is_valid():
        kept = form.kept
        plan = duplicates.child_merge_plan(duplicate=kid, kept=kept)
        if request.POST.get("confirm") == "1" and not plan.problems:
            try:
                duplicates.child_merge(
                    user=request.user, duplicate=kid, kept=kept, alasan=form.cleaned_data["alasan"]
                )
            except ValidationError as exc:
                add_validation_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("The record %(dup)s was merged into this one.") % {"dup": kid.nama},
                )
                return redirect("growth:child_detail", pk=kept.pk)
        # The two records side by side (NIKs masked).
        personal_data.child_shown(user=request.user, child=kid, page="merge_confirm")
        personal_data.child_shown(user=request.user, child=kept, page="merge_confirm")
        return render(
            request,
            "growth/child_merge_confirm.html",
            {"child": kid, "kept": kept, "plan": plan, "form": form},
            status=400 if plan.problems or form.errors else 200,
        )
    personal_data.child_shown(user=request.user, child=kid, page="merge")
    personal_data.merge_candidates_shown(
        user=request.user, child=kid, search=query, children=candidates
    )
    return render(
        request,
        "growth/child_merge.html",
        {"child": kid, "form": form, "q": query, "n_candidates": len(candidates)},
        status=400 if posted else 200,
    )


def child_delete(request, pk):
    """Delete a child registered by mistake, with a reason; a child with measurements or a
    TPK target is not deleted (the page says why, and points to merging)."""
    kid = _child_to_change(request, pk)
    problems = duplicates.child_delete_problems(kid)
    form = ChildDeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and not problems:
        try:
            duplicates.child_delete(
                user=request.user, child=kid, alasan=form.cleaned_data["alasan"]
            )
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, _("The record of %(name)s was deleted.") % {"name": kid.nama})
            return redirect("growth:child_list")
    personal_data.child_shown(user=request.user, child=kid, page="delete")
    return render(
        request,
        "growth/child_delete.html",
        {"child": kid, "form": form, "problems": problems},
        status=400 if request.method == "POST" else 200,
    )
