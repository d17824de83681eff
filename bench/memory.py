"""Translation memory: updated articles with vs without the memory, and lookup time.

    .venv/bin/python bench/memory.py [--articles 40] [--entries 1000000] [--backends sqlite,postgresql]
                                     [--skip-update] [--skip-lookup] [--compare-fuzzy]
                                     [--shared DIR]

Needs the third-party data in ../shared (not part of the repository; exits 2 without
it). Everything is measured in one run, omset with the memory beside omset without it
(the same warm Translator, style nynorsk-news):

1. *Update set* from the NorBench dev split: groups of 15 consecutive pairs are articles;
   version 1 is proofread (its Nynorsk side is the reference). Version 2 changes a number
   in some old paragraphs (in the source and the reference alike: the proofread sentence
   with just that change is the right answer) and adds new paragraphs (the next unused
   dev pairs). Version 1 is stored as approved, version 2 translated with and without the
   memory; TER (sacrebleu) against the version-2 reference per kind of paragraph:
   proofread (unchanged), corrected (number changed), new.
2. *Speed*: articles where exactly one of 15 paragraphs changed and one was added,
   re-translated with and without the memory; wall time and the ratio.
3. *Lookup* at ``--entries`` entries (sources made by joining halves of dev sentences,
   so they are distinct and read like news): median and 95th percentile per lookup for
   exact hits, fuzzy hits (one word changed) and misses, on SQLite and on PostgreSQL (a
   server from tests/pgserver.py). Both stores are kept in bench/out/ and reused when
   they have the same size. The PostgreSQL store is loaded by COPY from the SQLite
   store's rows when that exists (same schema and keys; far cheaper than a second
   build through ``add_many``).
"""

from __future__ import annotations

import argparse
import math
import os
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import sacrebleu

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from quality import DEFAULT_SHARED, DEV, load_pairs, shared_files  # noqa: E402

from omset import Translator  # noqa: E402
from omset.memory import Entry, Memory, Query  # noqa: E402
from omset.memory.version import machine_version, style_name  # noqa: E402
from omset.memory.workflow import store_approved, translate_text  # noqa: E402

ARTICLE = 15
OUT = ROOT / "bench" / "out"
_NUMBER = re.compile(r"(?<![\w.,])\d+(?![\w]|[.,]\d)")


# -- the update set ------------------------------------------------------------------------
def change_number(src: str, ref: str) -> tuple[str, str] | None:
    """The pair with one number changed on both sides, if a number stands once in each."""
    for m in _NUMBER.finditer(src):
        x = m.group()
        if [n.group() for n in _NUMBER.finditer(src)].count(x) != 1:
            continue
        if [n.group() for n in _NUMBER.finditer(ref)].count(x) != 1:
            continue
        y = str(int(x) + 3) if int(x) < 10**9 else x[:-1] + str((int(x[-1]) + 3) % 10)
        pat = re.compile(rf"(?<![\w.,]){re.escape(x)}(?![\w]|[.,]\d)")
        return pat.sub(y, src, count=1), pat.sub(y, ref, count=1)
    return None


