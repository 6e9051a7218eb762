"""Runs a command and measures it: wall time, and the peak resident memory of its whole
process tree (polled with psutil)."""

from __future__ import annotations

import os
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from scripts.benchmarking import PROJECT_DIR


@dataclass
class Measured:
    """A finished subprocess: wall seconds, peak resident bytes of its tree, exit code, output."""

    seconds: float
    peak_rss_bytes: int
    returncode: int
    output: str
    timed_out: bool = False


def tree_rss(pid: int) -> int:
    """Resident bytes of a process and all its descendants (0 once it is gone)."""
    import psutil

    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    total = 0
    for process in processes:
        try:
            total += process.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total


def run_measured(
    cmd: list[str],
    env: dict[str, str],
    log_path: Path,
    timeout: float | None = None,
    interval: float = 0.2,
) -> Measured:
    """Run cmd, tee its output to log_path, poll the tree's memory; kill the tree on timeout."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    peak = 0
    started = time.monotonic()
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            cmd,
            cwd=PROJECT_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        done = threading.Event()

        def poll() -> None:
            nonlocal peak
            while not done.is_set():
                peak = max(peak, tree_rss(proc.pid))
                done.wait(interval)

        poller = threading.Thread(target=poll, daemon=True)
        poller.start()
        timed_out = False
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            os.killpg(proc.pid, 9)
            proc.wait()
        seconds = time.monotonic() - started
        done.set()
        poller.join()
    return Measured(seconds, peak, proc.returncode, log_path.read_text(errors="replace"), timed_out)
