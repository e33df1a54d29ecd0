"""The project's set-up: environment.yml in step with pyproject.toml, README and CI entry point."""

from __future__ import annotations

import re
import tomllib

from bnn_lib.paths import ROOT


def requirement_name(text: str) -> str:
    return re.split(r"[<>=!~ \[]", text.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_lists_the_same_packages_as_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {requirement_name(r): r.strip() for r in project["dependencies"] + project["optional-dependencies"]["dev"]}
    conda = {}
    text = (ROOT / "environment.yml").read_text()
    for line in text.split("dependencies:", 1)[1].splitlines():
        match = re.match(r"\s+- ([A-Za-z][\w.-]*)(.*)$", line)
        if match and match.group(1) not in ("python", "pip"):
            conda[match.group(1).lower()] = (match.group(1) + match.group(2)).replace(" ", "")
    assert set(conda) == set(wanted), (
        f"only in environment.yml: {set(conda) - set(wanted)}; only in pyproject: {set(wanted) - set(conda)}"
    )
    for name, requirement in wanted.items():
        assert conda[name] == requirement.replace(" ", ""), f"{name}: versions differ"


def test_readme_starts_with_the_two_commands():
    lines = [line for line in (ROOT / "README.md").read_text().splitlines() if line.strip()]
    block = lines[lines.index("```sh") + 1 : lines.index("```sh") + 3]
    assert block == ["make reports", "make test"]
    assert lines.index("```sh") < 4


def test_ci_runs_make_test():
    assert "make test" in (ROOT / ".ci" / "run").read_text()
