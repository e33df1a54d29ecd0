"""The ``bnn`` command: sample data, computing the indices, reports, and what offices fill in:
input templates, survey forms and the validation report of their data."""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
import traceback
from pathlib import Path

from bnn_lib import arguments
from bnn_lib.analyses import Analyses
from bnn_lib.build import YearOutcome, YearPlan, build, check_writable, plan_years, saved_meta
from bnn_lib.inputs import check_year, data_years
from bnn_lib.intake import DataError
from bnn_lib.office.template import write_template
from bnn_lib.office.validation import write_report
from bnn_lib.office.xlsform import write_form
from bnn_lib.pipeline import start_method_for
from bnn_lib.publish import export, target_problem
from bnn_lib.regions import UnknownRegionError, regions
from bnn_lib.sample import is_sample, write_sample
from bnn_lib.spec import SpecError, choose_specs, list_specs, load_spec, parse_overrides, shadowed_specs
from bnn_lib.staging import sweep
from bnn_lib.terminal import os_message, safe_console, say
from bnn_lib.workspace import WorkspaceError, init, lab_command, working_on, workspace, write_kernel

SHOWN = 5  # problems and warnings printed per year; the rest are in the saved files
# What happened to a year's results (bnn_lib.build's statuses), as the console says it.
STATUS_WORDS = {"updated": "diperbarui", "refused": "ditolak", "kept": "tetap"}


