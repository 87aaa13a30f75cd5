"""The shared spine holds across the apps: one place for permissions, scope codes kept by the
models themselves. These read the code and the model registry, so a new app that copies a role
check or a scope code by hand fails here before it spreads."""

import ast
from pathlib import Path

from django.apps import apps

from villagedesk.core.scoping import ScopeCodeField, ScopedQuerySet

PACKAGE = Path(__file__).resolve().parents[2]
# Roles belong to accounts (their definition, the capability table, the second factor's roles);
# settings name them only as a setting's value.
ROLE_HOMES = {"settings.py"}


def app_sources():
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if "/tests/" in relative or "/migrations/" in relative or relative.startswith("demo/"):
            continue
        if relative.endswith("/demo.py"):
            continue
        yield relative, ast.parse(path.read_text(encoding="utf-8"))


def test_no_app_tests_a_role_or_a_role_set_itself():
    found = []
    for relative, tree in app_sources():
        if relative in ROLE_HOMES or relative.startswith("accounts/"):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and (
                (isinstance(node.value, ast.Name) and node.value.id == "Role")
                or node.attr in {"assigned_prefixes", "may_reveal"}
                or node.attr.endswith("_ROLES")
            ):
                found.append(f"{relative}:{node.lineno} {ast.unparse(node)}")
            elif isinstance(node, ast.Name) and node.id.endswith("_ROLES"):
                found.append(f"{relative}:{node.lineno} {node.id}")
    assert not found, "ask accounts.permissions instead:\n" + "\n".join(found)


def test_every_row_with_an_area_code_keeps_it_itself():
    hand_kept = []
    for model in apps.get_models():
        field = next((f for f in model._meta.concrete_fields if f.name == "area_code"), None)
        if field is None or not model._meta.managed:
            continue
        if not isinstance(field, ScopeCodeField):
            hand_kept.append(model._meta.label)
        elif not isinstance(model._default_manager.all(), ScopedQuerySet):
            hand_kept.append(f"{model._meta.label} (no scoped queryset)")
    assert not hand_kept, hand_kept


def test_no_model_copies_a_scope_code_in_save():
    found = []
    for relative, tree in app_sources():
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and node.name == "save":
                for inner in ast.walk(node):
                    if (
                        isinstance(inner, ast.Attribute)
                        and inner.attr
                        in {
                            "area_code",
                            "county_code",
                            "area_prefix",
                        }
                        and isinstance(inner.ctx, ast.Store)
                    ):
                        found.append(f"{relative}:{inner.lineno}")
    assert not found, found
