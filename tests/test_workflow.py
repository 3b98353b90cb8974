"""The CI workflow for data pull requests runs the commands officials' errors come from."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def test_workflow_validates_builds_and_checks_data_pull_requests() -> None:
    workflow = yaml.safe_load((ROOT / ".github/workflows/data.yml").read_text(encoding="utf-8"))
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as a boolean
    assert "data/**" in triggers["pull_request"]["paths"]
    steps = workflow["jobs"]["kiem-tra"]["steps"]
    script = "\n".join(step.get("run", "") for step in steps)
    assert "antq validate data --strict --format github" in script
    assert "antq build" in script and "antq check public" in script
    assert "GITHUB_STEP_SUMMARY" in script
    report = steps[-1]
    assert report["if"] == "always()" and "Kết quả kiểm tra dữ liệu" in report["run"]
