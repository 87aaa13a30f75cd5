"""Narrow a user with several areas to the one they chose in the area switcher."""

FOCUS_SESSION_KEY = "focus_area_prefix"


class AreaFocusMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            request.user.focus_prefix = request.session.get(FOCUS_SESSION_KEY)
        return self.get_response(request)
