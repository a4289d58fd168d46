from django.shortcuts import render

from kampungkb.growth import selectors


def child_list(request):
    search = request.GET.get("q", "").strip()[:100]
    children = selectors.child_list(user=request.user, search=search)[:200]
    return render(request, "growth/child_list.html", {"children": children, "search": search})
