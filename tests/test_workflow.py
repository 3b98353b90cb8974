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


def _vietnam_day_epoch_command(script: str) -> str:
    import re

    match = re.search(r"\$\((date -u -d \"\$\(TZ=Asia/Ho_Chi_Minh date \+%F\)\" \+%s)\)", script)
    assert match, script
    return match.group(1)


def test_daily_rebuild_sets_the_build_date_to_the_day_in_vietnam() -> None:
    """Issue 14: a law taking effect on 01/7 flips that day without a commit; a lapse does not
    stop publishing, and is not silent (an issue is opened, the run fails)."""
    import subprocess
    from datetime import UTC, datetime, time
    from zoneinfo import ZoneInfo

    workflow = yaml.safe_load((ROOT / ".github/workflows/lich.yml").read_text(encoding="utf-8"))
    cron = workflow[True]["schedule"][0]["cron"]
    minute, hour = (int(x) for x in cron.split()[:2])
    assert hour == 17 and minute < 60  # 00:xx in Vietnam (UTC+7)
    steps = workflow["jobs"]["dung-lai"]["steps"]
    runs = [step.get("run", "") for step in steps]
    script = "\n".join(runs)
    assert "SOURCE_DATE_EPOCH" in script
    assert "antq validate data --strict --allow-lapsed-law" in script
    assert "antq build --strict --allow-lapsed-law" in script
    alert = runs[-1]
    assert "antq validate data --strict >" in alert and "--allow-lapsed-law" not in alert
    assert "gh issue create" in alert and "exit 1" in alert
    # The date expression gives 00:00 UTC of today's date in Vietnam (so the build's date,
    # read in UTC by generator.revision, is that day).
    command = _vietnam_day_epoch_command(script)
    out = subprocess.run(["bash", "-c", command], capture_output=True, text=True, check=True)
    day = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()
    expected = int(datetime.combine(day, time(), tzinfo=UTC).timestamp())
    assert abs(int(out.stdout) - expected) in (0, 86400)  # (a run across midnight)


def test_netlify_production_build_uses_the_day_and_allows_a_lapse() -> None:
    import tomllib

    config = tomllib.loads((ROOT / "netlify.toml").read_text(encoding="utf-8"))
    command = config["build"]["command"]
    assert _vietnam_day_epoch_command(command)
    assert "antq validate data --strict --allow-lapsed-law" in command
    # Deploy previews keep plain --strict: a pull request cannot cite a lapsed law.
    assert "--allow-lapsed-law" not in config["context"]["deploy-preview"]["command"]
