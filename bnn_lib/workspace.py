"""The workspace a command works on: a folder with a ``bnn.toml`` holding the user's input data,
their own specs, the reports and their copies of the research notebooks.

``bnn init DIR`` makes one (:func:`init`); the repository is one. A command works on the workspace
it is run in, found upward from the current folder, or on the one ``BNN_PROJECT`` names (``bnn
--project DIR``). Nothing is ever written inside the installed package (:mod:`bnn_lib.paths`).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sys
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import tomli_w

from bnn_lib.paths import NOTEBOOKS_DIR

# The research notebooks a workspace gets a copy of, to change and keep (the reports' stay here).
LAB_NOTEBOOKS = ("eksplorasi.ipynb", "bagaimana_jika.ipynb")
WORKSPACE_FILE = "bnn.toml"
# What a bnn.toml may say: the suite version that made the workspace (a record), the data folder,
# and whether the user's own specs win over shipped ones of the same id.
SETTINGS = ("suite_version", "data", "own_specs")
PROJECT_VARIABLE = "BNN_PROJECT"  # the workspace a command works on, when set (``--project``)
DISTRIBUTION = "bnn-suite"


class WorkspaceError(Exception):
    """No workspace where one is needed: the message says how to make or name one."""


@dataclass(frozen=True)
class Workspace:
    """A workspace's folders. ``data``: where the input tables of each year are read from by
    default (``bnn.toml``'s ``data``, relative to the workspace); ``own_specs``: whether a spec
    of the user's in ``specs/`` is used in place of a shipped one of the same id."""

    root: Path
    data: Path
    own_specs: bool = False

    @property
    def specs(self) -> Path:
        return self.root / "specs"

    @property
    def reports(self) -> Path:
        return self.root / "reports"

    @property
    def notebooks(self) -> Path:
        return self.root / "notebooks"


@contextlib.contextmanager
def working_on(project: Path | None) -> Iterator[None]:
    """Work on the workspace ``project`` (None: as before) within the block: ``BNN_PROJECT``
    names it, so that the report kernels and worker processes started there inherit it, and is
    as it was after."""
    before = os.environ.get(PROJECT_VARIABLE)
    if project:
        os.environ[PROJECT_VARIABLE] = str(project.resolve())
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(PROJECT_VARIABLE, None)
        else:
            os.environ[PROJECT_VARIABLE] = before


def suite_version() -> str:
    """The installed suite's version ("0+unknown" where it runs from a folder never installed)."""
    try:
        return version(DISTRIBUTION)
    except PackageNotFoundError:
        return "0+unknown"


def find_workspace(start: str | Path | None = None) -> Path | None:
    """The workspace holding ``start``: the nearest folder, it or above, with a ``bnn.toml``.
    Without ``start``, the one ``BNN_PROJECT`` names, else the current folder's. None where
    there is none."""
    named = os.environ.get(PROJECT_VARIABLE)
    if start is None and named:
        return Path(named).resolve()
    here = Path(start or Path.cwd()).resolve()
    return next((folder for folder in (here, *here.parents) if (folder / WORKSPACE_FILE).is_file()), None)


def workspace(start: str | Path | None = None) -> Workspace:
    """The workspace a command works on (:func:`find_workspace`), its ``bnn.toml`` read; raises
    :class:`WorkspaceError` where there is none or its ``bnn.toml`` cannot be read."""
    root = find_workspace(start)
    if root is None:
        raise WorkspaceError(
            f"{Path(start or Path.cwd()).resolve()}: bukan ruang kerja bnn (tidak ada {WORKSPACE_FILE} di sini "
            "atau di atasnya); buat dengan `bnn init FOLDER` atau sebut dengan `bnn --project FOLDER`"
        )
    file = root / WORKSPACE_FILE
    try:
        settings = tomllib.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise WorkspaceError(
            f"{root}: bukan ruang kerja bnn (tidak ada {WORKSPACE_FILE}); buat dengan `bnn init {root}`"
        ) from None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise WorkspaceError(f"{file}: bukan TOML yang sah ({exc})") from None
    unknown = sorted(set(settings) - set(SETTINGS))
    if unknown:
        raise WorkspaceError(f"{file}: {', '.join(unknown)} tidak dikenal; yang dikenal: {', '.join(SETTINGS)}")
    data, own = settings.get("data", "data"), settings.get("own_specs", False)
    if not isinstance(data, str) or not data:
        raise WorkspaceError(f'{file}: data = {data!r}: tulis nama folder data, mis. data = "data"')
    if not isinstance(own, bool):  # "false" in quotes would otherwise read as true
        raise WorkspaceError(f"{file}: own_specs = {own!r}: tulis true atau false, tanpa tanda kutip")
    return Workspace(root, (root / data).resolve(), own)


def data_folder(data: str | Path | None = None) -> Path:
    """The folder of the yearly inputs: ``data``, or the workspace's (``bnn.toml``)."""
    return Path(data) if data else workspace().data


def init(folder: str | Path) -> tuple[Path, list[Path]]:
    """Make ``folder`` a workspace: ``bnn.toml`` (the suite version that made it, the data
    folder), ``data/``, ``specs/``, ``reports/`` and ``notebooks/`` with a copy of each research
    notebook. What is there already is kept, never overwritten (``bnn init`` on a workspace adds
    only what it lacks). Returns the workspace and the files and folders made."""
    root = Path(folder).resolve()
    made: list[Path] = []
    root.mkdir(parents=True, exist_ok=True)
    file = root / WORKSPACE_FILE
    if not file.exists():
        settings = {"suite_version": suite_version(), "data": "data", "own_specs": False}
        file.write_text(WORKSPACE_HEADER + tomli_w.dumps(settings), encoding="utf-8")
        made.append(file)
    place = workspace(root)  # as its bnn.toml says, where one was there already
    for folder in (place.data, place.specs, place.reports, place.notebooks):
        if not folder.exists():
            folder.mkdir(parents=True)
            made.append(folder)
    for name in LAB_NOTEBOOKS:
        if not (place.notebooks / name).exists():
            shutil.copyfile(NOTEBOOKS_DIR / name, place.notebooks / name)
            made.append(place.notebooks / name)
    return root, made


WORKSPACE_HEADER = """\
# Ruang kerja bnn: perintah bnn yang dijalankan di folder ini (atau di bawahnya) membaca dan
# menulis di sini. suite_version: versi yang membuatnya; data: folder data masukan per tahun
# (<data>/<tahun>/...); own_specs = true: spesifikasi Anda di specs/ dipakai menggantikan
# spesifikasi bawaan yang id-nya sama.
"""


def lab_command(place: Workspace, extra: list[str] | None = None) -> tuple[list[str], dict[str, str]]:
    """The command (and its environment) that opens JupyterLab in ``place`` with this suite's
    Python as the notebooks' kernel (:func:`write_kernel`): the workspace's ``.bnn/`` comes first
    on ``JUPYTER_PATH``, so a ``python3`` kernel of another environment the user installed cannot
    take its place. ``extra``: JupyterLab's own options."""
    paths = [str(place.root / ".bnn"), *filter(None, [os.environ.get("JUPYTER_PATH")])]
    env = {**os.environ, "JUPYTER_PATH": os.pathsep.join(paths), PROJECT_VARIABLE: str(place.root)}
    command = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={place.root}", *(extra or [])]
    return command, env


def write_kernel(place: Workspace) -> Path:
    """Write the kernel named ``python3`` that runs this suite's Python under the workspace's
    ``.bnn/kernels/`` (what :func:`lab_command` puts first); returns its file."""
    kernel = place.root / ".bnn" / "kernels" / "python3" / "kernel.json"
    kernel.parent.mkdir(parents=True, exist_ok=True)
    spec = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": f"Python (bnn-suite {suite_version()})",
        "language": "python",
    }
    kernel.write_text(json.dumps(spec, indent=1), encoding="utf-8")
    return kernel
