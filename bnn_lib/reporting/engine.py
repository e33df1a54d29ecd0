"""A papermill engine that runs a notebook's cells in the current process.

The batch (:mod:`bnn_lib.reporting.local`) forks one fresh worker process per report from a
parent that has already imported pandas, matplotlib, seaborn and bnn_lib. Executing the cells
in that worker, instead of starting a Jupyter kernel, removes the kernel's start-up, its imports
and its shutdown (about 2 s a report) while each report still runs in a process of its own.

Papermill keeps doing what it does: parameter injection, cell timings, the output notebook, and
``PapermillExecutionError`` when a cell raises. Outputs are recorded as a kernel would send them:
streams, display data (figures as PNG through matplotlib's inline backend), execute results and
errors. The notebooks themselves stay ordinary notebooks: JupyterLab and the plain papermill CLI
run them with a normal kernel.

An executed notebook is kept beside the reports, which are shared: once it has run, the folders
of this machine in it (papermill's record of the notebook and output paths, a path parameter
such as ``results_dir``, the home folder in a traceback) are written relative or by name only
(:func:`portable_notebook`), since they name the machine and its user.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import nbformat
from IPython.core.displayhook import DisplayHook
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output
from papermill.engines import Engine, NotebookExecutionManager, papermill_engines
from traitlets.config import Config

from bnn_lib.reporting.charts import PNG_DPI

ENGINE_NAME = "bnn-inprocess"


class _RecordingDisplayHook(DisplayHook):
    """Keeps the rich representation of a cell's last expression instead of printing it."""

    def start_displayhook(self) -> None:
        self.shell.last_result = None

    def write_output_prompt(self) -> None:
        pass

    def write_format_data(self, format_dict: dict, md_dict: dict | None = None) -> None:
        self.shell.last_result = (format_dict, md_dict or {})

    def finish_displayhook(self) -> None:
        pass


class _RecordingShell(InteractiveShell):
    """An IPython shell that records errors and results as notebook outputs."""

    displayhook_class = _RecordingDisplayHook

    def init_instance_attrs(self) -> None:
        super().init_instance_attrs()
        self.last_error: dict | None = None
        self.last_result: tuple[dict, dict] | None = None

    def enable_gui(self, gui: str | None = None) -> None:
        """No event loop to integrate: figures go through the inline backend."""

    def _showtraceback(self, etype: type, evalue: BaseException, stb: list[str]) -> None:
        self.last_error = {"ename": etype.__name__, "evalue": str(evalue), "traceback": stb}


def _shell() -> _RecordingShell:
    """The process's shell, with matplotlib's inline backend (figures become PNG outputs).

    History is off: its SQLite writer thread would not survive the fork into a report worker.
    """
    if not _RecordingShell.initialized():
        config = Config()
        config.HistoryManager.enabled = False
        # The report figures lay themselves out (tight_layout); a "tight" bounding box would
        # draw every figure twice.
        config.InlineBackend.print_figure_kwargs = {"bbox_inches": None, "dpi": PNG_DPI}
        shell = _RecordingShell.instance(config=config, colors="nocolor")
        shell.enable_matplotlib("inline")
    return _RecordingShell.instance()


