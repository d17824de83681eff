"""The settings of one batch run, and the fingerprint that ties OUTDIR to them."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from .defaults import MAX_RECORD_BYTES, PARTITION_BYTES, PARTITION_RECORDS
from .records import Job


@dataclass(frozen=True)
class Options:
    """What is translated and how; equal options give equal partitions and outputs.

    ``fields`` are the JSON Lines fields and ``columns`` the Parquet columns to
    translate; with a ``suffix`` the translation goes into ``name + suffix`` beside the
    source, without one it replaces it. ``by_line``: a plain-text line is one segment (``--lines``);
    otherwise paragraphs, as ``omset translate`` reads them.
    """

    source: str = "nb"
    target: str = "nn"
    style: str | None = None
    variant: str | None = None
    glossary: tuple[Path, ...] = ()
    by_line: bool = False
    fields: tuple[str, ...] = ("text",)
    columns: tuple[str, ...] = ("text",)
    suffix: str = ""
    max_record_bytes: int = MAX_RECORD_BYTES
    partition_records: int = PARTITION_RECORDS
    partition_bytes: int = PARTITION_BYTES
    timeout: float = 20.0
    #: a translation memory (SQLite path or postgresql:// URL) whose exact matches the
    #: workers reuse, read-only (batch/memory.py)
    memory: str | None = None
    #: every segment translated as if first on its pipeline (``Translator(deterministic=)``)
    deterministic: bool = False

    def job(self, kind: str, payload: Any, first: int) -> Job:
        names = self.columns if kind == "parquet" else self.fields
        return Job(kind, payload, first, by_line=self.by_line, fields=names,
                   suffix=self.suffix, max_bytes=self.max_record_bytes)

    def translator_kwargs(self) -> dict[str, Any]:
        """Arguments of the one ``Translator`` each worker holds (one pipeline: a worker
        is one core)."""
        return {"source": self.source, "target": self.target, "style": self._style(),
                "variant": self.variant, "pool_size": 1, "timeout": self.timeout,
                "glossary": self._glossary(), "deterministic": self.deterministic}

    def _style(self) -> Any:
        """A style file is read here and sent as a profile: workers need not see it."""
        if self.style is None or not Path(self.style).is_file():
            return self.style
        from ..style import load

        return load(Path(self.style))

    def _glossary(self) -> Any:
        """The glossary files merged, as a value that travels to the workers (they need
        not see the files)."""
        if not self.glossary:
            return None
        from ..glossary import Glossary

        terms = Glossary()
        for g in self.glossary:
            terms = terms.merged(Glossary.load(g))
        return dict(terms.terms) or None  # a plain mapping pickles; a Glossary holds a lock

    def fingerprint(self) -> str:
        """A digest of everything that changes the output or the partitions (glossary
        files by content), so a re-run can tell whether OUTDIR's parts are its own."""
        data = asdict(self)
        data["glossary"] = [hashlib.sha256(Path(g).read_bytes()).hexdigest()
                            for g in self.glossary]
        data["memory"] = str(self.memory) if self.memory else None
        if not self.deterministic:  # the digest of runs from before the option existed
            del data["deterministic"]
        if self.style is not None and Path(self.style).is_file():
            data["style"] = hashlib.sha256(Path(self.style).read_bytes()).hexdigest()
        blob = json.dumps(data, sort_keys=True, default=str).encode()
        return hashlib.sha256(blob).hexdigest()[:16]