class UsageError(ValueError):
    """A command line that cannot be carried out (found before anything is written)."""


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit code: 0 done, 1 refused or failed (one message says why),
    2 a malformed command line, 3 a fault of the suite itself (``--debug`` shows where)."""
    safe_console()
    try:
        args = arguments.parser(__doc__).parse_args(argv)
    except SystemExit as exc:  # --help (0), or a malformed command line, said by argparse (2)
        return exc.code if isinstance(exc.code, int) else 2
    try:
        with working_on(args.project):
            return _run(args)
    except (DataError, SpecError, OSError, UnknownRegionError, UsageError, WorkspaceError) as exc:
        if args.debug:
            say(traceback.format_exc().rstrip(), file=sys.stderr)
        say(f"kesalahan: {os_message(exc) if isinstance(exc, OSError) else exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        say("dihentikan; berkas yang sudah ditulis lengkap, tidak ada yang setengah jadi", file=sys.stderr)
        return 130
    except Exception as exc:  # a fault of ours: one line for users, the traceback for developers
        if args.debug:
            say(traceback.format_exc().rstrip(), file=sys.stderr)
        else:
            say(f"kesalahan internal: {type(exc).__name__}: {exc}", file=sys.stderr)
            say(
                "jalankan perintah yang sama dengan `bnn --debug ...` dan kirim keluarannya kepada pengelola aplikasi",
                file=sys.stderr,
            )
        return 3


# The commands that work on a workspace (its data, its reports), and where each one's --out goes
# by default: its reports folder, or (for the sample) its data folder.
IN_WORKSPACE = {
    "sample": "data",
    "compute": "reports",
    "reports": "reports",
    "validate": None,
    "export": "reports",
    "compare": "reports",
}


def _run(args: argparse.Namespace) -> int:
    if args.command in IN_WORKSPACE:
        _in_workspace(args)
    if args.command == "init":
        return _init(args.folder or args.project or Path())
    if args.command == "lab":
        return _lab(args)
    if args.command == "sample":
        _refuse_real_data(args.out)
        say(f"data contoh ditulis ke {write_sample(args.out)}")
    elif args.command == "compute":
        return _compute(args)
    elif args.command == "reports":
        return _reports(args)
    elif args.command == "compare":
        return _compare(args)
    elif args.command == "validate":
        return _validate(args)
    elif args.command == "export":
        _export(args)
    elif args.command == "template":
        specs = choose_specs(parse_overrides(args.spec), args.year)
        say(f"templat ditulis ke {write_template(args.year, args.out, args.province, specs)}")
    elif args.command == "form":
        spec = load_spec(args.spec) if args.spec else choose_specs(None, args.year)[args.index]
        say(f"formulir ditulis ke {write_form(spec, args.out, args.province)}")
    else:
        for name in args.files or list_specs():
            spec = load_spec(name)
            assumed = len(spec.assumptions())
            say(f"{spec.id} {spec.version} ({spec.index}, {spec.kind}): {assumed} elemen diasumsikan; {spec.path}")
        for name in [] if args.files else shadowed_specs():
            say(f"specs/{name}.toml tidak dipakai: id-nya sama dengan spesifikasi bawaan (pakai: own_specs = true)")
    return 0


def _in_workspace(args: argparse.Namespace) -> None:
    """Fill in the folders a command was not given from the workspace it works on; raises
    :class:`WorkspaceError` where one is needed and there is none (a command given every folder
    runs anywhere)."""
    where = IN_WORKSPACE[args.command]
    missing_data = hasattr(args, "data") and args.data is None
    if missing_data or (where and args.out is None):
        place = workspace()
        args.data = place.data if missing_data else getattr(args, "data", None)
        args.out = getattr(place, where) if where and args.out is None else args.out


def _refuse_real_data(out: Path) -> None:
    """Refuse to write the synthetic sample where other data are: its files would be read with
    them (the workspace's data folder is where an office's own tables go)."""
    if not out.is_dir() or not any(out.iterdir()) or is_sample(out):
        return
    raise UsageError(
        f"{out}: sudah berisi data yang bukan data contoh; data contoh tidak ditulis di sana "
        "(pilih folder lain: bnn sample --out FOLDER)"
    )


def _init(folder: Path) -> int:
    """Make ``folder`` a workspace and say what was made and what to do next."""
    root, made = init(folder)
    listed = ", ".join(str(p.relative_to(root)) for p in made) or "tidak ada yang baru (sudah ruang kerja)"
    say(f"ruang kerja {root}: dibuat {listed}")
    say(f"berikutnya: cd {root}, lalu `bnn sample` (data contoh) atau salin data Anda ke data/<tahun>/")
    return 0


def _lab(args: argparse.Namespace) -> int:
    """Open JupyterLab in the workspace (``--dry-run``: print the command); its exit code."""
    place = workspace()
    command, env = lab_command(place, args.jupyter)
    if args.dry_run:
        say(" ".join(command))
        return 0
    write_kernel(place)
    return subprocess.call(command, env=env)


def _compute(args: argparse.Namespace) -> int:
    """Compute and save each year asked, with the specs asked (the defaults otherwise)."""
    _check_folders(args, require_data=True)
    _check_start_method(args.start_method)
    plans = plan_years(args.year, args.data, args.out, parse_overrides(args.spec), _analyses(args), reuse=False)
    _clear_leftovers(args.out, args.year)  # once nothing is refused: a refused command changes nothing
    return 1 if any(o.status == "refused" for o in _build(plans, args)) else 0


def _compare(args: argparse.Namespace) -> int:
    """Compute one index of a year under two specs and write the page comparing them."""
    from bnn_lib.comparing import run_comparison  # the report stack is only imported when a page is made

    if problem := check_writable(args.out):
        raise UsageError(f"--out: {problem}")
    if not (args.data / str(args.year)).is_dir():
        raise UsageError(f"folder input tidak ada: {args.data / str(args.year)}")
    analyses = Analyses(replicates=args.replicates, samples=args.samples)
    say(f"perbandingan ditulis ke {run_comparison(args.year, args.data, args.base, args.variant, analyses, args.out)}")
    return 0


def _reports(args: argparse.Namespace) -> int:
    """Bring the results up to date (each year up to the latest asked, for the trend), then
    render the reports of the years asked from the results as they are."""
    from bnn_lib.reporting import batch, cluster, jobs, pdf  # the report stack is only imported when reports are made

    provinces = _provinces(args.province)
    _check_folders(args, require_data=False)
    _check_start_method(args.start_method)
    if args.province_notebook and not args.province_notebook.is_file():
        raise UsageError(f"--province-notebook {args.province_notebook}: notebook tidak ada")
    if args.dask_scheduler:  # reached before anything is computed, not after
        try:
            cluster.connect(args.dask_scheduler, jobs.DEFAULT_CONNECT_TIMEOUT).close()
        except cluster.ClusterError as exc:
            raise UsageError(f"--dask-scheduler: {exc}") from None
    years = sorted({y for y in data_years(args.data) if y <= max(args.year)} | set(args.year))
    plans = plan_years(years, args.data, args.out, parse_overrides(args.spec), _analyses(args))
    _clear_leftovers(args.out, years)
    outcomes = _build(plans, args)
    refused = {o.year for o in outcomes if o.status == "refused"}
    failed = bool(refused)
    for year in args.year:
        if year in refused:
            say(f"{year}: laporan tidak dibuat: hasilnya tidak dapat diperbarui (lihat di atas)")
            continue
        settings = batch.Batch(
            year=year,
            out=args.out,
            provinces=provinces,
            levels=tuple(args.level),
            pdf=args.pdf,
            force=args.force,
            timeout=args.timeout,
            progress=not args.no_progress,
            start_method=args.start_method,
            scheduler=args.dask_scheduler,
        )
        if args.jobs:
            settings.jobs = args.jobs
        if args.province_notebook:
            settings.province_notebook = args.province_notebook
        start = time.perf_counter()
        try:
            outcomes = batch.run(settings)
        except cluster.ClusterError as exc:  # the cluster went away between two years
            raise UsageError(f"--dask-scheduler: {exc}") from None
        except batch.NotWrittenError as exc:  # the index or the workbook (open in Excel, say)
            say(f"{year}: kesalahan: {os_message(exc.error)}", file=sys.stderr)
            outcomes, failed = exc.outcomes, True
        except OSError as exc:  # before any report was rendered: the other years go on
            say(f"{year}: kesalahan: {os_message(exc)}", file=sys.stderr)
            failed = True
            continue
        say(
            f"{year}: {batch.summary(outcomes)} dalam {time.perf_counter() - start:.1f} detik; "
            f"indeks: {args.out / str(year) / 'index.html'}"
        )
        failed |= any(o.status in (jobs.Status.FAILED, jobs.Status.TIMEOUT) for o in outcomes)
        # A missing engine is said once and is no failure: the HTML is what was asked for first.
        unprinted = any(o.pdf not in ("", batch.PDF_REMOVED, *batch.PDF_DONE) for o in outcomes)
        failed |= unprinted and pdf.unavailable() is None
    return 1 if failed else 0


def _validate(args: argparse.Namespace) -> int:
    """Check each year's input data and write its report; 0 only when nothing blocks."""
    overrides = parse_overrides(args.spec)
    choose_specs(overrides)  # a bad --spec is refused before any year is read
    missing = [y for y in args.year if not (args.data / str(y)).is_dir()]
    if missing:
        raise UsageError(f"folder input tidak ada: {', '.join(str(args.data / str(y)) for y in missing)}")
    if args.out and (problem := check_writable(args.out)):
        raise UsageError(f"--out: {problem}")
    blocked = False
    for year in args.year:
        loaded = check_year(args.data, year, choose_specs(overrides, year))
        out = args.out or workspace().reports / str(year) / "validasi"
        _clear_leftovers(out, [])
        written = write_report(loaded, year, out, str(args.data))
        verdict = "dapat dihitung" if not loaded.problems else f"{len(loaded.problems)} masalah harus diperbaiki"
        say(f"{year}: {verdict}; {len(loaded.warnings)} peringatan; laporan: {written[1]}")
        for problem in loaded.problems[:SHOWN]:
            say(f"  - {problem}")
        if len(loaded.problems) > SHOWN:
            say(f"  … dan {len(loaded.problems) - SHOWN} lainnya di {written[0]}")
        blocked |= bool(loaded.problems)
    return 1 if blocked else 0


