"""The project's set-up: environment.yml in step with pyproject.toml, README and CI entry point,
and how the report batch's modules depend on one another."""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


# The packages conda-forge names otherwise than PyPI (its "build" is another package).
CONDA_NAMES = {"build": "python-build"}


def requirement_name(text: str) -> str:
    name = re.split(r"[<>=!~ \[]", text.strip(), maxsplit=1)[0].lower().replace("_", "-")
    return CONDA_NAMES.get(name, name)


def test_environment_yml_lists_the_same_packages_as_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    listed = project["dependencies"] + project["optional-dependencies"]["dev"]
    # Each requirement as conda writes it: its conda name, the same versions.
    wanted = {requirement_name(r): re.sub(r"^[\w.-]+", requirement_name(r), r.strip()) for r in listed}
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


# -- the report batch's modules ------------------------------------------------------------------

LIBRARY = ROOT / "bnn_lib"
REPORTING = LIBRARY / "reporting"


def private_names_used(path: Path) -> list[str]:
    """The underscore-prefixed names ``path`` takes from bnn_lib modules: imported by name
    (``from bnn_lib.x import _y``), or read off an imported bnn_lib name (``x._y``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    ours, found = set(), []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith("bnn_lib")):
            for alias in node.names:
                if alias.name.startswith("_"):
                    found.append(f"{node.module}.{alias.name}")
                ours.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            ours |= {(a.asname or a.name).split(".")[0] for a in node.names if a.name.startswith("bnn_lib")}
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in ours
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
        ):
            found.append(f"{node.value.id}.{node.attr}")
    return found


def bnn_imports(path: Path) -> set[str]:
    """The bnn_lib modules ``path`` imports, by name (``from bnn_lib.reporting import batch``
    counts as ``bnn_lib.reporting.batch``)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("bnn_lib"):
            names |= {node.module, *(f"{node.module}.{a.name}" for a in node.names)}
        elif isinstance(node, ast.Import):
            names |= {a.name for a in node.names if a.name.startswith("bnn_lib")}
    return names


def test_private_name_check_sees_both_forms(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import os\nfrom bnn_lib.reporting import batch\nfrom bnn_lib.reporting.batch import _child, run\n"
        "os._exit(0)\nbatch._receive()\nrun.__name__\n"
    )
    assert private_names_used(sample) == ["bnn_lib.reporting.batch._child", "batch._receive"]


def test_the_dask_runner_uses_no_private_name_of_another_module():
    modules = sorted(REPORTING.glob("cluster*.py"))
    assert len(modules) >= 2  # this machine's side and the worker's
    for path in modules:
        assert private_names_used(path) == [], path.name
        assert "bnn_lib.reporting.batch" not in bnn_imports(path), path.name


def test_only_sections_import_sections():
    """The batch, the workbook and the index page share words with the reports through
    ``reporting.words`` and ``reporting.reasons``; no module outside the sections imports one."""
    # The in-process engine imports them once before the batch forks, so that no report imports them.
    warm = LIBRARY / "reporting" / "engine.py"
    outside = [p for p in LIBRARY.rglob("*.py") if "sections" not in p.parts and p != warm]
    for path in outside:
        sections = {m for m in bnn_imports(path) if m.startswith("bnn_lib.reporting.sections")}
        assert not sections, f"{path.relative_to(LIBRARY)} imports {sections}"


def test_the_dask_test_harness_is_not_library_code():
    for path in LIBRARY.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        defined = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.ClassDef)}
        assert not defined & {"local_cluster", "LocalCluster"}, path


def test_every_module_stays_under_400_lines():
    """A module over 400 lines holds two things: split it by what it holds."""
    long = {
        p.relative_to(LIBRARY): n for p in LIBRARY.rglob("*.py") if (n := len(p.read_text("utf-8").splitlines())) >= 400
    }
    assert not long
