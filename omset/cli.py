"""The ``omset`` command line: parse options, read input, call the library, print.

Exit codes: 0 success, 1 translation failure, 2 bad input or usage.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Iterator, List, Optional, TextIO

import typer

from .cli_risk import learn_app
from .errors import EngineNotInstalled, InputError, OmsetError
from .formats import output_mode
from .text.clean import decode_utf8, strip_controls

if TYPE_CHECKING:  # pragma: no cover

    from .translator import Translator

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Translate Norwegian Bokmål ⇄ Nynorsk with Apertium's nno-nob data.")


from .console import _Stderr, err  # noqa: E402,F401 - _Stderr: tests reach the console through it
from .console import fail as _fail  # noqa: E402


def _console():
    from rich.console import Console

    return Console()


def _table(*columns: str):
    from rich.table import Table

    return Table(*columns, box=None)


def _progress_bar():
    from rich.progress import (BarColumn, Progress, TextColumn, TimeRemainingColumn,
                               TransferSpeedColumn)

    return Progress(TextColumn("omset"), BarColumn(), TransferSpeedColumn(),
                    TimeRemainingColumn(), console=err.get(), disable=False,
                    # the translation goes to stdout itself, never via the bar's console
                    redirect_stdout=False, redirect_stderr=False)

#: inputs larger than this (≈ 20k words) get a progress bar on a terminal
PROGRESS_BYTES = 120_000
_CHUNK = 1 << 20



def _spool_stdin() -> Path:
    """Copy stdin to a temporary file so it can be checked before anything is written."""
    fd, name = tempfile.mkstemp(prefix="omset-stdin-")
    with os.fdopen(fd, "wb") as out:
        shutil.copyfileobj(sys.stdin.buffer, out, _CHUNK)
    return Path(name)


def _validate(path: Path) -> int:
    """Check a file is UTF-8 from end to end (bounded memory); return control-char count."""
    offset, tail, controls = 0, b"", 0
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            data = tail + chunk
            # keep an incomplete UTF-8 sequence at the end for the next round
            cut = len(data)
            for back in range(1, min(4, len(data)) + 1):
                b = data[-back]
                if b & 0xC0 != 0x80:  # a lead or ASCII byte
                    need = 1 if b < 0x80 else 2 if b >> 5 == 6 else 3 if b >> 4 == 14 else 4
                    if need > back:
                        cut = len(data) - back
                    break
            text = decode_utf8(data[:cut], offset)
            controls += strip_controls(text)[1]
            offset += cut
            tail = data[cut:]
    if tail:
        decode_utf8(tail, offset)
    return controls


def _interrupt_on_sigterm():
    """Treat SIGTERM like Ctrl-C, so ``finally`` blocks run: the pipelines are stopped and
    a half-written ``-o`` file is removed. Returns the previous handler (None when this
    is not the main thread, where handlers cannot be set)."""
    def interrupt(signum, frame):  # noqa: ARG001 - signal handler signature
        raise KeyboardInterrupt

    try:
        return signal.signal(signal.SIGTERM, interrupt)
    except ValueError:
        return None


def _lines(f: BinaryIO, progress, task) -> Iterator[str]:
    for raw in f:
        if progress is not None:
            progress.advance(task, len(raw))
        yield strip_controls(raw.decode("utf-8"))[0]


_DETERMINISTIC = ("Answer every segment as the pipeline answers it first thing, whatever it "
                  "translated before (costs pipeline CPU; docs/engine.md).")


@app.command()
def translate(
    files: List[Path] = typer.Argument(None, help="Input files (default: standard input).",
                                       exists=False),
    source: str = typer.Option("nb", "-s", "--source", help="Source language: nb or nn."),
    target: str = typer.Option("nn", "-t", "--target", help="Target language: nn or nb."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="Write here, not to stdout."),
    lines: bool = typer.Option(False, "--lines", help="Every input line is one segment."),
    style: Optional[str] = typer.Option(
        None, "--style",
        help="House style: a built-in name (omset styles) or a .toml file; default nynorsk-news "
             "(nn→nb: bokmal)."),
    variant: Optional[str] = typer.Option(
        None, "--variant",
        help="Nynorsk infinitive: e (komme), a (komma) or split; default: the style's."),
    pref: List[str] = typer.Option([], "--pref", help="Apertium preference (repeatable); see `omset prefs`."),
    mark_unknown: bool = typer.Option(False, "--mark-unknown", help="Mark unknown words with * # @."),
    workers: Optional[int] = typer.Option(None, "--workers", help="Pipelines (default: CPU cores)."),
    explain: bool = typer.Option(
        False, "--explain",
        help="Say on stderr which layer changed which word, and why."),
    glossary: List[Path] = typer.Option(
        [], "--glossary", "-g",
        help="Glossary file (TSV or TOML), repeatable."),
    keep_quoted_titles: bool = typer.Option(
        False, "--keep-quoted-titles",
        help="Keep titles in «guillemets» as written."),
    no_protect: bool = typer.Option(
        False, "--no-protect",
        help="Let Apertium see URLs, e-mail, handles, hashtags and code."),
    no_rules: bool = typer.Option(False, "--no-rules", help="Skip the style's learned post-edit rules."),
    rules: Optional[Path] = typer.Option(
        None, "--rules",
        help="Post-edit rule file to use instead of the style's (e.g. one `omset learn "
             "--memory` wrote)."),
    fmt: Optional[str] = typer.Option(
        None, "--format", "-f",
        help="Document format (text, html, markdown, docx, odt, srt, vtt, po, xliff, json, yaml); default: "
             "by the file's extension."),
    no_fuzzy: bool = typer.Option(
        False, "--no-fuzzy",
        help="PO: do not mark machine-translated entries fuzzy."),
    memory: Optional[str] = typer.Option(
        None, "--memory", "-m",
        help="Translation memory to use and fill (SQLite path or postgresql:// URL)."),
    doc: Optional[str] = typer.Option(None, "--doc", help="With --memory: the document's id."),
    doc_version: Optional[str] = typer.Option(
        None, "--version", help="With --memory: the document's version."),
    deterministic: bool = typer.Option(False, "--deterministic", help=_DETERMINISTIC),
) -> None:
    """Translate text files, documents or standard input."""
    spooled: list[Path] = []
    previous = _interrupt_on_sigterm()
    try:
        inputs = list(files or [])
        if rules is not None and (no_rules or not rules.is_file()):
            raise _fail("--no-rules and --rules exclude each other" if no_rules
                        else f"--rules: no such file: {rules}")
        for p in inputs:
            if not p.is_file():
                raise _fail(f"no such file: {p}")
        if not inputs:
            spooled.append(_spool_stdin())
            inputs = spooled
        from .formats import FormatError, detect_format

        try:
            kind = detect_format(files[0] if files else None, fmt)
        except FormatError as exc:
            raise _fail(str(exc)) from None
        if kind != "text":
            if len(inputs) != 1:
                raise _fail(f"a {kind} document is translated one file at a time")
            _document(inputs[0], kind, output, source=source, target=target, style=style,
                      variant=variant, pref=pref, mark_unknown=mark_unknown, workers=workers,
                      glossary=glossary, keep_quoted_titles=keep_quoted_titles,
                      no_protect=no_protect, no_rules=no_rules, rules_file=rules,
                      deterministic=deterministic, fuzzy=not no_fuzzy,
                      memory=memory, explain=explain, doc=doc, doc_version=doc_version)
            return
        controls = 0
        for p in inputs:
            try:
                controls += _validate(p)
            except InputError as exc:
                raise _fail(f"{p if p not in spooled else 'standard input'}: {exc}") from None
        if controls:
            err.print(f"omset: removed {controls} NUL/control character(s) from the input",
                      highlight=False)
        total = sum(p.stat().st_size for p in inputs)
        if total == 0:
            if output:
                output.write_bytes(b"")
            return
        show = total > PROGRESS_BYTES and err.is_terminal
        progress = _progress_bar() if show else None
        tmp: Path | None = None
        sink: TextIO
        with _translator(source=source, target=target, style=style, variant=variant, pref=pref,
                         mark_unknown=mark_unknown, workers=workers, glossary=glossary,
                         keep_quoted_titles=keep_quoted_titles, no_protect=no_protect,
                         no_rules=no_rules, rules_file=rules, deterministic=deterministic,
                         warm=1 if total < PROGRESS_BYTES else None) as tr, \
                (progress or contextlib.nullcontext()):
            task = progress.add_task("translate", total=total) if progress else None
            if output:
                fd, name = tempfile.mkstemp(dir=output.parent or Path("."), prefix=f".{output.name}.")
                os.fchmod(fd, output_mode(output))
                tmp = Path(name)
                sink = os.fdopen(fd, "w", encoding="utf-8", newline="")
            else:
                sink = sys.stdout
            try:
                for p in inputs:
                    if memory:
                        from .cli_memory import translate_file
                        translate_file(tr, memory, p, sink, by_line=lines, explain=explain,
                                       document=doc, version=doc_version)
                        continue
                    if explain:
                        _explain(tr, p, sink, lines)
                        continue
                    with p.open("rb") as f:
                        for chunk in tr.translate_lines(_lines(f, progress, task),
                                                        by_line=lines):
                            sink.write(chunk)
                sink.flush()
                if tmp is not None and output is not None:  # tmp is made only for an output
                    sink.close()
                    os.replace(tmp, output)
                    tmp = None
            except OmsetError as exc:
                raise _fail(f"translation failed: {exc}", 1) from None
            except KeyboardInterrupt:
                raise _fail("interrupted" + (f"; {output} not written" if output else ""), 130) from None
            finally:
                if tmp is not None:
                    sink.close()
                    tmp.unlink(missing_ok=True)
    finally:
        for p in spooled:
            p.unlink(missing_ok=True)
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def _translator(*, source: str, target: str, style: Optional[str], variant: Optional[str],
                pref: List[str], mark_unknown: bool, workers: Optional[int],
                glossary: List[Path], keep_quoted_titles: bool, no_protect: bool,
                no_rules: bool, rules_file: Optional[Path] = None,
                deterministic: bool = False,
                warm: Optional[int] = None) -> Iterator["Translator"]:
    """A Translator for the command line's options, on an engine this command owns; bad
    options exit with a message.

    The engine starts first, and ``warm`` of its pipelines with it (plus
    post-generation), so that Apertium's programs load their data while Python imports
    the layers and reads the profile, its rules and glossaries: a one-line input is
    answered about as soon as the CLI's own pipeline would answer it.
    """
    from .engine.engine import Engine

    if variant not in (None, "a", "e", "split"):
        raise _fail("--variant must be a, e or split")
    try:
        engine = Engine(source, target, variant=variant, mark_unknown=mark_unknown,
                        pool_size=workers)
    except EngineNotInstalled as exc:
        raise _fail(str(exc), 1) from None
    except OmsetError as exc:
        raise _fail(str(exc)) from None
    with engine:
        if warm:
            engine.warm_up(warm)
        from .glossary import Glossary
        from .translator import Translator

        try:
            terms = Glossary()
            for g in glossary:
                terms = terms.merged(Glossary.load(g))
            tr = Translator(source, target, style=style, variant=variant,  # type: ignore[arg-type]
                            prefs=pref, mark_unknown=mark_unknown, glossary=terms or None,
                            protect=not no_protect, keep_quoted_titles=keep_quoted_titles,
                            rules=False if no_rules else rules_file, engine=engine,
                            deterministic=deterministic)
        except EngineNotInstalled as exc:
            raise _fail(str(exc), 1) from None
        except (OmsetError, ValueError) as exc:
            raise _fail(str(exc)) from None
        yield tr


def _document(path: Path, kind: str, output: Optional[Path], *, fuzzy: bool,
              memory: Optional[str] = None, explain: bool = False, doc: Optional[str] = None,
              doc_version: Optional[str] = None, **opts) -> None:
    """Translate one document (HTML, DOCX, PO …) whole; the output appears only on success.
    With ``memory``, segment by segment against it (docs/memory.md, "Documents")."""
    from .formats import FormatError, Options, translate_document, write_atomic

    options = Options(fuzzy=fuzzy)
    size = path.stat().st_size
    if size > options.limits.max_input_bytes:
        raise _fail(f"{path}: {size} bytes is more than the document limit of "
                    f"{options.limits.max_input_bytes}")
    data = path.read_bytes()
    with _translator(**opts) as tr:
        try:
            if memory:
                from .cli_memory import translate_document as with_memory

                out = with_memory(tr, memory, data, kind, options, explain=explain,
                                  document=doc, version=doc_version)
            else:
                out = translate_document(data, kind, tr, options=options)
        except FormatError as exc:
            raise _fail(f"{path}: {exc}") from None
        except OmsetError as exc:
            raise _fail(f"translation failed: {exc}", 1) from None
    if output is None:
        sys.stdout.buffer.write(out)
        sys.stdout.buffer.flush()
        return
    write_atomic(output, out)


def _explain(tr, path: Path, sink, by_line: bool) -> None:
    """Translate one file and report every change a layer made, on stderr."""
    text = strip_controls(path.read_text(encoding="utf-8"))[0]
    sink.write(tr.translate(text))
    segments = [s for texts in tr.translate_detailed([text]) for s in texts]
    for seg in segments:
        changed = [c for t in seg.tokens for c in t.changes]
        if not changed:
            continue
        err.print(f"[bold]{seg.text}[/]", highlight=False)
        for ch in changed:
            err.print(f"  {ch.before} → {ch.after}  [dim]({ch.layer}: {ch.reason})[/]",
                      highlight=False)
    if any(seg.risk is not None for seg in segments):
        from .cli_risk import show_riskiest

        show_riskiest(segments, err.get())


from .cli_memory import memory_app  # noqa: E402 - registered after the commands above
app.add_typer(memory_app, name="memory")


@app.command()
def styles() -> None:
    """List the built-in house-style profiles."""
    from .style import builtin_names, load

    table = _table("style", "for", "infinitive", "preferences", "what it is")
    for name in builtin_names():
        prof = load(name)
        if prof.language == "nb":
            table.add_row(name, "nn→nb", "-", f"feminine {prof.feminine}", prof.description)
        else:
            table.add_row(name, "nb→nn", prof.infinitive, ", ".join(sorted(prof.prefs)) or "-",
                          prof.description)
    _console().print(table)


style_app = typer.Typer(help="Work with house-style profiles.", no_args_is_help=True)
app.add_typer(style_app, name="style")
app.add_typer(learn_app, name="learn")  # `omset learn rules|risk` (omset/cli_risk.py)


@style_app.command("learn")
def style_learn(
    sample: Path = typer.Argument(..., help="Text written in the house style (UTF-8): Nynorsk, "
                                            "or Bokmål with --language nb."),
    output: Path = typer.Option(..., "-o", "--output", help="Profile to write (.toml)."),
    name: Optional[str] = typer.Option(None, "--name", help="Profile name (default: file stem)."),
    description: str = typer.Option("", "--description"),
    min_count: int = typer.Option(10, "--min-count", help="Evidence needed before a preference counts."),
    parallel: Optional[Path] = typer.Option(
        None, "--parallel",
        help="Bokmål<TAB>Nynorsk pairs: test word-level preferences in context."),
    sample_size: int = typer.Option(3000, "--parallel-sample", help="How many pairs --parallel uses."),
    report: Optional[Path] = typer.Option(
        None, "--report",
        help="Also write the counts as a Markdown table."),
    language: str = typer.Option("nn", "--language",
                                 help="nn: a Nynorsk profile (nb→nn); nb: a Bokmål one (nn→nb)."),
) -> None:
    """Infer a house-style profile from a sample of the house's own Nynorsk (or Bokmål)."""
    from .style.learn import StyleLearner, check_on_parallel

    try:
        text = strip_controls(decode_utf8(sample.read_bytes()))[0]
    except (OSError, InputError) as exc:
        raise _fail(str(exc)) from None
    if language not in ("nb", "nn"):
        raise _fail("--language must be nb or nn")
    if language == "nb":
        from .cli_style_nb import learn_bokmal

        learn_bokmal(text, output, name or output.stem, description, min_count)
        return
    try:
        with StyleLearner() as learner:
            ev = learner.count(text.splitlines())
    except EngineNotInstalled as exc:
        raise _fail(str(exc), 1) from None
    prof = ev.profile(name or output.stem, description, min_count)
    checked: dict[str, tuple[int, int]] = {}
    if parallel is not None:
        rows = [line.split("\t") for line in parallel.read_text(encoding="utf-8").splitlines()]
        pairs = [(r[0], r[1]) for r in rows if len(r) >= 2][:sample_size]
        word_prefs = [p for p, t in ev.prefs.items()
                      if ev.source.get(p) == "words" and t.total >= min_count]
        checked = check_on_parallel(prof, word_prefs, pairs)
        keep = {p for p, (b, w) in checked.items() if b > w}
        prof = type(prof)(prof.name, prof.description, prof.infinitive,
                          frozenset((prof.prefs - set(word_prefs)) | keep))
    output.write_text(prof.to_toml(), encoding="utf-8")
    table = _table("preference", "house form", "other form", "share", "evidence", "in context")
    rows_out = []
    for pref, on, off, share, src in ev.report():
        ctx = f"+{checked[pref][0]}/-{checked[pref][1]}" if pref in checked else ""
        mark = "✓" if pref in prof.enabled else ""
        table.add_row(f"{pref} {mark}", str(on), str(off), f"{share:.2f}", src, ctx)
        rows_out.append(f"| {pref} | {'on' if mark else 'off'} | {on} | {off} | {share:.2f} "
                        f"| {src} | {ctx} |")
    err.print(table)
    err.print(f"{ev.words} words; infinitive {prof.infinitive} "
              f"(e-forms {ev.prefs['infa_infe'].on}, a-forms {ev.prefs['infa_infe'].off}); "
              f"wrote {output}")
    if report is not None:
        report.write_text(
            f"Counts behind profile `{prof.name}` ({ev.words} words of sample).\n\n"
            "| preference | chosen | house form | other form | share | evidence "
            "| in context (+closer/-farther) |\n"
            "|---|---|---:|---:|---:|---|---|\n" + "\n".join(rows_out) + "\n", encoding="utf-8")


