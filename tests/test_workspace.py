"""Workspaces: ``bnn init`` makes one and never overwrites, commands find theirs (or say there is
none), a user's own spec wins over a shipped one of the same id only when the workspace asks, and
``bnn lab`` opens JupyterLab there with the suite's Python as the kernel."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import tomllib
import urllib.request
from pathlib import Path

import pytest

from bnn_lib import cli
from bnn_lib.paths import SPECS_DIR
from bnn_lib.spec import list_specs, load_spec, modify, shadowed_specs, write_spec
from bnn_lib.workspace import PROJECT_VARIABLE, WorkspaceError, init, workspace

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A new workspace, the current folder (as a user who ran ``bnn init`` and went in)."""
    monkeypatch.delenv(PROJECT_VARIABLE, raising=False)
    root, _ = init(tmp_path / "kerja")
    monkeypatch.chdir(root)
    return root


def test_init_makes_the_folders_and_keeps_what_is_there(tmp_path):
    root, made = init(tmp_path / "kerja")
    names = {p.relative_to(root).as_posix() for p in made}
    assert names == {
        "bnn.toml",
        "data",
        "specs",
        "reports",
        "notebooks",
        "notebooks/eksplorasi.ipynb",
        "notebooks/bagaimana_jika.ipynb",
    }
    settings = tomllib.loads((root / "bnn.toml").read_text(encoding="utf-8"))
    assert settings["data"] == "data" and settings["own_specs"] is False and settings["suite_version"]
    # A second init on the same folder (or on the repository) adds nothing and overwrites nothing.
    (root / "notebooks" / "eksplorasi.ipynb").write_text("{}", encoding="utf-8")
    (root / "bnn.toml").write_text('data = "masukan"\n', encoding="utf-8")
    assert init(root)[1] == [tmp_path / "kerja" / "masukan"]
    assert (root / "notebooks" / "eksplorasi.ipynb").read_text(encoding="utf-8") == "{}"
    assert workspace(root).data == root / "masukan"


def test_a_workspace_is_found_from_a_folder_inside_it(place, monkeypatch):
    (place / "data" / "2024").mkdir()
    monkeypatch.chdir(place / "data" / "2024")
    assert workspace().root == place and workspace().reports == place / "reports"


def test_the_repository_is_a_workspace_with_the_sample_as_its_data():
    assert workspace(ROOT).root == ROOT and workspace(ROOT).data == ROOT / "data" / "sample"


