"""The scheduling loop (bnn_lib.reporting.schedule) against a scripted runner: retry, timeout,
failures and the give-up rule, without rendering anything. The real runners meet the same rules
in test_reports.py (local) and test_batch_paths.py (Dask)."""

from __future__ import annotations

import time

import pytest

from bnn_lib.reporting import schedule
from bnn_lib.reporting.jobs import Job, Status
from bnn_lib.reporting.schedule import Ended, run_jobs

GUARD = 20.0  # seconds: a loop that never stops a job fails instead of hanging the test run


def job(key: str) -> Job:
    return Job(key=key, title=key, notebook="nb.ipynb", parameters={}, html=f"{key}.html", executed=f"{key}.ipynb")


class Scripted:
    """A runner whose jobs do, attempt by attempt, what ``script`` says: "ok", "fail" (raises),
    "die" (dies without a word) or "hang" (runs until stopped). A stopped job ends as a killed
    process does (DIED), or, with ``lost``, the kill finds nothing and the job ends as a
    cancelled task does (FAILED), like a cluster whose workers are gone."""

    def __init__(self, script: dict[str, list[str]], slots: int = 2, lost: bool = False) -> None:
        self.script, self.slots, self.lost = script, slots, lost
        self.running: dict[str, str] = {}  # key: what this attempt does
        self.stopped: set[str] = set()
        self.submitted: list[tuple[str, int]] = []
        self.most = 0  # the most jobs running at once
        self.deadline = time.monotonic() + GUARD

    def submit(self, job: Job, attempt: int) -> None:
        assert job.key not in self.running, "a job submitted again while it runs"
        self.submitted.append((job.key, attempt))
        self.running[job.key] = self.script[job.key][attempt - 1]
        self.most = max(self.most, len(self.running))

    def ended(self) -> list[Ended]:
        assert time.monotonic() < self.deadline, f"still running after {GUARD} s: {self.running}"
        done = []
        for key, does in list(self.running.items()):
            if key in self.stopped:
                done.append(
                    Ended(key, Status.FAILED, "CancelledError") if self.lost else Ended(key, Status.DIED, "killed")
                )
            elif does == "ok":
                done.append(Ended(key, Status.OK))
            elif does == "fail":
                done.append(Ended(key, Status.FAILED, f"RuntimeError: {key} rusak (cell 3)"))
            elif does == "die":
                done.append(Ended(key, Status.DIED, "proses pekerja berhenti (kode keluar 3)"))
            else:
                continue
            del self.running[key]
            self.stopped.discard(key)
        return done

    def stop(self, key: str) -> bool:
        self.stopped.add(key)
        return not self.lost


class Bar:
    def __init__(self) -> None:
        self.n = 0

    def update(self, n: int = 1) -> None:
        self.n += n


def run(script: dict[str, list[str]], timeout: float = 30.0, **runner) -> tuple[dict, Scripted, Bar]:
    todo = [job(key) for key in script]
    scripted, bar = Scripted(script, **runner), Bar()
    hashes = {key: f"hash-{key}" for key in script}
    outcomes = run_jobs(todo, scripted, timeout, hashes, bar)
    assert len(outcomes) == len(todo) == bar.n  # one outcome per job, each counted once
    return {o.key: o for o in outcomes}, scripted, bar


def test_a_report_process_that_dies_once_is_retried_and_counts_as_ok():
    outcomes, scripted, _ = run({"11": ["die", "ok"], "12": ["ok"]})
    assert (outcomes["11"].status, outcomes["11"].attempts, outcomes["11"].error) == (Status.OK, 2, "")
    assert outcomes["11"].input_hash == "hash-11"
    assert (outcomes["12"].status, outcomes["12"].attempts) == (Status.OK, 1)
    assert scripted.submitted.count(("11", 2)) == 1 and ("12", 2) not in scripted.submitted


