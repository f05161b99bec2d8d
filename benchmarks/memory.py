"""Peak resident memory of this process, from the kernel's high-water mark.

`getrusage(...).ru_maxrss` is not used: Linux carries it across exec, so a process started from a
large benchmark process would report its parent's peak.
"""

from __future__ import annotations

from pathlib import Path


def peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")
