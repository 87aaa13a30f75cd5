"""The village map hands names to Leaflet as text nodes, never as HTML strings."""

import json
import shutil
import subprocess  # noqa: S404 - runs node on files of this repository
from pathlib import Path

import pytest

HERE = Path(__file__).parent
PROFILE_JS = HERE.parent / "static" / "directory" / "profile.js"
NODE = shutil.which("node")
NAME = '<img src=x onerror="alert(1)">'


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_point_names_reach_leaflet_as_text():
    points = [
        {"name": NAME, "category": "<b>School</b>", "code": "school", "lat": 25.5, "lng": 102.5}
    ]
    run = subprocess.run(  # noqa: S603 - fixed arguments
        [NODE, str(HERE / "map_harness.js"), str(PROFILE_JS), json.dumps(points)],
        capture_output=True,
        text=True,
        check=True,
        timeout=20,
    )
    bound = json.loads(run.stdout)
    assert [kind for kind, _content in bound] == ["tooltip", "popup"]
    for _kind, content in bound:
        assert "html" not in content, "a string given to Leaflet is read as HTML"
        assert NAME in content["text"]
