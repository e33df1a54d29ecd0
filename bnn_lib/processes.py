"""Worker processes that die with the run that started them, and whether a process is alive.

A run killed outright (``kill -9``, a closed terminal, the task manager) gets no chance to stop
its workers: a process pool's workers would wait for work forever, a report worker would go on
rendering and writing into the folder of a run that is gone. Each worker therefore calls
:func:`die_with_parent` first thing:

- on Linux the kernel kills it when its parent dies (``prctl(PR_SET_PDEATHSIG, SIGKILL)``);
- elsewhere a daemon thread of the worker waits for the parent to end and then ends the worker:
  on Windows it waits on the parent's process handle, on macOS it polls the parent pid (which
  changes when the parent dies and the worker is handed to another process).

:func:`alive` tells a leftover of a dead run (a staging folder named after its pid,
:mod:`bnn_lib.staging`) from the work of a run still going.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
import threading
import time

PR_SET_PDEATHSIG = 1  # linux/prctl.h
POLL_SECONDS = 0.5  # how often a watch thread without a handle to wait on looks at its parent
# Windows: access rights and codes of the process API.
SYNCHRONIZE = 0x00100000
PROCESS_QUERY_LIMITED_INFORMATION = 0x1000
INFINITE = 0xFFFFFFFF
STILL_ACTIVE = 259
ERROR_ACCESS_DENIED = 5


def die_with_parent(parent: int | None = None) -> None:
    """Make this process (a worker) end when ``parent`` (default: its parent now) ends."""
    parent = os.getppid() if parent is None else parent
    if sys.platform.startswith("linux") and _kill_on_parent_death():
        # The parent may have died before the request was made: then nobody will send it.
        if os.getppid() != parent:
            os._exit(1)
        return
    threading.Thread(target=_watch, args=(parent,), name="bnn-parent-watch", daemon=True).start()


def _kill_on_parent_death() -> bool:
    """Ask the Linux kernel for SIGKILL when the parent dies; False if it cannot be asked."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch(parent: int) -> None:
    """Wait for ``parent`` to end, then end this process at once (no cleanup: the parent's run
    is gone, and the next run removes what it left)."""
    if sys.platform == "win32":
        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
        handle = kernel32.OpenProcess(SYNCHRONIZE, False, parent)
        if handle:
            kernel32.WaitForSingleObject(handle, INFINITE)
    else:
        while os.getppid() == parent:
            time.sleep(POLL_SECONDS)
    os._exit(1)


def alive(pid: int) -> bool:
    """Whether a process ``pid`` exists on this machine (one of another user counts)."""
    if pid <= 0:
        return False
    if sys.platform == "win32":
        return _alive_on_windows(pid)
    try:
        os.kill(pid, 0)  # signal 0: nothing is sent, the pid is only checked
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _alive_on_windows(pid: int) -> bool:
    """os.kill on Windows would end the process: ask the process API instead."""
    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    handle = kernel32.OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, False, pid)
    if not handle:
        return ctypes.get_last_error() == ERROR_ACCESS_DENIED
    try:
        code = ctypes.c_ulong()
        return bool(kernel32.GetExitCodeProcess(handle, ctypes.byref(code))) and code.value == STILL_ACTIVE
    finally:
        kernel32.CloseHandle(handle)
