from villagedesk.accounts import permissions
from villagedesk.accounts.permissions import Capability
from villagedesk.accounts.selectors import assigned_area_list


def areas(request):
    """The area switcher (the user's assigned areas and the one in focus) and the links of the
    menu that depend on what the user may do anywhere."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "my_areas": assigned_area_list(user=user),
        "focus_prefix": getattr(user, "focus_prefix", None),
        "may_keep_registry": permissions.holds_anywhere(user, Capability.KEEP_REGISTRY),
        "may_keep_diary": permissions.holds_anywhere(user, Capability.KEEP_DIARY),
        "may_record_fieldwork": permissions.holds_anywhere(user, Capability.RECORD_FIELDWORK),
        "may_supervise": permissions.holds_anywhere(user, Capability.SUPERVISE),
        "may_make_reports": permissions.holds_anywhere(user, Capability.MAKE_REPORTS),
    }
