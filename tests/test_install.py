"""The suite as a tool: built as an sdist and a wheel, installed into a fresh environment outside
the repository, and used there as an office would: ``bnn init``, ``bnn sample``, ``bnn compute``
and ``bnn reports`` in a workspace. Everything made is inside the workspace, and the installed
package's files are as installed.

The fresh environment takes the suite's dependencies from this one (a path file naming this
environment's site-packages) instead of downloading them: what is tested is the wheel, its package
data and its entry point, not PyPI."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# What the wheel must ship beside the code, one file of each kind.
SHIPPED = [
    "bnn_lib/data/specs/ikotan-dayamas-2022.toml",
    "bnn_lib/data/regions/kabkota.csv",
    "bnn_lib/data/regions/code_history.csv",
    "bnn_lib/data/rules/prioritas.toml",
    "bnn_lib/data/names.toml",
    "bnn_lib/data/geo/provinces.geojson",
    "bnn_lib/notebooks/laporan_provinsi.ipynb",
    "bnn_lib/notebooks/eksplorasi.ipynb",
    "bnn_lib/notebooks/bagaimana_jika.ipynb",
    "bnn_lib/reporting/report.css",
]


def run(command: list, cwd: Path, env: dict | None = None) -> str:
    """Run ``command``; its output, or a failure that shows it."""
    done = subprocess.run([str(c) for c in command], cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, (
        f"{command[0]} {command[1]}: {done.returncode}\n{done.stdout[-3000:]}{done.stderr[-3000:]}"
    )
    return done.stdout


def files_of(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` but compiled bytecode, by relative path: its SHA-256."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sdist, and the wheel built from it, as ``python -m build`` makes them."""
    out = tmp_path_factory.mktemp("dist")
    run([sys.executable, "-m", "build", "--no-isolation", "--outdir", out, ROOT], cwd=ROOT)
    return out


def test_the_wheel_ships_the_specs_the_registry_the_rules_and_the_notebooks(dist):
    (wheel,) = dist.glob("bnn_suite-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert set(SHIPPED) <= names, set(SHIPPED) - names
    specs = {Path(n).name for n in names if n.startswith("bnn_lib/data/specs/")}
    assert specs == {p.name for p in (ROOT / "bnn_lib" / "data" / "specs").glob("*.toml")}
    assert any(n.endswith("entry_points.txt") for n in names)
    (sdist,) = dist.glob("bnn_suite-*.tar.gz")
    assert sdist.stat().st_size > 0


def test_installed_into_a_fresh_environment_it_works_in_a_workspace(dist, tmp_path):
    (wheel,) = dist.glob("bnn_suite-*.whl")
    env = tmp_path / "env"
    venv.create(env, with_pip=False)
    python = env / "bin" / "python"
    site = Path(run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], cwd=tmp_path).strip())
    (site / "dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")
    run([sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index", wheel], cwd=tmp_path)
    package = site / "bnn_lib"
    installed = files_of(package)
    assert set(SHIPPED) - {"bnn_lib/" + name for name in installed} == set()

    # Nothing tells the installed suite where the repository is: not the folder, not the variables.
    environ = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "BNN_PROJECT", "VIRTUAL_ENV")}
    environ["PATH"] = f"{env / 'bin'}{os.pathsep}{environ.get('PATH', '')}"
    # The dependencies' own data files (nbconvert's templates) where pip would have put them.
    environ["JUPYTER_PATH"] = str(Path(sysconfig.get_path("data")) / "share" / "jupyter")
    where = run([python, "-c", "import bnn_lib; print(bnn_lib.__file__)"], cwd=tmp_path, env=environ)
    assert Path(where.strip()).parent == package

    bnn = env / "bin" / "bnn"
    run([bnn, "init", "kantor"], cwd=tmp_path, env=environ)
    place = tmp_path / "kantor"
    run([bnn, "sample"], cwd=place, env=environ)
    quick = ["--replicates", "0", "--samples", "0", "--no-progress"]  # no bootstrap, no Monte Carlo
    run([bnn, "compute", "--year", "2024", *quick], cwd=place, env=environ)
    run([bnn, "reports", "--year", "2024", "--province", "11", "--jobs", "2", *quick], cwd=place, env=environ)

    # A researcher's variant in the workspace's specs/, found there by its id, compared.
    make = "from bnn_lib.spec import load_spec, modify, write_spec; s = load_spec('ikotan-dayamas-2022'); "
    make += "write_spec(modify(s, {'variables.hukum.weight': 3.0}, id='ikotan-varian'), 'specs/ikotan-varian.toml')"
    run([python, "-c", make], cwd=place, env=environ)
    run([bnn, "compare", "--year", "2024", "--variant", "ikotan=ikotan-varian", *quick[:4]], cwd=place, env=environ)
    lab = run([bnn, "lab", "--dry-run"], cwd=place, env=environ)
    assert f"--ServerApp.root_dir={place}" in lab and lab.startswith(str(python))

    reports = place / "reports" / "2024"
    assert (place / "data" / "2024").is_dir() and (place / "data" / "metadata.json").is_file()
    assert (reports / "provinsi-11.html").is_file() and (reports / "index.html").is_file()
    assert "bobot variabel “Hukum”" in (place / "reports" / "perbandingan-2024.html").read_text(encoding="utf-8")
    kabkota = sorted((reports / "kabkota").glob("kabkota-11.*.html"))
    assert kabkota, sorted(p.name for p in reports.iterdir())
    # The results record the shipped spec they used, read from the installed package.
    meta = json.loads((reports / "results" / "specs.json").read_text(encoding="utf-8"))
    assert Path(meta["specs"]["ikotan"]["path"]).parent == package / "data" / "specs"
    # Only the environment, the wheel's folder and the workspace are in the temporary folder, and
    # the package is as installed: nothing was written inside it.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["env", "kantor"]
    assert files_of(package) == installed
