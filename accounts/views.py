from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from accounts.menu import menu_for


@login_required
def home(request):
    user = request.user
    return render(
        request,
        "accounts/home.html",
        {
            "union_chain": user.organization.ancestors(),
            "role": user.role,
            "entries": menu_for(user),
        },
    )