def test_outside_a_workspace_a_command_says_how_to_make_one(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv(PROJECT_VARIABLE, raising=False)
    monkeypatch.chdir(tmp_path)
    assert cli.main(["compute", "--year", "2024"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "bukan ruang kerja" in err and "bnn init" in err and str(tmp_path) in err
    with pytest.raises(WorkspaceError):
        workspace(tmp_path)


def test_project_names_the_workspace_from_anywhere(place, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert cli.main(["--project", str(place), "lab", "--dry-run"]) == 0
    assert f"--ServerApp.root_dir={place}" in capsys.readouterr().out
    assert PROJECT_VARIABLE not in os.environ  # set for the command's own processes only
    assert not (place / ".bnn").exists()  # a dry run writes nothing
    assert cli.main(["--project", str(tmp_path / "tidak-ada"), "lab", "--dry-run"]) == 1
    assert "bukan ruang kerja" in capsys.readouterr().err
    assert cli.main(["--project", str(tmp_path / "baru"), "init"]) == 0
    assert (tmp_path / "baru" / "bnn.toml").is_file()


def test_a_command_given_every_folder_needs_no_workspace(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv(PROJECT_VARIABLE, raising=False)
    monkeypatch.chdir(tmp_path)
    assert cli.main(["export", "--year", "2024", "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "belum ada hasil tahun 2024" in err and "ruang kerja" not in err


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("data = [", "bukan TOML yang sah"),
        ('own_specs = "false"', "own_specs = 'false': tulis true atau false"),
        ("own_spec = true", "own_spec tidak dikenal"),
        ("data = 3", "data = 3: tulis nama folder data"),
    ],
)
def test_a_wrong_bnn_toml_is_named_never_guessed(place, capsys, text, said):
    (place / "bnn.toml").write_text(text, encoding="utf-8")
    assert cli.main(["compute", "--year", "2024"]) == 1
    err = capsys.readouterr().err
    assert f"{place / 'bnn.toml'}: " in err and said in err and err.count("\n") == 1
    # The specs the library picks must not depend on a typo either.
    with pytest.raises(WorkspaceError):
        load_spec("ikotan-dayamas-2022")


def test_the_sample_is_not_written_among_an_office_s_data(place, capsys):
    (place / "data" / "2024").mkdir()
    (place / "data" / "2024" / "ikotan_survey.xlsx").write_bytes(b"")
    assert cli.main(["sample"]) == 1
    assert "bukan data contoh" in capsys.readouterr().err
    assert [p.name for p in (place / "data" / "2024").iterdir()] == ["ikotan_survey.xlsx"]


def test_a_user_spec_of_a_shipped_id_is_used_only_when_asked(place):
    shipped = load_spec("ikotan-dayamas-2022")
    own = modify(shipped, {"variables.ketahanan_keluarga.weight": 2.0}, id="ikotan-dayamas-2022")
    write_spec(own, place / "specs" / "ikotan-dayamas-2022.toml")
    write_spec(modify(shipped, {}, id="ikotan-saya"), place / "specs" / "ikotan-saya.toml")
    # By default the shipped spec is used, and the copy is listed as set aside.
    assert load_spec("ikotan-dayamas-2022").path == str(SPECS_DIR / "ikotan-dayamas-2022.toml")
    assert shadowed_specs() == ["ikotan-dayamas-2022"]
    # A spec of a new id is found by its id, and listed.
    assert load_spec("ikotan-saya").path == str(place / "specs" / "ikotan-saya.toml")
    assert "ikotan-saya" in list_specs()
    # Asked for in bnn.toml, the user's copy wins, and results record its file.
    text = (place / "bnn.toml").read_text(encoding="utf-8").replace("own_specs = false", "own_specs = true")
    (place / "bnn.toml").write_text(text, encoding="utf-8")
    used = load_spec("ikotan-dayamas-2022")
    assert used.path == str(place / "specs" / "ikotan-dayamas-2022.toml")
    assert {v.id: v.weight for v in used.variables}["ketahanan_keluarga"] == 2.0
    assert shadowed_specs() == []


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, deadline: float) -> dict | None:
    """The JSON at ``url`` once the server answers; None if it never does before ``deadline``."""
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return json.loads(response.read())
        except OSError:
            time.sleep(0.5)
    return None


def test_lab_opens_jupyterlab_in_the_workspace_with_the_suite_s_python(place):
    port = _free_port()
    options = ["--no-browser", f"--port={port}", "--IdentityProvider.token="]
    options += ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []  # CI runs as root
    command = [sys.executable, "-m", "bnn_lib.cli", "lab", "--", *options]
    # A python3 kernel of another environment, where Jupyter looks for kernels first of all.
    foreign = place.parent / "lain" / "kernels" / "python3"
    foreign.mkdir(parents=True)
    (foreign / "kernel.json").write_text(json.dumps({"argv": ["/tidak/ada/python", "-m", "ipykernel"]}))
    env = {**os.environ, "JUPYTER_PATH": str(place.parent / "lain")}
    # A session of its own: ``bnn lab`` starts JupyterLab as its child, and both are stopped.
    server = subprocess.Popen(
        command, cwd=place, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        base = f"http://127.0.0.1:{port}"
        kernels = _get(f"{base}/api/kernelspecs", time.monotonic() + 60)
        assert kernels is not None, "JupyterLab did not start"
        assert kernels["kernelspecs"]["python3"]["spec"]["argv"][0] == sys.executable
        listed = _get(f"{base}/api/contents/notebooks", time.monotonic() + 10)
        assert sorted(item["name"] for item in listed["content"]) == ["bagaimana_jika.ipynb", "eksplorasi.ipynb"]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
