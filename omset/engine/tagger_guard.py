"""A pipeline stage: ``apertium-tagger``, replaced by a fresh one whenever it has
changed its own model, so no request is tagged with what an earlier one left behind.

    python -I tagger_guard.py apertium-tagger -z -g nno-nob.prob

Why: apertium-tagger's HMM (apertium 3.8) edits its model while it tags. For a word
whose ambiguity class the model has never seen (``media``: ``<n><nt><sp>`` or
``<n><nt><pl><def>``), ``tagger_utils::find_similar_ambiguity_class`` looks for the
smallest known class that contains it; its result is a *reference to the model's open
class* (the tags an unknown word may have), so the search overwrites the open class.
From then on, for the life of the process, unknown words get that smaller class and
every later unseen class is matched against it — a NUL flush does not undo it, and no
input can restore it. In one warm pipeline a segment was then tagged differently from
the same segment alone (``Inga Bejer Engh`` → ``Ingen``, ``sjanse for sol`` → ``søl``).

How: the tagger runs with ``-d``, which reports each such word on standard error
("A new ambiguity class was found") before it writes that request's NUL. We pass one
NUL-terminated chunk at a time, forward the answer up to its NUL, and after any chunk
that reported one, switch to a fresh tagger that was started in advance (the old one's
input is closed and it is let end; the NULs it adds at end of input are dropped). The
tagger answers each NUL with one NUL until its end of input
(checked on 3,000 dev segments each way); were it ever to add one in between, the rest
of that answer would go out with the next chunk's and a report be acted on one chunk
late, but nothing would be lost: a retired tagger's output is copied to its end. The chunk
itself is tagged exactly as the CLI tags it alone (the change only acts on words after
it, as in a fresh process). ``-d`` changes nothing else; its other messages are dropped.

Before the tagger, each chunk passes :func:`name_particles.drop_particle_names` (the
name reading of a lower-case word no name follows is dropped; see there).

Standard library only: it runs as ``python -I`` with no access to omset (only to the
module next to it).
"""

from __future__ import annotations

import os
import select
import subprocess
import sys
from typing import IO, Callable

if __package__:
    from .name_particles import drop_particle_names
else:  # run as a script under ``python -I``: its own folder is not on sys.path
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from name_particles import drop_particle_names  # type: ignore[no-redef]

CHANGED = b"new ambiguity class"


class _Tagger:
    def __init__(self, argv: list[str]):
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, bufsize=0)
        # all three are pipes, as asked for just above
        assert self.proc.stdin and self.proc.stdout and self.proc.stderr
        self.pipes: tuple[IO[bytes], IO[bytes], IO[bytes]] = (
            self.proc.stdin, self.proc.stdout, self.proc.stderr)
        self.stdin, self.stdout, self.stderr = (pipe.fileno() for pipe in self.pipes)
        os.set_blocking(self.stdin, False)
        self.errors = bytearray()

    def exchange(self, chunk: bytes, out: int) -> bool:
        """Send ``chunk`` (one request, ending in NUL) and copy the answer to ``out`` up
        to its NUL; True if the tagger changed its model meanwhile."""
        self.errors.clear()
        self._pump(chunk, lambda answer: _write_all(out, answer), last=False)
        # What the tagger wrote on stderr before that NUL is in the pipe by now.
        while select.select([self.stderr], [], [], 0)[0]:
            data = os.read(self.stderr, 1 << 16)
            if not data:
                break
            self.errors += data
        return CHANGED in self.errors.lower()

    def finish(self, rest: bytes, out: int) -> int:
        """Send what came after the last NUL, close the tagger's input, copy the rest of
        its answer to ``out``; the tagger's exit status."""
        self._finish(rest, lambda answer: _write_all(out, answer))
        return self.proc.wait()

    def _finish(self, rest: bytes, sink: Callable[[bytes], None]) -> None:
        if not rest:
            self.pipes[0].close()
        try:
            self._pump(rest, sink, last=True)
        except EOFError:
            pass

    def _pump(self, data: bytes, sink: Callable[[bytes], None], *, last: bool) -> None:
        """Write ``data`` while passing the tagger's output to ``sink``, until the NUL
        that answers ``data`` (or, if ``last``, until the tagger's end of output)."""
        todo = memoryview(data)
        while True:
            r, w, _ = select.select([self.stdout, self.stderr], [self.stdin] if todo else [], [])
            if w:
                todo = todo[os.write(self.stdin, todo):]
                if not todo and last:
                    self.pipes[0].close()
            if self.stderr in r:
                self.errors += os.read(self.stderr, 1 << 16)
            if self.stdout in r:
                answer = os.read(self.stdout, 1 << 16)
                if not answer:
                    raise EOFError
                sink(answer)
                if not last and not todo and b"\0" in answer:
                    return

    def retire(self, out: int) -> None:
        """Close the tagger's input and let it end. What it still writes goes to ``out``
        unless it is only the NULs it adds at end of input, so nothing is lost even if
        an answer ever had more NULs than its request."""
        rest = bytearray()
        self._finish(b"", rest.extend)
        self._close()
        if rest.strip(b"\0"):
            _write_all(out, bytes(rest))

    def stop(self) -> None:
        self.proc.kill()
        self._close()

    def _close(self) -> None:
        self.proc.wait()
        for pipe in self.pipes:
            pipe.close()


class TaggerDied(Exception):
    """A tagger (the working one or the spare) ended while the guard was idle."""


def wait_for_input(tagger: _Tagger, spare: _Tagger, out: int) -> None:
    """Block until there is input on stdin; raise :class:`TaggerDied` if either tagger
    ends meanwhile, so the guard — and with it the whole pipeline — ends at once rather
    than at the next request (the pipeline watches its stages' exits, not their
    children's). Output the working tagger writes while idle is passed on."""
    while True:
        ready = select.select([0, tagger.stdout, spare.stdout], [], [])[0]
        for t in (tagger, spare):
            if t.stdout in ready:
                data = os.read(t.stdout, 1 << 16)
                if not data:
                    raise TaggerDied
                if t is tagger:
                    _write_all(out, data)
        if 0 in ready:
            return


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def main(argv: list[str]) -> int:
    command = [argv[0], "-d", *argv[1:]]  # -d: report the words that change the model
    tagger, spare = _Tagger(command), _Tagger(command)
    buf = bytearray()
    try:
        while True:
            wait_for_input(tagger, spare, 1)
            if not (data := os.read(0, 1 << 16)):
                break
            buf += data
            while (end := buf.find(b"\0")) >= 0:
                chunk = drop_particle_names(bytes(buf[:end + 1]))
                del buf[:end + 1]
                if tagger.exchange(chunk, 1):
                    tagger.retire(1)
                    tagger, spare = spare, _Tagger(command)
        code = tagger.finish(drop_particle_names(bytes(buf)), 1)
    except EOFError:  # the tagger ended before answering
        code = tagger.proc.wait() or 1
    except TaggerDied:
        sys.stderr.buffer.write(b"tagger_guard: a tagger process ended\n")
        return 1
    except BrokenPipeError:  # the tagger or the next stage ended
        code = 1
    finally:
        spare.stop()
    if code:
        sys.stderr.buffer.write(bytes(tagger.errors))
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
