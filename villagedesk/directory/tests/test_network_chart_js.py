"""The network chart labels every node with its short name and shows names as text only."""

import json
import shutil
import subprocess  # noqa: S404 - runs node on files of this repository
from pathlib import Path

import pytest

HERE = Path(__file__).parent
NETWORK_JS = HERE.parent / "static" / "directory" / "network.js"
NODE = shutil.which("node")
NAME = '<img src=x onerror="alert(1)">'
ORGANISATION = "<b>乡政府</b>"


def chart_shown(data: dict) -> dict:
    run = subprocess.run(  # noqa: S603 - fixed arguments
        [NODE, str(HERE / "network_harness.js"), str(NETWORK_JS), json.dumps(data)],
        capture_output=True,
        text=True,
        check=True,
        timeout=20,
    )
    return json.loads(run.stdout)


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_every_node_is_labelled_and_its_tooltip_is_text():
    # More nodes than the chart used to label, to check that all of them are.
    nodes = [
        {"id": str(n), "name": f"人{n}", "short": f"人{n}", "symbolSize": 8, "category": ""}
        for n in range(120)
    ]
    nodes[0].update(name=NAME, short="<img src…", category=ORGANISATION)
    shown = chart_shown({"nodes": nodes, "links": [], "next": None})
    assert shown["labelShown"] is True
    assert [node["label"] for node in shown["nodes"]] == [node["short"] for node in nodes]
    tooltip = shown["nodes"][0]["tooltip"]
    assert "html" not in tooltip, "a string given to ECharts' tooltip is read as HTML"
    assert tooltip["text"] == f"{NAME}||{ORGANISATION}"
    assert shown["nodes"][1]["tooltip"]["text"] == "人1"
