"""Helpers for the tests of each app's forms against lost updates and double submits."""

import re

from villagedesk.core.saving import validated_save

STALE_REFUSAL = "Someone else saved this record while you were editing it"
SAVED_ONCE = "This form was sent twice; it was saved only once."


def answered_as_repeat(client, first, again) -> bool:
    """Whether the second sending was led back to where the first went, saying it was a repeat."""
    if not (first.status_code == again.status_code == 302):
        return False
    if first["Location"] != again["Location"]:
        return False
    return SAVED_ONCE in client.get(again["Location"]).content.decode()


def guard_value(response, name: str) -> str:
    """The hidden guard input (`version` or `form_token`) the page's form carries."""
    assert response.status_code == 200, response.status_code
    found = re.search(rf'name="{name}" value="([^"]+)"', response.content.decode())
    assert found, f"the form carries no {name}"
    return found.group(1)


def sent_twice(client, form_url: str, data, *, post_url: str | None = None):
    """Send the form of `form_url` twice with one token, as a double click does; `data` is a
    dict, or a callable giving one (fresh file objects for each sending)."""
    token = guard_value(client.get(form_url), "form_token")
    fields = data if callable(data) else lambda: data
    target = post_url or form_url
    return [client.post(target, {**fields(), "form_token": token}) for _ in range(2)]


def sent_stale(client, url: str, data: dict, *, meanwhile):
    """Send an edit form filled before `meanwhile()` saved the record."""
    version = guard_value(client.get(url), "version")
    meanwhile()
    return client.post(url, {**data, "version": version})


def saved_meanwhile(instance, *, by, **changes):
    """Save the record as another user would, through the same versioned save."""
    fresh = type(instance)._base_manager.get(pk=instance.pk)
    for name, value in changes.items():
        setattr(fresh, name, value)
    validated_save(fresh, by=by)
    return fresh
