"""The background worker's part in tests: run the tasks of one kind that are waiting."""

from collections.abc import Callable

from django_tasks_db.models import DBTaskResult


def waiting_tasks_run(task_path: str, body: Callable) -> int:
    """Run the waiting tasks of `task_path` through `body`, as `db_worker` would; how many ran."""
    waiting = list(DBTaskResult.objects.ready().filter(task_path=task_path))
    for task in waiting:
        body(**task.args_kwargs["kwargs"])
        task.delete()
    return len(waiting)
