from villagedesk.accounts.selectors import assigned_area_list


def areas(request):
    """The area switcher: the user's assigned areas and the one in focus."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "my_areas": assigned_area_list(user=user),
        "focus_prefix": getattr(user, "focus_prefix", None),
    }
