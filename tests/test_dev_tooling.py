"""The developer tooling agrees with CI."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_commit_hooks_run_the_ruff_that_ci_runs():
    pinned = re.search(r'"ruff==([^"]+)"', (ROOT / "pyproject.toml").read_text()).group(1)
    hooks = re.findall(r'"ruff==([^"]+)"', (ROOT / ".pre-commit-config.yaml").read_text())
    assert hooks and set(hooks) == {pinned}