def prepare() -> None:
    """Do now, once, the first-use work every report would repeat: create the shell, import the
    report code, load matplotlib's fonts (by drawing a figure) and compile nbconvert's templates
    (by converting a small notebook). Nothing runs in the shell, so no user state is made."""
    import io

    import matplotlib.pyplot as plt

    from bnn_lib.reporting import sections  # noqa: F401  (pandas, matplotlib and the report code)
    from bnn_lib.reporting.html import notebook_to_html

    _shell()
    fig, ax = plt.subplots()
    ax.barh([0, 1], [1, 2], label="x")
    ax.set_title("warm-up", fontweight="bold")
    ax.legend()
    fig.tight_layout()
    png = io.BytesIO()
    fig.savefig(png, format="png", dpi=PNG_DPI)
    plt.close(fig)
    cell = nbformat.v4.new_code_cell(outputs=[nbformat.v4.new_output("display_data", data={"text/html": "<b>x</b>"})])
    notebook_to_html(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# x"), cell]), "warm-up")


def run_source(source: str, execution_count: int) -> tuple[list[Any], dict | None]:
    """Run one cell's source; return its outputs and, if it raised, the error output."""
    shell = _shell()
    shell.last_error, shell.last_result = None, None
    shell.execution_count = execution_count
    with capture_output(stdout=True, stderr=True, display=True) as captured:
        shell.run_cell(source, store_history=False)
    outputs = []
    if captured.stdout:
        outputs.append(nbformat.v4.new_output("stream", name="stdout", text=captured.stdout))
    if captured.stderr:
        outputs.append(nbformat.v4.new_output("stream", name="stderr", text=captured.stderr))
    for item in captured.outputs:
        outputs.append(nbformat.v4.new_output("display_data", data=item.data, metadata=item.metadata or {}))
    if shell.last_result is not None:
        data, metadata = shell.last_result
        outputs.append(
            nbformat.v4.new_output("execute_result", data=data, metadata=metadata, execution_count=execution_count)
        )
    error = None
    if shell.last_error is not None:
        error = nbformat.v4.new_output("error", **shell.last_error)
        outputs.append(error)
    return outputs, error


class _FinalSaveManager(NotebookExecutionManager):
    """Writes the output notebook once, when execution ends (also after an error).

    Papermill saves after every cell so that a long run can be watched; a report takes a second,
    and the 2 × cells rewrites of a notebook full of images would cost more than its tables.
    """

    def save(self, **kwargs) -> None:
        if self.end_time is not None:
            super().save(**kwargs)


class InProcessEngine(Engine):
    """Papermill engine executing code cells in this process (see the module docstring)."""

    @classmethod
    def execute_notebook(cls, nb, kernel_name, output_path=None, progress_bar=True, log_output=False, **kwargs):
        nb_man = _FinalSaveManager(nb, output_path=output_path, progress_bar=progress_bar, log_output=log_output)
        nb_man.notebook_start()
        try:
            cls.execute_managed_notebook(nb_man, kernel_name, **kwargs)
        finally:
            nb_man.cleanup_pbar()
            portable_notebook(nb_man.nb, output_path)  # before the one save, when execution ends
            nb_man.notebook_complete()
        return nb_man.nb

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, **kwargs) -> None:
        count = 0
        for index, cell in enumerate(nb_man.nb.cells):
            if cell.cell_type != "code" or not cell.source.strip():
                continue
            count += 1
            nb_man.cell_start(cell, index)
            try:
                cell.outputs, error = run_source(cell.source, count)
                cell.execution_count = count
                if error is not None:
                    nb_man.cell_exception(cell, cell_index=index, exception=RuntimeError(error["evalue"]))
                    break
            finally:
                nb_man.cell_complete(cell, cell_index=index)


def portable_notebook(nb: Any, output_path: str | None) -> None:
    """Rewrite, in place, what an executed notebook records of this machine's folders: the input
    and output notebook by file name; a parameter holding an absolute path relative to the output
    notebook's folder where it is near (``results_dir``: "../.."), else by name, in papermill's
    record and in the injected cell; the home folder anywhere else (a traceback) as "~"."""
    record = nb.metadata.get("papermill", {})
    for key in ("input_path", "output_path"):
        if record.get(key):
            record[key] = Path(record[key]).name
    near = Path(output_path).resolve().parent if output_path else None
    moved = {}
    for name, value in record.get("parameters", {}).items():
        if isinstance(value, str) and Path(value).is_absolute():
            moved[value] = record["parameters"][name] = _portable_path(value, near)
    home = str(Path.home()) if Path.home().parent != Path.home() else "\0"  # a home of "/" names no one
    for cell in nb.cells:
        if "injected-parameters" in cell.metadata.get("tags", []):
            for old, new in moved.items():
                cell.source = cell.source.replace(old.replace("\\", "\\\\"), new).replace(old, new)
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                output["traceback"] = [line.replace(home, "~") for line in output["traceback"]]
                output["evalue"] = output["evalue"].replace(home, "~")
            elif output.get("output_type") == "stream":
                output["text"] = output["text"].replace(home, "~")


def _portable_path(path: str, near: Path | None) -> str:
    """``path`` relative to ``near`` when it is at most two folders up from it (the reports
    folder from ``reports/<year>/notebooks``), else its name alone."""
    if near is not None:
        relative = Path(os.path.relpath(Path(path).resolve(), near))
        if relative.parts[:3] != (os.pardir,) * 3:
            return relative.as_posix()
    return Path(path).name


def register() -> None:
    """Make the engine available to ``papermill.execute_notebook(engine_name=ENGINE_NAME)``."""
    papermill_engines.register(ENGINE_NAME, InProcessEngine)