def _export(args: argparse.Namespace) -> None:
    """Copy each year's results (after checking every year has some and ``--to`` fits)."""
    missing = [y for y in args.year if not saved_meta(args.out, y)]
    if missing:
        raise UsageError(
            f"belum ada hasil tahun {', '.join(map(str, missing))} di {args.out}; jalankan `bnn compute` dahulu"
        )
    if args.to and len(args.year) > 1:
        raise UsageError("--to hanya untuk satu tahun; tanpa --to, beberapa tahun diekspor di samping hasilnya")
    for year in args.year:
        default = "results-publik" if args.public else "results-salinan"
        to = args.to or args.out / str(year) / default
        results = args.out / str(year) / "results"
        if problem := check_writable(to) or target_problem(results, to):
            raise UsageError(f"--to: {problem}")
        folder, blanked = export(results, to, public=args.public, min_cell=args.min_cell)
        rule = (
            f"; {blanked} baris dikosongkan (responden terlalu sedikit, atau akan membuka sel seperti itu)"
            if args.public
            else ""
        )
        say(f"{year}: disalin ke {folder}{rule}")


def _build(plans: list[YearPlan], args: argparse.Namespace) -> list[YearOutcome]:
    """Compute what the plans say and print, year by year, what happened to its results."""
    for plan in plans:
        if plan.compute and plan.reason != "asked":
            say(f"{plan.year}: menghitung ({plan.reason})")
    start = time.perf_counter()
    outcomes = build(plans, args.data, args.out, args.start_method, progress=not args.no_progress)
    computed = [o for o in outcomes if o.status != "kept"]
    for outcome in outcomes:
        stream = sys.stderr if outcome.status == "refused" else sys.stdout
        say(f"{outcome.year}: {STATUS_WORDS[outcome.status]}: {outcome.message}", file=stream)
        if outcome.status == "refused":
            say(
                f"  (bnn validate --year {outcome.year} --data {args.data} mendaftar setiap masalah per berkas)",
                file=stream,
            )
        for warning in outcome.warnings[:SHOWN]:
            say(f"  peringatan: {warning}")
        if len(outcome.warnings) > SHOWN:
            say(f"  … {len(outcome.warnings) - SHOWN} peringatan lain di specs.json")
    if computed:
        updated = sum(o.status == "updated" for o in computed)
        say(
            f"{len(computed)} tahun dihitung dalam {time.perf_counter() - start:.1f} detik: {updated} diperbarui, "
            f"{len(computed) - updated} ditolak (hasil sebelumnya, bila ada, tidak berubah)"
        )
    return outcomes