def version2(src: list[str], ref: list[str], changes: int, added: list[tuple[str, str]]
             ) -> tuple[list[str], list[str], list[str]] | None:
    """Version 2 of an article: (sources, references, kinds); None when it has fewer
    paragraphs with a changeable number than asked."""
    todo = [i for i in range(len(src)) if change_number(src[i], ref[i])]
    if len(todo) < changes:
        return None
    pick = set(todo[::max(1, len(todo) // changes)][:changes]) if changes else set()
    s2, r2, kinds = [], [], []
    for i, (s, r) in enumerate(zip(src, ref)):
        if i in pick:
            s, r = change_number(s, r)  # type: ignore[misc]
        s2.append(s)
        r2.append(r)
        kinds.append("corrected" if i in pick else "proofread")
    for n, (s, r) in enumerate(added):   # the first new paragraph in the middle, the rest last
        at = len(s2) // 2 if n == 0 and len(added) > 1 else len(s2)
        s2.insert(at, s)
        r2.insert(at, r)
        kinds.insert(at, "new")
    return s2, r2, kinds


def text(paragraphs: list[str]) -> str:
    return "\n\n".join(paragraphs) + "\n"


def articles(src: list[str], ref: list[str], n: int, changes: int, adds: int
             ) -> list[tuple[list[str], list[str], list[str], list[str], list[str]]]:
    """(v1 sources, v1 refs, v2 sources, v2 refs, kinds) for up to ``n`` articles."""
    pool = iter(range(len(src) - 1, -1, -1))   # new paragraphs come from the end of the split
    out = []
    for start in range(0, len(src) - ARTICLE, ARTICLE):
        if len(out) == n or start + ARTICLE > len(src) - 4 * n * adds:
            break
        s1, r1 = src[start:start + ARTICLE], ref[start:start + ARTICLE]
        added = [(src[j], ref[j]) for j in (next(pool) for _ in range(adds))]
        v2 = version2(s1, r1, changes, added)
        if v2 is not None:
            out.append((s1, r1, *v2))
    return out


def split_output(out: str, n: int) -> list[str]:
    parts = out.rstrip("\n").split("\n\n")
    if len(parts) != n:
        raise SystemExit(f"error: {n} paragraphs in, {len(parts)} out")
    return parts


def run_update(tr: Translator, arts: list, label: str) -> dict:
    """Translate every article's version 2 without and with the memory; outputs and times."""
    plain_out: list[str] = []
    t0 = time.perf_counter()
    for _s1, _r1, s2, _r2, _k in arts:
        plain_out += split_output(tr.translate(text(s2)), len(s2))
    plain_time = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp, Memory.open(os.path.join(tmp, "tm.sqlite")) as mem:
        for k, (s1, r1, *_rest) in enumerate(arts):
            store_approved(mem, text(s1), text(r1), source_lang="nb", target_lang="nn",
                           style=style_name(tr), document=f"{label}{k}", version="1")
        mem_out: list[str] = []
        origins: list[str] = []
        t0 = time.perf_counter()
        for k, (_s1, _r1, s2, _r2, _kinds) in enumerate(arts):
            r = translate_text(tr, mem, text(s2), document=f"{label}{k}", version="2")
            mem_out += split_output(r.text, len(s2))
            origins += [s.origin for s in r.segments]
        mem_time = time.perf_counter() - t0
    return {"plain": plain_out, "memory": mem_out, "origins": origins,
            "plain_time": plain_time, "memory_time": mem_time}


def ter(hyp: list[str], ref: list[str]) -> float:
    return sacrebleu.corpus_ter(hyp, [ref]).score if hyp else float("nan")


def report_update(tr: Translator, src: list[str], ref: list[str], n: int) -> None:
    arts = articles(src, ref, n, changes=3, adds=2)
    res = run_update(tr, arts, "u")
    refs = [r for a in arts for r in a[3]]
    kinds = [k for a in arts for k in a[4]]
    print(f"\n## Update set: {len(arts)} articles of {ARTICLE} paragraphs, version 2 with 3 "
          f"numbers changed and 2 paragraphs added each\n")
    print("| paragraphs | count | TER without memory | TER with memory | with memory: came from |")
    print("|---|---:|---:|---:|---|")
    for kind in ("proofread", "corrected", "new"):
        idx = [i for i, k in enumerate(kinds) if k == kind]
        def sel(xs: list[str], idx: list[int] = idx) -> list[str]:
            return [xs[i] for i in idx]

        came: dict[str, int] = {}
        for i in idx:
            came[res["origins"][i]] = came.get(res["origins"][i], 0) + 1
        print(f"| {kind} | {len(idx)} | {ter(sel(res['plain']), sel(refs)):.2f} | "
              f"{ter(sel(res['memory']), sel(refs)):.2f} | "
              + ", ".join(f"{v} {k}" for k, v in sorted(came.items())) + " |")
    same = sum(res["plain"][i] == res["memory"][i] for i, k in enumerate(kinds) if k == "new")
    print(f"\nnew paragraphs identical with and without memory: {same} of {kinds.count('new')}")

    arts = articles(src, ref, n, changes=1, adds=1)
    res = run_update(tr, arts, "s")
    print(f"\n## Speed: {len(arts)} updated articles (1 of {ARTICLE} paragraphs changed, 1 added)\n")
    print("| | wall time | per article |")
    print("|---|---:|---:|")
    for label, key in (("without memory", "plain_time"), ("with memory (SQLite)", "memory_time")):
        print(f"| {label} | {res[key]:.2f} s | {1000 * res[key] / len(arts):.1f} ms |")
    print(f"\nspeed-up with memory: **{res['plain_time'] / res['memory_time']:.1f}×**")
    # what the memory run cannot go below: the engine's latency for the one new
    # paragraph of each article, translated alone (as the memory run has to)
    alone = []
    for _s1, _r1, s2, _r2, kinds in arts:
        for s, k in zip(s2, kinds):
            if k == "new":
                t0 = time.perf_counter()
                tr.translate(s)
                alone.append(time.perf_counter() - t0)
    floor = statistics.median(alone) * 1000
    print(f"\nthe new paragraph alone (median of {len(alone)}): {floor:.1f} ms; the memory "
          f"run's overhead above it: {1000 * res['memory_time'] / len(arts) - floor:.1f} ms "
          f"per article; speed-up if the overhead were 0: "
          f"{1000 * res['plain_time'] / len(arts) / floor:.1f}×")


# -- lookup at scale ------------------------------------------------------------------------
def synthetic(src: list[str], ref: list[str], count: int) -> Iterator[Entry]:
    """``count`` distinct news-like entries: the first half of one dev sentence joined to
    the second half of another (deterministic)."""
    n = len(src)
    words = [s.split() for s in src]
    twords = [r.split() for r in ref]
    for k in range(count):
        a, b = k % n, (k // n * 7919 + k * 31 + 17) % n
        s = " ".join(words[a][:len(words[a]) // 2] + words[b][len(words[b]) // 2:] + [f"({k})"])
        t = " ".join(twords[a][:len(twords[a]) // 2] + twords[b][len(twords[b]) // 2:] + [f"({k})"])
        yield Entry(s, t, "nb", "nn", "human", created=0.0)


def queries(src: list[str], ref: list[str], count: int, per_kind: int) -> dict[str, list[str]]:
    rng = random.Random(7)
    keys = sorted(rng.sample(range(count), 2 * per_kind))
    wanted = set(keys)
    stored = {k: e.source for k, e in enumerate(synthetic(src, ref, count)) if k in wanted}
    exact = [stored[k] for k in keys[:per_kind]]
    fuzzy = []
    for k in keys[per_kind:]:
        w = stored[k].split()
        i = rng.randrange(len(w) - 1)
        w[i] = rng.choice(src[rng.randrange(len(src))].split())
        fuzzy.append(" ".join(w))
    miss = [f"{s} (ny {i})" for i, s in enumerate(rng.sample(src, per_kind))]
    return {"exact": exact, "fuzzy (1 word changed)": fuzzy, "miss": miss}


def build(mem: Memory, src: list[str], ref: list[str], count: int) -> float:
    have = mem.stats()["entries"]
    if have == count:
        return 0.0
    if have:
        raise SystemExit(f"error: {mem.location} has {have} entries, not {count}; remove it")
    t0 = time.perf_counter()
    mem.add_many(synthetic(src, ref, count))
    return time.perf_counter() - t0


def copy_from_sqlite(url: str, path: Path, count: int) -> float:
    """Load the PostgreSQL store with the SQLite store's rows (same schema, same keys) by
    COPY: building a million entries through add_many twice takes too long on a shared
    2-core machine, and the lookups only need the same content."""
    import sqlite3

    import psycopg

    src = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    if src.execute("SELECT COUNT(*) FROM tm_entry").fetchone()[0] != count:
        raise SystemExit(f"error: {path} is not complete; run with --backends sqlite first")
    t0 = time.perf_counter()
    keys = {"tm_entry": "tm_entry_dedup_key", "tm_term": "tm_term_pkey", "tm_df": "tm_df_pkey"}
    with psycopg.connect(url) as db, db.cursor() as cur:
        # bulk load without the unique indexes, then build them once (sorted): much less
        # work than 16 million random B-tree inserts; the schema ends up as it was
        for table, name in keys.items():
            cur.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
        for table, cols in (("tm_entry", None), ("tm_term", "term, entry"), ("tm_df", "term, n")):
            names = cols or ", ".join(r[1] for r in src.execute("PRAGMA table_info(tm_entry)"))
            with cur.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in src.execute(f"SELECT {names} FROM {table}"):
                    copy.write_row(row)
        cur.execute("ALTER TABLE tm_entry ADD CONSTRAINT tm_entry_dedup_key UNIQUE (dedup)")
        cur.execute("ALTER TABLE tm_term ADD CONSTRAINT tm_term_pkey PRIMARY KEY (term, entry)")
        cur.execute("ALTER TABLE tm_df ADD CONSTRAINT tm_df_pkey PRIMARY KEY (term)")
        cur.execute("SELECT setval('tm_entry_id_seq', (SELECT MAX(id) FROM tm_entry))")
        cur.execute("ANALYZE")
    return time.perf_counter() - t0


def fuzzy_before(mem: Memory, q: Query):
    """The fuzzy lookup as it was before the one-statement candidate query (2026-11-30):
    the document frequencies, then the candidates, in two statements (three round trips
    with the exact lookup). Kept here only to measure both in the same run."""
    from omset.memory import fuzzy
    from omset.memory.entry import Match
    from omset.memory.keys import term_key, terms, tokens
    from omset.memory.store import (_SELECT, CANDIDATES, MAX_POSTINGS, POSTINGS_BUDGET,
                                    RARE_TERMS, _entry, _fits)

    words = terms(q.source)
    if not words or q.threshold > 1.0:
        return None
    keys = [term_key(q.source_lang, q.target_lang, t) for t in words]
    mine = tokens(q.source)
    allowed = int((1 - q.threshold) * len(mine) / max(q.threshold, 1e-9))
    cond, params = mem._in("term", keys)
    df = mem._execute(f"SELECT term, n FROM tm_df WHERE {cond} AND n <= ?",
                      (*params, MAX_POSTINGS)).fetchall()
    picked: list[int] = []
    budget = 0
    for term, n in sorted(df, key=lambda r: (r[1], r[0]))[:RARE_TERMS]:
        if picked and budget + n > POSTINGS_BUDGET:
            break
        picked.append(term)
        budget += n
    if not picked:
        return None
    cond, params = mem._in("term", picked)
    rows = mem._execute(
        f"{_SELECT} WHERE dedup IN (SELECT entry FROM tm_term WHERE {cond} GROUP BY entry "
        f"HAVING COUNT(*) >= ? ORDER BY COUNT(*) DESC LIMIT ?)",
        (*params, max(1, len(picked) - allowed, (len(picked) + 1) // 2), CANDIDATES)).fetchall()
    best = None
    for e in map(_entry, rows):
        if not (e.trusted and _fits(e, q)):
            continue
        theirs = tokens(e.source)
        if not fuzzy.possible(len(mine), len(theirs), q.threshold):
            continue
        score = fuzzy.similarity(mine, theirs, q.threshold)
        if score >= q.threshold and (best is None or (score, e.created) > (best.score, best.entry.created)):
            best = Match("fuzzy", score, e)
    return best


def time_lookups(mem: Memory, qs: dict[str, list[str]], stamp, compare: bool = False
                 ) -> dict[str, dict[str, tuple[float, float, int]]]:
    """Per variant ("now", and with ``compare`` "before": :func:`fuzzy_before`) and kind:
    (median ms, p95 ms, found). The variants take turns query by query, each going first
    every other query (the second one of a pair finds the pages the first one read in the
    cache), so neither the machine's load nor the cache favours one."""
    now_fuzzy = mem._fuzzy
    variants = {"now": now_fuzzy}
    if compare:
        variants["before"] = lambda q: fuzzy_before(mem, q)
    out: dict[str, dict[str, tuple[float, float, int]]] = {v: {} for v in variants}
    try:
        for kind, texts in qs.items():
            times: dict[str, list[float]] = {v: [] for v in variants}
            hits = dict.fromkeys(variants, 0)
            for i, s in enumerate(texts):
                order = list(variants.items())
                for name, impl in (order if i % 2 == 0 else order[::-1]):
                    mem._fuzzy = impl  # type: ignore[method-assign]
                    t0 = time.perf_counter()
                    m = mem.lookup(Query(s, "nb", "nn", style="nynorsk-news", machine=stamp))
                    times[name].append(1000 * (time.perf_counter() - t0))
                    hits[name] += m is not None
            for name, ts in times.items():
                ts.sort()
                out[name][kind] = (statistics.median(ts), ts[int(0.95 * (len(ts) - 1))],
                                   hits[name])
    finally:
        mem._fuzzy = now_fuzzy  # type: ignore[method-assign]
    for res in out.values():
        res["all (median of medians)"] = (statistics.median(t for t, _, _ in res.values()),
                                          float("nan"), -1)
    return out


#: how the table names a lookup variant
LABELS = {"now": "", "before": " (before: 3 statements)"}


def report_lookup(tr: Translator, src: list[str], ref: list[str], count: int, per_kind: int,
                  backends: list[str], compare: bool = False) -> None:
    stamp = machine_version(tr)
    qs = queries(src, ref, count, per_kind)
    rows: dict[str, dict] = {}
    builds: dict[str, float] = {}
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"memory-lookup-{count}.sqlite"
    if "sqlite" in backends:
        with Memory.open(str(path)) as mem:
            builds["SQLite"] = build(mem, src, ref, count)
            with path.open("rb") as f:   # a warm OS page cache, as in a running service
                while f.read(1 << 24):
                    pass
            time_lookups(mem, {k: v[:20] for k, v in qs.items()}, stamp, compare)   # warm up
            for variant, res in time_lookups(mem, qs, stamp, compare).items():
                rows[f"SQLite{LABELS[variant]}"] = res
    if "postgresql" in backends:
        from tests import pgserver

        with pgserver.server(keep=str(OUT / f"memory-pg-{count}")) as url, \
                Memory.open(url) as mem:
            if mem.stats()["entries"] == 0 and path.exists():
                builds["PostgreSQL (COPY of the SQLite rows)"] = copy_from_sqlite(url, path, count)
            else:
                builds["PostgreSQL"] = build(mem, src, ref, count)
            time_lookups(mem, {k: v[:20] for k, v in qs.items()}, stamp, compare)
            for variant, res in time_lookups(mem, qs, stamp, compare).items():
                rows[f"PostgreSQL{LABELS[variant]}"] = res
    print(f"\n## Lookup at {count:,} entries ({per_kind} queries of each kind)\n")
    print("| backend | kind | median ms | p95 ms | found |")
    print("|---|---|---:|---:|---:|")
    for backend, res in rows.items():
        for kind, (med, p95, hits) in res.items():
            p = "" if math.isnan(p95) else f"{p95:.2f}"
            h = "" if hits < 0 else f"{hits}/{per_kind}"
            print(f"| {backend} | {kind} | {med:.3f} | {p} | {h} |")
    for backend, secs in builds.items():
        print(f"\n{backend}: " + (f"built in {secs:.0f} s ({count / secs:,.0f} entries/s)"
                                  if secs else "reused the store kept in bench/out/"))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    ap.add_argument("--articles", type=int, default=40)
    ap.add_argument("--entries", type=int, default=1_000_000)
    ap.add_argument("--queries", type=int, default=300, help="lookups of each kind")
    ap.add_argument("--backends", default="sqlite,postgresql",
                    help="lookup figures for these (comma-separated)")
    ap.add_argument("--skip-update", action="store_true")
    ap.add_argument("--skip-lookup", action="store_true")
    ap.add_argument("--compare-fuzzy", action="store_true",
                    help="also time the fuzzy lookup as it was before the one-statement "
                         "candidate query, query by query in turn with today's")
    args = ap.parse_args()
    files = shared_files(args.shared, DEV)
    if files is None:
        return 2
    src, ref = load_pairs(files[0])
    print(f"# bench/memory.py — {time.strftime('%Y-%m-%d %H:%M')} UTC, {os.cpu_count()} cores")
    with Translator("nb", "nn") as tr:
        tr.warm_up()
        tr.translate(text(src[:30]))
        if not args.skip_update:
            report_update(tr, src, ref, args.articles)
        if not args.skip_lookup:
            report_lookup(tr, src, ref, args.entries, args.queries, args.backends.split(","),
                          args.compare_fuzzy)
    return 0


if __name__ == "__main__":
    sys.exit(main())