def test_a_report_process_that_dies_twice_fails():
    outcomes, scripted, _ = run({"11": ["die", "die"]})
    assert (outcomes["11"].status, outcomes["11"].attempts) == (Status.FAILED, 2)
    assert outcomes["11"].error == "proses pekerja berhenti (kode keluar 3), juga pada percobaan ulang"
    assert outcomes["11"].input_hash == ""
    assert scripted.submitted == [("11", 1), ("11", 2)]  # no third try


def test_a_report_that_raises_fails_at_once_and_the_others_go_on():
    outcomes, scripted, _ = run({"11": ["fail"], "12": ["ok"], "13": ["ok"]}, slots=1)
    assert (outcomes["11"].status, outcomes["11"].attempts) == (Status.FAILED, 1)
    assert outcomes["11"].error == "RuntimeError: 11 rusak (cell 3)" and not outcomes["11"].input_hash
    assert [outcomes[k].status for k in ("12", "13")] == [Status.OK, Status.OK]
    assert scripted.most == 1  # one slot: one job at a time


def test_a_report_that_never_ends_is_stopped_at_its_timeout():
    start = time.monotonic()
    outcomes, scripted, _ = run({"11": ["hang"], "12": ["ok"]}, timeout=1.0)
    assert (outcomes["11"].status, outcomes["11"].attempts) == (Status.TIMEOUT, 1)  # killed: not retried
    assert outcomes["11"].error == "batas waktu: tidak ada hasil setelah 1 detik" and not outcomes["11"].input_hash
    assert 1.0 <= outcomes["11"].seconds < 5 and time.monotonic() - start < 5
    assert outcomes["12"].status == Status.OK
    assert scripted.submitted == [("11", 1), ("12", 1)]


def test_jobs_run_no_more_than_the_runner_has_slots():
    script = {str(k): ["ok"] for k in range(11, 20)}
    outcomes, scripted, _ = run(script, slots=3)
    assert scripted.most == 3 and {o.status for o in outcomes.values()} == {Status.OK}


def test_a_runner_that_kills_what_hangs_is_never_given_up_on(monkeypatch):
    # A local child is always found and killed: each hung report gets its full timeout.
    monkeypatch.setattr(schedule, "STALL_GRACE", 0.1)
    outcomes, _, _ = run({"11": ["hang"], "12": ["hang"], "13": ["hang"]}, timeout=0.3, slots=1)
    assert [o.error for o in outcomes.values()] == ["batas waktu: tidak ada hasil setelah 0 detik"] * 3
    assert all(o.seconds >= 0.3 for o in outcomes.values())


def test_when_nothing_comes_back_the_rest_is_given_up(monkeypatch):
    # A cluster whose workers are gone: stops find nothing, nothing ends on its own.
    monkeypatch.setattr(schedule, "STALL_GRACE", 0.2)
    start = time.monotonic()
    script = {"11": ["hang"], "12": ["hang"], "13": ["ok"], "14": ["ok"]}
    outcomes, scripted, _ = run(script, timeout=0.3, slots=1, lost=True)
    assert {o.status for o in outcomes.values()} == {Status.TIMEOUT}
    assert outcomes["11"].error == "batas waktu: tidak ada hasil setelah 0 detik"  # stopped at its own timeout
    # 0.5 s after the start without a sign of work: 12 (running) and 13, 14 (never started) given up.
    assert {k: outcomes[k].error for k in ("12", "13", "14")} == dict.fromkeys(
        ("12", "13", "14"), "timeout: nothing came back for 0 s"
    )
    assert scripted.submitted == [("11", 1), ("12", 1)]
    assert time.monotonic() - start < 2


@pytest.mark.parametrize("slots", [1, 4])
def test_outcomes_name_each_job_once_whatever_the_order(slots):
    script = {"11": ["die", "ok"], "12": ["fail"], "13": ["ok"], "14": ["die", "die"]}
    outcomes, _, _ = run(script, slots=slots)
    assert {k: (o.status, o.attempts) for k, o in outcomes.items()} == {
        "11": (Status.OK, 2),
        "12": (Status.FAILED, 1),
        "13": (Status.OK, 1),
        "14": (Status.FAILED, 2),
    }
