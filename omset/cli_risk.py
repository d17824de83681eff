"""Command-line side of the risk flags: ``omset learn risk`` and the riskiest-segments
report that ``--explain`` prints (docs/risk.md).

``omset learn`` becomes a command group here: ``omset learn risk …`` trains the risk
model, ``omset learn rules …`` the post-edit rules, and the older spelling
``omset learn PAIRS -o rules.json`` still means ``rules``. Imported when the CLI
starts, so it imports nothing heavy at module level.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from .console import err

if TYPE_CHECKING:
    from .result import Segment



class _LearnGroup(TyperGroup):
    """A first argument that names no subcommand goes to ``rules`` (the command
    ``omset learn`` was before it had subcommands)."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] != "--help":
            args = ["rules", *args]
        return super().parse_args(ctx, args)


learn_app = typer.Typer(cls=_LearnGroup, no_args_is_help=True,
                        help="Learn from parallel text: post-edit rules (`rules`, the default) "
                             "or the risk model (`risk`).")


@learn_app.command("risk")
def learn_risk(
    parallel: Annotated[Path, typer.Argument(
        help="Bokmål<TAB>Nynorsk pairs to learn from (a training split).")],
    output: Annotated[Path, typer.Option(
        "-o", "--output",
        help="Model file to write (omset/data/risk-model.json is the shipped one).")],
    style: Annotated[str, typer.Option(
        "--style", help="Profile whose output the model judges; a Bokmål one "
                        "(bokmal) reads the pairs in reverse, for nn→nb.")] = "nynorsk-news",
    folds: Annotated[int, typer.Option(
        "--folds", help="Out-of-fold slices (a slice's features and scores never see "
                        "its answers).")] = 5,
    cache: Annotated[Path | None, typer.Option(
        "--cache", help="Engine outputs: reused if they match, else written.")] = None,
) -> None:
    """Learn the risk model: which segments and words a proofreader will edit (docs/risk.md)."""
    from .errors import EngineNotInstalled

    if not parallel.is_file():
        err.print(f"[bold red]omset:[/] {parallel} not found (the NorBench splits are in "
                  "../shared/data/parallel)", highlight=False)
        raise typer.Exit(2)
    try:
        from .risk.training import TrainingError, run
    except ImportError as exc:  # sklearn/sacrebleu are an extra
        err.print(f"[bold red]omset:[/] learning needs scikit-learn and sacrebleu "
                  f"(pip install 'omset[learn]'): {exc}", highlight=False)
        raise typer.Exit(1) from None
    try:
        report = run(parallel, output, style=style, folds=folds, cache=cache,
                     log=lambda m: err.print(m, highlight=False))
    except EngineNotInstalled as exc:
        err.print(f"[bold red]omset:[/] {exc}", highlight=False)
        raise typer.Exit(1) from None
    except TrainingError as exc:
        err.print(f"[bold red]omset:[/] {exc}", highlight=False)
        raise typer.Exit(2) from None
    err.print(f"held out: the riskiest 20 % of segments hold {report['top20_share']:.1%} of "
              f"the edits (longest 20 %: {report['top20_share_length']:.1%}); word flags at "
              f"30 % recall are right {report['word_precision_at_30']:.1%} of the time "
              f"(random: {report['word_base_rate']:.1%}); wrote {output}", highlight=False)


def show_riskiest(segments: Sequence[Segment], console: Any = None, share: float = 0.2) -> None:
    """Print the riskiest ``share`` of the segments (annotating them first if needed),
    with the flagged words underlined: where a proofreader should look first."""
    from rich.markup import escape

    from .risk import annotate, riskiest

    console = console if console is not None else err.get()

    if any(s.risk is None for s in segments):
        annotate([s for s in segments if s.risk is None])
    top = riskiest(segments, share)
    if not top:
        return
    console.print(f"[bold]riskiest segments[/] (top {share:.0%}, risk 0–1):", highlight=False)
    for seg in top:
        out, pos = [], 0
        for tok in seg.tokens:
            if not tok.text or tok.start < pos:
                continue
            out.append(escape(seg.text[pos:tok.start]))
            word = escape(tok.text)
            out.append(f"[underline bold]{word}[/]" if tok.flagged else word)
            pos = tok.start + len(tok.text)
        out.append(escape(seg.text[pos:]))
        console.print(f"  {seg.risk:.2f}  {''.join(out)}", highlight=False)
