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


def rss_of_serving_process(model: Path, sha: str, needs_file: Path) -> float:
    """Peak RSS (MB) of a fresh process that loads the saved model and answers the needs."""
    import subprocess
    import sys

    code = (
        "import json\n"
        "from benchmarks.memory import peak_rss_mb\n"
        "from pathlib import Path\n"
        "from matching.persistence import load_matcher\n"
        "from features.needs import ResolvedNeed\n"
        f"m = load_matcher(Path({str(model)!r}), {sha!r})\n"
        f"needs = [ResolvedNeed(**n) for n in json.loads(Path({str(needs_file)!r}).read_text())]\n"
        "m.recommend(needs)\n"
        "print(peak_rss_mb())\n"
    )
    root = Path(__file__).parent.parent
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root)
    return float(out.stdout.strip().splitlines()[-1])
