"""`.env.example` lists every environment variable the settings read, so none is a secret."""

import ast
import re

from django.conf import settings

READERS = {"env_bool", "env_list", "env_secret"}


def variables_read_by_settings() -> set[str]:
    tree = ast.parse((settings.BASE_DIR / "villagedesk" / "settings.py").read_text("utf-8"))
    names = set()
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and node.args):
            continue
        first = node.args[0]
        if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id in READERS:
            names.add(first.value)
            if func.id == "env_secret":
                names.add(f"{first.value}_FILE")
        elif (
            isinstance(func, ast.Attribute)
            and func.attr == "get"
            and ast.unparse(func.value) == "os.environ"
        ):
            names.add(first.value)
    return names


def test_env_example_lists_every_variable_the_settings_read():
    example = (settings.BASE_DIR / ".env.example").read_text("utf-8")
    listed = set(re.findall(r"\b([A-Z][A-Z0-9_]+)=", example))
    read = variables_read_by_settings()
    assert {"DATABASE_URL", "SECRET_KEY_FILE", "SECURE_COOKIES", "MAP_TILE_URL"} <= read
    assert read - listed == set()
