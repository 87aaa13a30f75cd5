"""The resident work team (驻村工作队): the users assigned to a village as its team members.

Team members keep a diary of their days in the village, and supervisors read it on the
attendance sheet. Being on the team is a fact about an assignment, not something a user may do:
no capability of `accounts.permissions` says it (several roles record fieldwork or write people
notes, only the team keeps a diary), so this is the one place fieldwork names a role.
"""

from django.db.models import QuerySet

from villagedesk.accounts.models import Assignment, Role, User

TEAM_ROLE = Role.CADRE


def team_assignments() -> QuerySet[Assignment]:
    """Assignments of users to areas as members of the resident work team, of any period."""
    return Assignment.objects.filter(role=TEAM_ROLE)


def team_prefixes(user: User) -> list[str]:
    """The widest prefixes of the areas the user is a team member of today."""
    return user.assigned_prefixes({TEAM_ROLE})