@learn_app.command("rules")
def learn(
    parallel: Optional[Path] = typer.Argument(
        None, help="Bokmål<TAB>Nynorsk pairs to learn from (a training split); optional "
                   "with --memory."),
    output: Path = typer.Option(..., "-o", "--output", help="Rule file to write (.json, docs/rules.md)."),
    memory: Optional[str] = typer.Option(
        None, "--memory", "-m",
        help="Learn from the approved edits of this translation memory (SQLite path or "
             "postgresql:// URL), with the pairs or alone."),
    style: Optional[str] = typer.Option(
        None, "--style", help="Profile whose output the rules correct (default: nynorsk-news, "
                              "with --reverse bokmal)."),
    min_count: int = typer.Option(3, "--min-count", help="Words a rule must fix in training."),
    reverse: bool = typer.Option(
        False, "--reverse",
        help="Read the pairs Nynorsk→Bokmål and learn rules for nn→nb (--style: a Bokmål one)."),
    min_gain: int = typer.Option(2, "--min-gain", help="Net gain (fixed - broken) a rule needs in training."),
    heldout: int = typer.Option(5, "--heldout", help="Every N-th pair is held out to check each rule."),
    cache: Optional[Path] = typer.Option(
        None, "--cache",
        help="Engine outputs: reused if present, else written."),
    guard: Optional[Path] = typer.Option(
        None, "--guard",
        help="Pairs whose right engine output no rule may change (e.g. Apertium's regression pairs)."),
    guard_cache: Optional[Path] = typer.Option(
        None, "--guard-cache",
        help="Engine outputs for --guard, like --cache."),
) -> None:
    """Learn post-edit rules from parallel text or a memory's approved edits (docs/rules.md)."""
    from .learn.rules import run

    if parallel is None and memory is None:
        raise _fail("name the pairs to learn from (PARALLEL) or a memory (--memory)")
    if parallel is not None and not parallel.is_file():
        raise _fail(f"{parallel} not found (the NorBench splits are in ../shared/data/parallel)")
    from .memory import MemoryStoreError

    try:
        rs = run(parallel, output, style=style or ("bokmal" if reverse else "nynorsk-news"),
                 reverse=reverse, min_count=min_count, min_gain=min_gain,
                 heldout=heldout, cache=cache, guard=guard, guard_cache=guard_cache,
                 log=lambda m: err.print(m, highlight=False), memory=memory)
    except EngineNotInstalled as exc:
        raise _fail(str(exc), 1) from None
    except (MemoryStoreError, InputError) as exc:
        raise _fail(str(exc)) from None
    err.print(f"wrote {len(rs)} rules to {output}", highlight=False)


