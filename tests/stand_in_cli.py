"""``omset translate`` run as a command, on a fast stand-in engine, watched for memory.

The stand-in replaces the commands of the Engine's pipeline roles (the transport seam,
:func:`omset.engine.transport.stand_ins`) with ``cat``: it speaks the pipeline protocol —
every request, its NUL and its nonce come back as they went in, flushed as they arrive —
so everything omset does around Apertium (reading, segmenting, the stream format, the
pools, the style layer, writing) runs for real, at the speed of Python rather than of
Apertium. A stand-in translates nothing, so the output must equal the input.

Only this child process sees the stand-in: the CLI has no option for it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_BOOT = """
import sys
from omset.engine import engine
from omset.engine.transport import stand_ins
engine.Engine.__init__.__kwdefaults__["transport"] = stand_ins({"heavy": "cat", "post": "cat"})
from omset.cli import app
sys.argv[0] = "omset"
app()
"""


def run(args: list[str], *, sample_every: float = 0.2) -> tuple[int, float, float, list[float]]:
    """``omset <args>`` on the stand-in: (exit code, seconds, peak RSS MB, RSS samples MB).

    The peak is the kernel's high-water mark of the omset process (VmHWM, read just before
    it exits, and ``ru_maxrss`` as a check)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    start = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-c", _BOOT, *args], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    samples: list[float] = []
    peak = 0.0
    while proc.poll() is None:
        try:
            with open(f"/proc/{proc.pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        samples.append(int(line.split()[1]) / 1024)
                    elif line.startswith("VmHWM:"):
                        peak = max(peak, int(line.split()[1]) / 1024)
        except OSError:
            pass
        time.sleep(sample_every)
    took = time.monotonic() - start
    if proc.returncode:
        sys.stderr.write(proc.stderr.read().decode(errors="replace") if proc.stderr else "")
    return proc.returncode, took, peak, samples