def _check_folders(args: argparse.Namespace, require_data: bool) -> None:
    """Refuse, before anything is written, an output folder that cannot be written and a year
    with nothing to work from (no input folder; for reports, no saved results either)."""
    # The year folders too (and, for compute, their results): a locked one is named here, not
    # by a hidden name half-way through the run.
    years = [args.out / str(y) for y in args.year]
    for folder in [args.out, *years, *([y / "results" for y in years] if require_data else [])]:
        if problem := check_writable(folder):
            raise UsageError(f"--out: {problem}")
    if not args.data.is_dir() and (require_data or not all(saved_meta(args.out, y) for y in args.year)):
        raise UsageError(f"--data {args.data}: folder tidak ada")
    missing = [
        y for y in args.year if not (args.data / str(y)).is_dir() and (require_data or not saved_meta(args.out, y))
    ]
    if missing:
        have = [str(y) for y in data_years(args.data)]
        raise UsageError(
            f"folder input tidak ada: {', '.join(str(args.data / str(y)) for y in missing)}"
            + (", dan belum ada hasil tersimpan" if not require_data else "")
            + f"; tahun yang ada inputnya: {', '.join(have) or 'tidak ada'}"
        )


def _clear_leftovers(out: Path, years: list[int]) -> None:
    """Remove what runs that died left in ``out``'s year folders (or ``out`` itself): staging
    folders, temporary files, notebooks half run (:func:`bnn_lib.staging.sweep`)."""
    folders = [out / str(year) for year in years] or [out]
    cleared = [path for folder in folders for path in sweep(folder, depth=2 if years else 0)]
    if cleared:
        say(f"{len(cleared)} sisa proses yang terputus dibersihkan: {', '.join(p.name for p in cleared[:3])}")


def _check_start_method(asked: str) -> None:
    """``--start-method fork`` on Windows is refused here, not when the first worker starts."""
    try:
        start_method_for(asked)
    except ValueError as exc:
        raise UsageError(f"--start-method: {exc}") from None


def _analyses(args: argparse.Namespace) -> Analyses | None:
    """The analysis settings asked for; None (keep the saved ones) when neither was given."""
    if args.replicates is None and args.samples is None:
        return None
    default = Analyses()
    return Analyses(
        replicates=default.replicates if args.replicates is None else args.replicates,
        samples=default.samples if args.samples is None else args.samples,
    )


def _provinces(asked: list[str] | None) -> list[str] | None:
    """Province codes (and "nasional") of ``--province``; an unknown or ambiguous one is refused."""
    if not asked:
        return None
    return [p if p.casefold() == "nasional" else regions().province(p).code for p in asked]


if __name__ == "__main__":
    sys.exit(main())
