"""The web editor in a real browser: keystroke-to-output and the longest main-thread task
on a 300-word and a 5,000-word story, the desk (this checkout, with a memory) side by
side with a baseline editor (another checkout's, without a memory).

    nice .venv/bin/python bench/editor.py [--baseline /work/main] [--trials 5]

Each story is the paragraphs of examples/artikkel.nb.txt repeated, every copy numbered
so no paragraph is a cache hit. Per editor and story: the story is pasted and translated
(time to the whole output), then a word is typed at the end of a paragraph in the
middle, `--trials` times; keystroke-to-output is from the last key to the moment that
paragraph's output changed (debounce included). Long tasks (> 50 ms) come from
Chromium's PerformanceObserver over the whole run. Needs Debian's chromium and
Playwright; the servers run on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.integration.webserver import serve  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
OBSERVE = """() => { window.__long = [];
  new PerformanceObserver((l) => l.getEntries().forEach((e) => window.__long.push(e.duration)))
    .observe({type: 'longtask', buffered: true}); }"""


def story(words: int) -> str:
    paras = [p for p in (ROOT / "examples/artikkel.nb.txt").read_text(encoding="utf-8")
             .split("\n\n") if p.strip()]
    out: list[str] = []
    n = i = 0
    while n < words:
        p = paras[i % len(paras)]
        text = f"{p} (Del {i + 1}.)" if not p.endswith(":") else p
        out.append(text)
        n += len(text.split())
        i += 1
    return "\n\n".join(out)


def paste(page, selector: str, text: str) -> None:
    """Paste ``text`` into ``selector`` as a person does: copied (Ctrl+C from a scratch
    text area) and pasted with Ctrl+V. Playwright's ``fill`` inserts the text through
    another editing path that makes Chromium lay out the text area inside the
    insertion whenever the page listens for ``input``: one task of 0.5 s for 5,000
    words in a bare text area, which a real paste (~0.08 s) does not have."""
    page.evaluate("""t => { const c = document.createElement('textarea'); c.id = '__clip';
        document.body.append(c); c.value = t; c.focus(); c.select(); }""", text)
    page.keyboard.press("Control+C")
    page.evaluate("() => document.getElementById('__clip').remove()")
    page.locator(selector).focus()
    page.keyboard.press("Control+V")


def run_editor(browser, base: str, text: str, trials: int) -> dict[str, float]:
    ctx = browser.new_context(viewport={"width": 1280, "height": 800},
                              permissions=["clipboard-read", "clipboard-write"])
    page = ctx.new_page()
    page.goto(base)
    page.wait_for_function("document.querySelectorAll('#style option').length > 0")
    page.evaluate(OBSERVE)
    t0 = time.monotonic()
    paste(page, "#source", text)
    page.wait_for_function("""() => document.querySelector('#output').getAttribute('aria-busy') === 'false'
        && !document.querySelector('#output .pending')
        && window.omsetEditor.outputText().length > 0""", timeout=600_000, polling=50)
    full = time.monotonic() - t0
    pasting = page.evaluate("Math.max(0, ...window.__long)") / 1000
    page.evaluate("window.__long = []")
    paras = text.split("\n\n")
    mid = len(paras) // 2
    end = len("\n\n".join(paras[:mid + 1]))
    lags = []
    for k in range(trials):
        page.evaluate(f"""() => {{ const s = document.querySelector('#source');
            s.focus(); s.setSelectionRange({end}, {end}); }}""")
        before = page.evaluate("window.omsetEditor.outputText()")
        page.keyboard.type(f" Og{k}", delay=40)
        t_key = page.evaluate("performance.now()")
        page.wait_for_function(
            """b => window.omsetEditor.outputText() !== b
                && document.querySelector('#output').getAttribute('aria-busy') === 'false'""",
            arg=before, timeout=60_000, polling="raf")
        lags.append((page.evaluate("performance.now()") - t_key) / 1000)
        end += len(f" Og{k}")
    typing = page.evaluate("Math.max(0, ...window.__long)") / 1000
    ctx.close()
    return {"full": full, "lag_median": statistics.median(lags), "lag_max": max(lags),
            "longest_task": max(pasting, typing), "longest_pasting": pasting,
            "longest_typing": typing}


def bare_paste(browser, text: str) -> float:
    """The longest task of pasting ``text`` into a bare text area whose only script is an
    `input` listener that does nothing: the browser's own cost of the paste, which any
    editor that listens for input pays."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 800},
                              permissions=["clipboard-read", "clipboard-write"])
    page = ctx.new_page()
    page.set_content("<textarea id=s style='width:600px;height:500px;white-space:pre-wrap'>"
                     "</textarea><script>document.getElementById('s')"
                     ".addEventListener('input', () => {});</script>")
    page.evaluate(OBSERVE)
    paste(page, "#s", text)
    page.wait_for_timeout(500)
    longest = page.evaluate("Math.max(0, ...window.__long)") / 1000
    ctx.close()
    return longest


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--baseline", type=Path, default=Path("/work/main"),
                    help="checkout whose editor is the baseline (default /work/main)")
    ap.add_argument("--trials", type=int, default=5)
    ap.add_argument("--words", type=int, nargs="*", default=[300, 5000])
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    print(f"load average: {os.getloadavg()}")
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                    args=["--no-sandbox"] if os.geteuid() == 0 else [])
        results: dict[tuple[str, int], dict[str, float]] = {}
        env_desk = {**os.environ, "PYTHONPATH": str(ROOT)}
        env_base = {**os.environ, "PYTHONPATH": str(args.baseline)}
        for name, env, extra in (("desk", env_desk, ["--memory", f"{tmp}/tm.sqlite"]),
                                 ("baseline", env_base, [])):
            old = dict(os.environ)
            os.environ.clear()
            os.environ.update(env)
            try:
                with serve(Path(tmp) / f"{name}.log", "--workers", "1", *extra,
                           wait=600) as base:
                    for words in args.words:
                        results[(name, words)] = r = run_editor(browser, base, story(words),
                                                                args.trials)
                        print(name, words, {k: round(v, 3) for k, v in r.items()},
                              flush=True)
            finally:
                os.environ.clear()
                os.environ.update(old)
        floors = {words: bare_paste(browser, story(words)) for words in args.words}
        browser.close()
    print(f"{'editor':<9} {'words':>6} {'paste→all (s)':>14} {'key→out median':>15} "
          f"{'key→out max':>12} {'longest task':>13} {'… pasting':>10} {'… typing':>9}")
    for (name, words), r in sorted(results.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        print(f"{name:<9} {words:>6} {r['full']:>14.2f} {r['lag_median']:>15.3f} "
              f"{r['lag_max']:>12.3f} {r['longest_task']:>13.3f} "
              f"{r['longest_pasting']:>10.3f} {r['longest_typing']:>9.3f}")
    for words in args.words:
        d, b = results[("desk", words)], results[("baseline", words)]
        print(f"{words} words: desk/baseline key→out median "
              f"{d['lag_median'] / b['lag_median']:.2f}x; longest task desk "
              f"{d['longest_task']:.3f} s, baseline {b['longest_task']:.3f} s, a bare text "
              f"area with an `input` listener that does nothing {floors[words]:.3f} s "
              f"(the browser's own paste)")


if __name__ == "__main__":
    main()
