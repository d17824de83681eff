"""APy's ``/pipedebug``: a text through every stage of an Apertium mode, one at a time,
with what each stage wrote.

It shows Apertium's own mode as the mode file lists it (with the NUL flush and the
tagger guard omset's pipelines run it with), starting from the stream request omset
sends (:func:`omset.engine.stream.encode`) and ending with that stream read back as
text. omset's style layer is not in it: for nob→nno the mode's own genprefs stages
choose. Each stage is a fresh process, as in APy, so this is slow by design: one run at
a time, a bounded input, and a deadline after which every process of the run is killed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time

from ..engine.modes import stages
from ..engine.stream import decode_text, encode
from ..errors import EngineError, EngineTimeout

#: longest text a debug run takes (characters)
MAX_CHARS = 5_000
_ONE_AT_A_TIME = threading.Lock()


def run(mode: str, text: str, timeout: float) -> tuple[list[str], list[str]]:
    """``(output, pipeline)``: ``output[0]`` is ``text``, ``output[1]`` the stream
    request, then one entry per stage and last the text read back; ``pipeline`` names
    each step, so ``len(output) == len(pipeline) + 1`` as in APy."""
    deadline = time.monotonic() + timeout
    if not _ONE_AT_A_TIME.acquire(timeout=timeout):
        raise EngineTimeout("another /pipedebug run is still going")
    try:
        data = encode(text) + "\0"
        output = [text, data.rstrip("\0")]
        pipeline = ["omset: text to stream (omset.engine.stream.encode)"]
        for stage in stages(mode, mark_unknown=True):
            data = _stage(stage.command, data, deadline - time.monotonic())
            output.append(data.rstrip("\0"))
            pipeline.append(stage.command)
        output.append(decode_text(data.replace("\0", ""), strip_marks=False, trim=True))
        pipeline.append("omset: stream to text (omset.engine.stream.decode)")
        return output, pipeline
    finally:
        _ONE_AT_A_TIME.release()


def _stage(command: str, data: str, left: float) -> str:
    if left <= 0:
        raise EngineTimeout("the /pipedebug run went past its deadline")
    proc = subprocess.Popen(command, shell=True, stdin=subprocess.PIPE,  # noqa: S602 - the mode file's command
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    try:
        out, err = proc.communicate(data.encode("utf-8"), timeout=left)
    except subprocess.TimeoutExpired:
        raise EngineTimeout("the /pipedebug run went past its deadline") from None
    finally:
        if proc.poll() is None or proc.returncode != 0:
            _kill_group(proc)
    if proc.returncode != 0:
        raise EngineError(f"stage {command.split()[0]} failed: "
                          f"{err.decode('utf-8', 'replace').strip()[:200]}")
    return out.decode("utf-8", "replace")


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    proc.wait()