@app.command()
def prefs(
    source: str = typer.Option("nb", "-s", "--source"),
    target: str = typer.Option("nn", "-t", "--target"),
) -> None:
    """List Apertium's preferences for a direction (use them with --pref)."""
    from .translator import Translator

    try:
        table_data = Translator.preferences(source, target)
    except OmsetError as exc:
        raise _fail(str(exc), 1 if isinstance(exc, EngineNotInstalled) else 2) from None
    table = _table("preference", "what it does")
    for name, desc in sorted(table_data.items()):
        table.add_row(name, desc)
    _console().print(table)


@app.command()
def detect(file: Optional[Path] = typer.Argument(None, help="Input file (default: stdin).")) -> None:
    """Say whether a text is Bokmål (nb), Nynorsk (nn) or neither (und)."""
    from .detect import Detector

    data = file.read_bytes() if file else sys.stdin.buffer.read()
    try:
        text = strip_controls(decode_utf8(data))[0]
        with Detector() as det:
            result = det.detect(text)
    except EngineNotInstalled as exc:
        raise _fail(str(exc), 1) from None
    except InputError as exc:
        raise _fail(str(exc)) from None
    typer.echo(f"{result.language}\t{result.confidence:.2f}")


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8080, "--port", help="Port to listen on."),
    workers: Optional[int] = typer.Option(
        None, "--workers",
        help="Pipelines per direction (default: CPU cores)."),
    timeout: float = typer.Option(30.0, "--timeout", help="Seconds a request may take (then 504)."),
    max_body: int = typer.Option(
        10 * 1024 * 1024, "--max-body",
        help="Largest request body in bytes (then 413)."),
    api_key_file: Optional[Path] = typer.Option(
        None, "--api-key-file",
        help="Require one of these keys (one per line)."),
    cors_origin: List[str] = typer.Option(
        [], "--cors-origin",
        help="Origin allowed to call the API from a browser (repeatable; * for any)."),
    style: Optional[str] = typer.Option(None, "--style", help="Default nb→nn style (a built-in name; "
                                                              "nn→nb requests default to bokmal)."),
    max_segments: int = typer.Option(5000, "--max-segments", help="Most segments per request (then 413)."),
    log_level: str = typer.Option("info", "--log-level"),
    log_format: str = typer.Option("text", "--log-format",
                                   help="text, or json: one JSON object per line with the request id."),
    max_header: int = typer.Option(32 * 1024, "--max-header",
                                   help="Largest request line + headers in bytes (then 431)."),
    header_timeout: float = typer.Option(10.0, "--header-timeout",
                                         help="Seconds to send a request's headers (then 408, closed)."),
    keep_alive: float = typer.Option(15.0, "--keep-alive",
                                     help="Seconds an idle connection stays open."),
    req_limit: int = typer.Option(0, "--req-limit",
                                  help="Costly requests per minute per API key or client address "
                                       "(then 429); 0: no limit."),
    char_limit: int = typer.Option(0, "--char-limit",
                                   help="Most characters of text per request; 0: no limit."),
    memory: Optional[str] = typer.Option(
        None, "--memory", help="Translation memory for requests that ask for it (SQLite path or "
                               "postgresql:// URL; docs/memory.md)."),
    warm_apy: bool = typer.Option(
        False, "--warm-apy",
        help="Start the engines of APy requests (markUnknown=yes) right after start-up, in "
             "the background, so an APy client's first request is not a cold start."),
    deterministic: bool = typer.Option(
        True, "--deterministic/--no-deterministic",
        help=_DETERMINISTIC + " On by default for the service: no client's answer depends on "
             "what another sent."),
) -> None:
    """Run the HTTP service: own API (/v1, docs at /docs), APy and LibreTranslate routes."""
    from .server import Settings, read_api_keys, run
    from .style import builtin_names
    from .style import load as load_profile

    nynorsk = [n for n in builtin_names() if load_profile(n).language == "nn"]
    if style is not None and style not in nynorsk:
        raise _fail(f"--style must be a built-in Nynorsk style: {', '.join(nynorsk)}")
    try:
        keys = read_api_keys(api_key_file) if api_key_file else frozenset()
    except (OSError, ValueError) as exc:
        raise _fail(f"--api-key-file: {exc}") from None
    settings = Settings(host=host, port=port, workers=workers, timeout=timeout,
                        max_body=max_body, api_keys=keys, cors_origins=tuple(cors_origin),
                        style=style, memory=memory, max_segments=max_segments,
                        log_format=log_format, max_header=max_header,
                        header_timeout=header_timeout, keep_alive=keep_alive,
                        req_limit=req_limit, char_limit=char_limit, warm_apy=warm_apy,
                        deterministic=deterministic)
    if log_format not in ("text", "json"):
        raise _fail("--log-format must be text or json")
    if memory:
        from .memory import Memory, MemoryStoreError

        try:  # a corrupt or foreign file is refused before the server starts
            Memory.open(memory).close()
        except MemoryStoreError as exc:
            raise _fail(str(exc)) from None
    if not keys and not settings.loopback:
        err.print(f"omset: warning: serving on {host} without API keys (--api-key-file)",
                  highlight=False)
    run(settings, log_level=log_level)


from .cli_batch import batch as _batch  # noqa: E402 - omset batch (omset/batch/)
app.command("batch")(_batch)


def main() -> None:  # pragma: no cover - entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    app()
