from accounts.menu import household_roles, navigation_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"menu": [], "quick_search": False}
    return {"menu": navigation_for(user), "quick_search": any(user.has_role(role) for role in household_roles())}
