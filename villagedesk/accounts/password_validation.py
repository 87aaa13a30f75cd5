"""Password rules beyond Django's own: a mix of character classes."""

from django.core.exceptions import ValidationError
from django.utils.translation import ngettext


def character_classes(password: str) -> int:
    """How many of the four classes (lower case, upper case, digits, anything else) appear."""
    return sum(
        [
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not (c.islower() or c.isupper() or c.isdigit()) for c in password),
        ]
    )


class CharacterClassesValidator:
    """Require characters of at least `min_classes` of the four classes (等保2.0: complexity)."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        if character_classes(password) < self.min_classes:
            raise ValidationError(self.get_error_message(), code="password_too_simple")

    def get_error_message(self) -> str:
        return ngettext(
            "This password mixes too few kinds of characters: use at least %(count)d of lower "
            "case letters, upper case letters, digits and other characters.",
            "This password mixes too few kinds of characters: use at least %(count)d of lower "
            "case letters, upper case letters, digits and other characters.",
            self.min_classes,
        ) % {"count": self.min_classes}

    def get_help_text(self) -> str:
        return ngettext(
            "Your password must mix at least %(count)d of: lower case letters, upper case "
            "letters, digits, other characters.",
            "Your password must mix at least %(count)d of: lower case letters, upper case "
            "letters, digits, other characters.",
            self.min_classes,
        ) % {"count": self.min_classes}
