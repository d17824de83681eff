/* omset web editor: a proofreading desk for Bokmål ⇄ Nynorsk, on the omset HTTP API.
 *
 * Vanilla JS, no build step. The input is split into paragraphs (every line is one);
 * only paragraphs not yet in the cache are sent, as the `text` list of one request
 * (POST /v1/translate, or POST /v1/desk/translate when the service has a translation
 * memory). A newer request aborts the older one. Each output paragraph is a row that is
 * redrawn only when what it shows changed. A row shows the machine translation word by
 * word (classes for changed / unknown / risky / alternative words, a menu of other forms)
 * or the proofreader's own text: edited, confirmed (stored as approved in the memory),
 * or carried over from an earlier source and flagged "kjelda er endra".
 */
"use strict";

(function () {
  // After the last key: short enough that the typed paragraph's translation is back within
  // half a second, long enough that a burst of keys is one request.
  const DEBOUNCE_MS = 200;
  const BATCH_TEXTS = 40;       // paragraphs per request at most
  const BATCH_CHARS = 20000;    // characters per request at most (one paragraph may exceed it)
  const CACHE_MAX = 3000;       // translated paragraphs kept
  // Rows built per slice of render(), in milliseconds of script: a long paste or a style
  // change is drawn over several frames, so no task blocks the page (the typed paragraph
  // is one row and always fits).
  const BUILD_BUDGET_MS = 12;
  // From this many paragraphs on, rows out of sight are not rendered (style.css, .long).
  const LONG_ROWS = 80;
  const LANG = {
    nb: { name: "Bokmål", adj: "bokmål", code: "nb" },
    nn: { name: "Nynorsk", adj: "nynorsk", code: "nn" },
  };
  const VARIANT_NAME = { a: "a-infinitiv", e: "e-infinitiv", split: "kløyvd infinitiv" };
  const ORIGIN_TEXT = {
    "in-context": "godkjend tekst frå minnet (same sak)",
    "exact": "godkjend tekst frå minnet",
    "fuzzy": "godkjend tekst frå minnet, reparert for endringa i kjelda",
  };

  const $ = (id) => document.getElementById(id);
  const els = {
    source: $("source"), output: $("output"), style: $("style"), styleDesc: $("style-desc"),
    styleField: $("style-field"), variantField: $("variant-field"), showSource: $("show-source"),
    swap: $("swap"), copy: $("copy"), download: $("download"), status: $("status"),
    message: $("message"), messageText: $("message-text"), retry: $("retry"), menu: $("menu"),
    srcName: $("src-name"), tgtName: $("tgt-name"), srcTitle: $("source-title"),
    tgtTitle: $("target-title"), directionNow: $("direction-now"), count: $("source-count"),
    clip: $("clip"), keyRow: $("key-row"), apiKey: $("api-key"), glossary: $("glossary"),
    glossaryHelp: $("glossary-help"), glossaryCount: $("glossary-count"),
    storyId: $("story-id"), storyVersion: $("story-version"), storyOpen: $("story-open"),
    storyInfo: $("story-info"), nextFlag: $("next-flag"), flagCount: $("flag-count"),
    mirror: $("mirror"), fileInput: $("file-input"), hint: $("hint"), hintText: $("hint-text"),
    hintAction: $("hint-action"), mixed: $("mixed"),
  };

  const state = {
    source: "nb",
    target: "nn",
    style: "nynorsk-news",
    variant: "e",
    styles: [],            // from GET /v1/styles
    apiKey: "",            // sent as X-API-Key when the service asks for one
    glossary: {},          // direction -> glossary text as typed
    memory: false,         // the service has a translation memory (GET /v1/desk)
    story: "",             // the open story's id ("" : none)
    version: "1",          // and its version
  };
  const cache = new Map();          // settings key + paragraph text -> translation item
  const choices = { nn: new Map(), nb: new Map() };  // target language -> (form -> chosen form)
  const lemmaChoices = { nn: [], nb: [] };            // target language -> [{from, to, word, form}]
  let choicesVersion = 0;           // bumped when a choice changes: every row redraws
  let controller = null;            // AbortController of the request in flight
  let timer = 0;                    // debounce timer (0: none pending)
  let inputUnsaved = false;         // the source text changed since it was last saved
  let running = null;               // promise of the latest update()
  let rows = [];                    // per paragraph: {sig, el, text, plain, tokens}
  let plainOut = [];                // per paragraph and separator: output text as shown
  let plainText = null;             // plainOut joined (null: not yet)
  let drawing = false;              // rows are left for a later slice of render()
  const drawnWaiters = [];          // resolved when the last slice is drawn
  let requestBusy = false;          // a translation request is in flight
  let tokenIndex = new Map();       // token id -> {token, el}
  let tokenSeq = 0;                 // token ids are unique for the page's life
  let itemSeq = 0;                  // cache items get an id for row signatures
  let rovingId = null;              // token id of the word that takes Tab in the output
  let menuFor = null;               // token id the menu is open for
  let lastSources = [];             // paragraph texts of the previous render (carry-over)
  let stale = false;                // the output is not up to date (an error, a pending request)

  // The desk: per source paragraph (trimmed), what the proofreader made of it.
  //   {text, status: "edited" | "approved" | "stale", flag, previous, v}
  // text null on a stale record: show the machine output (flagged) until repaired.
  const records = new Map();
  const undoStack = [];             // [{key, before}] , newest last
  let recSeq = 0;
  let editing = null;               // the row element being edited
  let editBefore = undefined;       // its record before the edit began (for undo)

  const norm = (t) => t.trim();

  // ---- settings --------------------------------------------------------------------

  function settingsKey() {
    const base = state.target === "nn"
      ? `${state.source}>${state.target}|${state.style}|${state.variant}`
      : `${state.source}>${state.target}`;
    const terms = glossaryTerms();
    const desk = state.memory ? `|desk:${state.story}` : "";
    return (terms ? `${base}|${JSON.stringify(terms)}` : base) + desk;
  }

  function requestBody(texts) {
    const body = { text: texts, source: state.source, target: state.target };
    if (state.target === "nn") {
      body.style = state.style;
      body.variant = state.variant;
    }
    const terms = glossaryTerms();
    if (terms) body.glossary = terms;
    if (state.memory) {
      if (state.story) body.document_id = state.story;
      if (state.version) body.version = state.version;
    }
    return body;
  }

  // ---- glossary: "source = target" per line, one list per direction ---------------

  const direction = () => `${state.source}>${state.target}`;

  function parseGlossary(text) {
    const terms = {}, bad = [];
    text.split("\n").forEach((line, i) => {
      const l = line.trim();
      if (!l || l.startsWith("#")) return;
      const m = l.match(/^(.+?)\s*(?:=|\t|→|->)\s*(.*)$/);
      if (!m || !m[1].trim()) { bad.push(i + 1); return; }
      terms[m[1].trim()] = m[2].trim();
    });
    return { terms, bad };
  }

  function glossaryTerms() {
    const { terms } = parseGlossary(state.glossary[direction()] || "");
    return Object.keys(terms).length ? terms : null;
  }

  function showGlossary() {
    const text = state.glossary[direction()] || "";
    if (els.glossary.value !== text) els.glossary.value = text;
    const n = Object.keys(glossaryTerms() || {}).length;
    const { bad } = parseGlossary(els.glossary.value);
    els.glossaryCount.textContent = n ? `(${n})` : "";
    els.glossaryHelp.textContent = bad.length
      ? `Line ${bad.join(", ")} manglar «=»: skriv «kjeldeord = omsetjing».`
      : `Eitt ord eller uttrykk per line: ${LANG[state.source].adj} = ${LANG[state.target].adj}. ` +
        "Tom høgreside: ordet står urørt.";
    els.glossaryHelp.classList.toggle("bad", bad.length > 0);
  }

  // ---- paragraphs: every line is one; blank lines and line breaks are separators ----

  // [{text, sep}] where sep (line breaks, blank lines) follows text, so the output keeps
  // the input's layout exactly.
  function paragraphs(text) {
    const out = [];
    const re = /\n(?:[ \t]*\n)*/g;
    let last = 0, m;
    while ((m = re.exec(text)) !== null) {
      out.push({ text: text.slice(last, m.index), sep: m[0] });
      last = m.index + m[0].length;
    }
    out.push({ text: text.slice(last), sep: "" });
    return out;
  }

  const needsTranslation = (t) => /\S/.test(t);

  // ---- requests --------------------------------------------------------------------

  // Runs inside the browser's text insertion, on every key and paste: do nothing heavy
  // here (saving a 5,000-word story to sessionStorage took 70 ms); the text is saved for
  // a reload with the debounced translation, or as the page goes.
  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(update, DEBOUNCE_MS);
    stale = true;
    inputUnsaved = true;
    scheduleDetect();
  }

  // Translate what is missing now; the promise settles when the output is up to date
  // (or the request failed or was overtaken by a newer one).
  function update() {
    running = run();
    return running;
  }

  // Wait until the output matches the input (for copy, download and swap).
  async function flush() {
    if (timer) await update();
    for (let i = 0; running && i < 5; i++) {
      const now = running;
      await now;
      if (running === now) break;
    }
    await whenDrawn();
  }

  const cacheKey = (key, t) => key + "\u0000" + norm(t);

  async function run() {
    clearTimeout(timer);
    timer = 0;
    if (inputUnsaved) saveInput();
    const key = settingsKey();
    const paras = paragraphs(els.source.value);
    const missing = [...new Set(paras.map((p) => norm(p.text))
      .filter((t) => needsTranslation(t) && !cache.has(cacheKey(key, t))))];
    render();
    if (controller) controller.abort();
    if (missing.length === 0) {
      stale = !els.message.hidden;
      setBusy(false);
      return;
    }
    const mine = new AbortController();
    controller = mine;
    stale = true;
    setBusy(true);
    try {
      // Big pastes go in batches, so the first paragraphs show early and no request
      // comes near the service's time limit.
      for (const batch of batches(missing)) {
        const items = await translateBatch(batch, mine.signal);
        batch.forEach((t, i) => { items[i]._id = ++itemSeq; adopt(t, items[i]); cache.set(cacheKey(key, t), items[i]); });
        trimCache();
        render();
      }
      if (controller === mine) controller = null;
      hideMessage();
      stale = false;
      setBusy(false);
    } catch (err) {
      if (err.name === "AbortError") return;
      if (controller === mine) controller = null;
      setBusy(false);
      showError(err);
    }
  }

  function trimCache() {
    // Oldest first: every debounced edit of a paragraph adds an entry.
    for (const k of cache.keys()) {
      if (cache.size <= CACHE_MAX) break;
      cache.delete(k);
    }
  }

  function batches(texts) {
    const out = [];
    let cur = [], size = 0;
    for (const t of texts) {
      if (cur.length && (cur.length >= BATCH_TEXTS || size + t.length > BATCH_CHARS)) {
        out.push(cur);
        cur = []; size = 0;
      }
      cur.push(t);
      size += t.length;
    }
    if (cur.length) out.push(cur);
    return out;
  }

  function headers(json) {
    const h = { "Accept": "application/json" };
    if (json) h["Content-Type"] = "application/json";
    if (state.apiKey) h["X-API-Key"] = state.apiKey;
    return h;
  }

  async function translateBatch(texts, signal) {
    const url = state.memory ? "v1/desk/translate" : "v1/translate";
    const res = await fetch(url, {
      method: "POST", headers: headers(true), body: JSON.stringify(requestBody(texts)), signal,
    });
    if (!res.ok) throw await httpError(res);
    const data = await res.json();
    const items = data.translations || [];
    if (items.length !== texts.length) {
      throw new ApiError(`Tenesta svarte med ${items.length} omsetjingar for ${texts.length} avsnitt.`);
    }
    return items;
  }

  class ApiError extends Error {
    constructor(message, status = 0) {
      super(message);
      this.status = status;
    }
  }

  async function httpError(res) {
    let detail = "";
    try {
      const body = await res.json();
      detail = typeof body.detail === "string" ? body.detail
        : body.detail ? JSON.stringify(body.detail) : (body.error || body.message || "");
    } catch (e) { /* not JSON */ }
    if (res.status === 401 || res.status === 403) {
      return new ApiError(res.status === 401 ? "Tenesta krev ein API-nøkkel."
        : "Tenesta godtok ikkje API-nøkkelen.", res.status);
    }
    const what = res.status >= 500 ? "Omsetjingstenesta fekk ein feil"
      : res.status === 413 ? "Teksten er for lang for tenesta"
      : res.status === 429 ? "Tenesta har for mykje å gjere akkurat no"
      : "Tenesta godtok ikkje førespurnaden";
    return new ApiError(`${what} (HTTP ${res.status})${detail ? ": " + detail : ""}.`, res.status);
  }

  function showError(err) {
    const text = err instanceof ApiError ? err.message
      : "Får ikkje kontakt med omsetjingstenesta. Sjekk nettverket eller om tenesta køyrer.";
    els.messageText.textContent = text + " Teksten din er ikkje borte.";
    const needsKey = err instanceof ApiError && (err.status === 401 || err.status === 403);
    els.keyRow.hidden = !needsKey;
    els.retry.textContent = needsKey ? "Bruk nøkkelen" : "Prøv igjen";
    els.message.hidden = false;
    els.output.classList.add("stale");
    els.status.textContent = "Omsetjinga er ikkje oppdatert.";
  }

  function hideMessage() {
    els.message.hidden = true;
    els.output.classList.remove("stale");
  }

  function setBusy(busy) {
    requestBusy = busy;
    showBusy(true);
  }

  // Busy while a request is in flight or rows are still being drawn. The status line
  // says what was translated when that ends, or when a request settles (`settled`:
  // another render leaves what the status line says alone).
  function showBusy(settled = false) {
    const busy = requestBusy || drawing;
    const was = els.output.getAttribute("aria-busy") === "true";
    if (busy === was && busy) return;
    els.output.setAttribute("aria-busy", busy ? "true" : "false");
    document.body.classList.toggle("busy", busy);
    if (busy) els.status.textContent = "Omset …";
    else if (els.message.hidden && (was || settled)) els.status.textContent = statusText();
  }

  function statusText() {
    const words = (els.source.value.match(/[\p{L}\p{N}]+/gu) || []).length;
    if (!words) return "";
    return `${words} ord omsett til ${LANG[state.target].adj}` +
      (state.target === "nn" ? ` · stil ${state.style} · ${VARIANT_NAME[state.variant]}` : "");
  }

  // ---- alignment (source word per target word when the API gives none) -------------

  const TOKEN_RE = /[\p{L}\p{N}]+(?:[-'’.][\p{L}\p{N}]+)*|[^\s\p{L}\p{N}]/gu;
  const isWord = (s) => /[\p{L}\p{N}]/u.test(s);

  function similarity(a, b) {
    a = a.toLowerCase(); b = b.toLowerCase();
    if (a === b) return 1;
    const n = a.length, m = b.length;
    let prev = Array.from({ length: m + 1 }, (_, j) => j);
    for (let i = 1; i <= n; i++) {
      const cur = [i];
      for (let j = 1; j <= m; j++) {
        cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      }
      prev = cur;
    }
    return 1 - prev[m] / Math.max(n, m);
  }

  // Monotone alignment of source tokens to target tokens (Needleman–Wunsch); returns,
  // per target token, the source word or null.
  function align(sourceText, targets) {
    const src = sourceText.match(TOKEN_RE) || [];
    const tgt = targets.map((t) => t.text);
    const n = src.length, m = tgt.length, GAP = 0.8;
    if (n * m > 250000) return targets.map(() => null);
    const cost = (a, b) => {
      const wa = isWord(a), wb = isWord(b);
      if (wa !== wb) return 3;
      return 1 - similarity(a, b);
    };
    const D = [], B = [];
    for (let i = 0; i <= n; i++) { D.push(new Float64Array(m + 1)); B.push(new Uint8Array(m + 1)); }
    for (let i = 1; i <= n; i++) { D[i][0] = i * GAP; B[i][0] = 1; }
    for (let j = 1; j <= m; j++) { D[0][j] = j * GAP; B[0][j] = 2; }
    // A multiword target token ("lagt fram") may stand for as many source words.
    const width = tgt.map((t) => Math.min(4, t.split(/\s+/).length));
    const K = [];  // source words taken by the diagonal step at (i, j)
    for (let i = 0; i <= n; i++) K.push(new Uint8Array(m + 1));
    for (let i = 1; i <= n; i++) {
      for (let j = 1; j <= m; j++) {
        let diag = D[i - 1][j - 1] + cost(src[i - 1], tgt[j - 1]), k = 1;
        if (width[j - 1] > 1 && i >= width[j - 1]) {
          const w = width[j - 1];
          const multi = D[i - w][j - 1] + cost(src.slice(i - w, i).join(" "), tgt[j - 1]);
          if (multi < diag) { diag = multi; k = w; }
        }
        const up = D[i - 1][j] + GAP, left = D[i][j - 1] + GAP;
        if (diag <= up && diag <= left) { D[i][j] = diag; B[i][j] = 0; K[i][j] = k; }
        else if (up <= left) { D[i][j] = up; B[i][j] = 1; }
        else { D[i][j] = left; B[i][j] = 2; }
      }
    }
    const out = new Array(m).fill(null);
    let i = n, j = m;
    while (i > 0 || j > 0) {
      const b = B[i][j];
      if (i > 0 && j > 0 && b === 0) {
        const k = K[i][j];
        out[j - 1] = src.slice(i - k, i).join(" ");
        i -= k; j--;
      } else if (i > 0 && (j === 0 || b === 1)) i--;
      else j--;
    }
    return out;
  }

  // ---- rendering -------------------------------------------------------------------

  // A form chosen for this word: for the word form itself, or through a choice that
  // covers every form of the word (a stem rule that only ever picks a form the engine
  // offers as an alternative).
  function chosenForm(token) {
    const alts = token.alternatives || [];
    if (alts.length < 2) return null;
    const low = token.text.toLowerCase();
    const want = choices[state.target].get(low);
    let hit = want ? alts.find((a) => a.toLowerCase() === want) : null;
    if (!hit) {
      for (const rule of lemmaChoices[state.target]) {
        if (!low.startsWith(rule.from)) continue;
        const cand = rule.to + low.slice(rule.from.length);
        hit = alts.find((a) => a.toLowerCase() === cand);
        if (hit) break;
      }
    }
    return hit && hit !== token.text ? hit : null;
  }

  function describe(token, shown, src, changed) {
    const parts = [];
    if (src) parts.push(`${LANG[state.source].adj}: ${src}`);
    if (shown !== token.text) parts.push(`du valde «${shown}» i staden for «${token.text}»`);
    else if (changed) parts.push("endra");
    if (token.unknown) parts.push("ukjent ord");
    if (token.flagged) parts.push("sjå over: ord som korrekturlesarar ofte endrar");
    for (const c of token.changes || []) {
      parts.push(`${c.before} → ${c.after} (${c.reason || c.layer})`);
    }
    const alts = token.alternatives || [];
    if (alts.length > 1) parts.push(`former: ${alts.join(", ")}`);
    return parts.join(" · ");
  }

  // Ordinals keep their full stop in the output token ("7.") but not in the source word
  // ("7"): the same word, not a change.
  const sameWord = (a, b) => a.toLowerCase().replace(/\.$/, "") === b.toLowerCase().replace(/\.$/, "");

  // A token that ends a sentence, and the same boundary in source text.
  const SENTENCE_END = /^[.!?]+$/;
  const SOURCE_SENTENCE_END = /[.!?]+(?=\s|$)\s*/g;

  // A source paragraph cut into sentences; the pieces join to the paragraph exactly.
  function sentences(text) {
    const out = [];
    let last = 0, m;
    SOURCE_SENTENCE_END.lastIndex = 0;
    while ((m = SOURCE_SENTENCE_END.exec(text)) !== null) {
      out.push(text.slice(last, m.index + m[0].length));
      last = m.index + m[0].length;
    }
    if (last < text.length) out.push(text.slice(last));
    return out;
  }

  // One paragraph's machine translation into `box`, word by word; returns its plain text
  // (with the user's choices) and the ids of its words.
  function renderTokens(box, item) {
    const full = item.text || "";
    let plain = "", pos = 0;
    const ids = [];
    const showSrc = els.showSource.checked;
    const segments = item.segments || [];
    let sn = 0;                 // sentences of the paragraph, for the partner highlight
    segments.forEach((seg) => {
      const at = full.indexOf(seg.text, pos);
      if (at < 0) return;  // cannot place this segment: the gap text below covers it
      if (at > pos) { box.append(full.slice(pos, at)); plain += full.slice(pos, at); }
      const risky = (seg.risk ?? 0) >= 0.8;
      const newSentence = () => {
        const el = document.createElement("span");
        el.className = "sent";
        el.dataset.s = sn++;
        // the riskiest fifth of segments (omset.risk ranks 0–1): shade them
        if (risky) {
          el.classList.add("seg-risky");
          el.title = "Sjå over først: setningar av denne typen blir ofte retta";
        }
        box.append(el);
        return el;
      };
      let sent = newSentence();
      const tokens = (seg.tokens || []).slice().sort((a, b) => a.start - b.start);
      // Source words, when the API does not give them: aligned once per segment.
      if (!seg._aligned) {
        seg._aligned = tokens.some((t) => t.source == null) ? align(seg.source || "", tokens) : [];
      }
      const aligned = seg._aligned;
      let cur = 0;
      tokens.forEach((t, ti) => {
        if (t.start < cur || seg.text.substr(t.start, t.text.length) !== t.text) return;
        if (t.start > cur) { const gap = seg.text.slice(cur, t.start); sent.append(gap); plain += gap; }
        const src = t.source != null ? t.source : aligned[ti];
        const word = isWord(t.text);
        const changed = word && (src == null || !sameWord(src, t.text))
          || (t.changes && t.changes.length > 0);
        const picked = chosenForm(t);
        const shown = picked || t.text;
        const hasAlts = (t.alternatives || []).length > 1;
        let el;
        if (!word && !hasAlts && !t.unknown && !t.flagged) {
          el = document.createTextNode(shown);
        } else {
          const id = `t${++tokenSeq}`;
          el = document.createElement("span");
          el.className = "w";
          if (changed) el.classList.add("w-changed");
          if (t.unknown) el.classList.add("w-unknown");
          if (t.flagged) el.classList.add("w-risk");
          if (hasAlts) {
            el.classList.add("w-alt");
            el.setAttribute("role", "button");
            el.setAttribute("aria-haspopup", "menu");
            el.setAttribute("aria-expanded", "false");
            el.tabIndex = -1;
          }
          if (picked) el.classList.add("w-picked");
          el.dataset.id = id;
          if (src != null) el.dataset.src = src;
          const title = describe(t, shown, src, changed);
          if (title) el.title = title;
          if (hasAlts) el.setAttribute("aria-label", `${shown}, ${title}`);
          // the source word under the word only when asked for: ruby breaks lines early
          // and copies twice otherwise
          if (showSrc && src != null && word) {
            const ruby = document.createElement("ruby");
            ruby.append(shown);
            const rt = document.createElement("rt");
            rt.lang = state.source;
            rt.textContent = src;
            ruby.append(rt);
            el.append(ruby);
          } else {
            el.textContent = shown;
          }
          ids.push([id, t, el]);
        }
        sent.append(el);
        plain += shown;
        cur = t.start + t.text.length;
        if (SENTENCE_END.test(t.text) && cur < seg.text.length && /\s/.test(seg.text[cur])) {
          sent = newSentence();
        }
      });
      if (cur < seg.text.length) { sent.append(seg.text.slice(cur)); plain += seg.text.slice(cur); }
      pos = at + seg.text.length;
    });
    if (pos < full.length) { box.append(full.slice(pos)); plain += full.slice(pos); }
    return { plain, ids };
  }

  // The proofreader's text into `box`; words that differ from `previous` (the proofread
  // text before the source changed) are marked, so the repair is easy to review.
  function renderMarked(box, text, previous) {
    if (previous == null || previous === text) { box.textContent = text; return; }
    const a = previous.split(/(\s+)/), b = text.split(/(\s+)/);
    const n = a.length, m = b.length;
    if (n * m > 200000) { box.textContent = text; return; }
    const L = Array.from({ length: n + 1 }, () => new Uint16Array(m + 1));
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        L[i][j] = a[i] === b[j] ? L[i + 1][j + 1] + 1 : Math.max(L[i + 1][j], L[i][j + 1]);
      }
    }
    let i = 0, j = 0;
    while (j < m) {
      if (i < n && a[i] === b[j]) { box.append(b[j]); i++; j++; }
      else if (i < n && L[i + 1][j] >= L[i][j + 1]) i++;
      else {
        if (/\S/.test(b[j])) {
          const mk = document.createElement("mark");
          mk.className = "w-new";
          mk.title = "endra fordi kjelda er endra: sjå over";
          mk.textContent = b[j];
          box.append(mk);
        } else box.append(b[j]);
        j++;
      }
    }
  }

  function rowSig(para, item, rec) {
    return [para.text, item ? item._id : "-", rec ? rec.v : 0, choicesVersion,
      els.showSource.checked ? 1 : 0, para.gap ? 1 : 0].join("\u0001");
  }

  function buildRow(para, item, rec, sig) {
    const el = document.createElement("div");
    el.className = "para";
    if (para.gap) el.classList.add("gap");
    const box = document.createElement("div");
    box.className = "ptext";
    box.lang = state.target;
    el.append(box);
    let plain, ids = [];
    if (!needsTranslation(para.text)) {
      el.classList.add("empty");
      box.textContent = para.text;
      return { sig, el, text: para.text, plain: para.text, ids };
    }
    const lead = para.text.match(/^\s*/)[0], trail = para.text.match(/\s*$/)[0];
    if (rec && rec.text != null) {
      renderMarked(box, rec.text, rec.flag ? rec.previous : null);
      plain = lead + rec.text + trail;
      el.classList.add(`p-${rec.status}`);
      if (rec.origin && ORIGIN_TEXT[rec.origin]) el.title = ORIGIN_TEXT[rec.origin];
    } else if (item) {
      ({ plain, ids } = renderTokens(box, item));
      plain = lead + plain + trail;
      el.classList.add("p-machine");
    } else {
      box.textContent = para.text;
      plain = para.text;
      el.classList.add("pending");
    }
    if (rec && rec.flag) el.classList.add("p-flag");
    el.append(rowBar(rec, !!(item || (rec && rec.text != null))));
    return { sig, el, text: para.text, plain, ids };
  }

  function rowBar(rec, ready) {
    const bar = document.createElement("div");
    bar.className = "pbar";
    if (rec && rec.flag) {
      const f = document.createElement("span");
      f.className = "pflag";
      f.textContent = "kjelda er endra";
      bar.append(f);
    } else if (rec && rec.status === "approved") {
      const f = document.createElement("span");
      f.className = "pok-mark";
      f.textContent = "✓ godkjend";
      bar.append(f);
    } else if (rec && rec.status === "edited") {
      const f = document.createElement("span");
      f.className = "pedited";
      f.textContent = "retta, ikkje godkjend";
      bar.append(f);
    }
    if (ready) {
      bar.append(button("pedit", "Rett", "Rett dette avsnittet (eller klikk i teksten)"));
      if (!rec || rec.status !== "approved" || rec.flag) {
        bar.append(button("pok", "Godkjenn", "Godkjenn avsnittet og lagre det i minnet (Ctrl+Enter)"));
      }
      if (rec && undoStack.some((u) => u.key === rec.key)) {
        bar.append(button("pundo", "Angre", "Angre den siste endringa i dette avsnittet (Ctrl+Z)"));
      }
    }
    return bar;
  }

  function button(cls, text, title) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = `pbtn ${cls}`;
    b.textContent = text;
    b.title = title;
    b.tabIndex = -1;
    return b;
  }

  function render() {
    const key = settingsKey();
    const paras = paragraphs(els.source.value);
    paras.forEach((p, i) => { p.gap = i > 0 && /\n[ \t]*\n/.test(paras[i - 1].sep); });
    carryOver(paras);
    const focusedId = document.activeElement && els.output.contains(document.activeElement)
      ? document.activeElement.dataset.id : null;
    const old = new Map();
    for (const r of rows) if (!old.has(r.sig)) old.set(r.sig, r);
    const next = [];
    let spent = 0, deferred = false;         // ms spent building rows; rows left over
    plainOut = [];
    plainText = null;
    paras.forEach((para, pi) => {
      const k = norm(para.text);
      const rec = records.get(k);
      const item = needsTranslation(para.text) ? cache.get(cacheKey(key, k)) : null;
      let row;
      if (editing && rows[pi] && rows[pi].el === editing && rows[pi].text === para.text) {
        row = rows[pi];                       // never redraw the row being typed in
      } else if (needsTranslation(para.text) && !item && !(rec && rec.text != null) && rows[pi]) {
        row = rows[pi];                       // not translated yet: what it showed, dimmed
        row.el.classList.add("pending");
      } else {
        const sig = rowSig(para, item, rec);
        row = old.get(sig);
        if (row) old.delete(sig);
        else if (spent > BUILD_BUDGET_MS) {
          row = laterRow(para, rows[pi], old);    // drawn in a later slice
          deferred = true;
        } else {
          const t = performance.now();
          row = buildRow(para, item, rec, sig);
          spent += performance.now() - t;
        }
        if (!row.later && row.el.classList.contains("pending")) row.el.classList.remove("pending");
      }
      row.key = k;
      if (row.el.dataset.i !== String(pi)) row.el.dataset.i = pi;
      next.push(row);
      plainOut.push(row.plain);
      if (para.sep) plainOut.push(para.sep);
    });
    // Put the rows in place, touching only what changed: rows that went are removed
    // first, so the rows that stay line up and only new ones are inserted.
    const box = els.output;
    const keep = new Set(next.map((r) => r.el));
    for (const child of [...box.children]) if (!keep.has(child)) child.remove();
    next.forEach((row, i) => {
      const at = box.children[i];
      if (at !== row.el) box.insertBefore(row.el, at || null);
    });
    rows = next;
    lastSources = paras.map((p) => norm(p.text));
    tokenIndex = new Map();
    for (const r of rows) for (const [id, token, el] of r.ids || []) tokenIndex.set(id, { token, el });
    els.output.classList.toggle("is-empty", !needsTranslation(els.source.value));
    els.output.classList.toggle("long", rows.length > LONG_ROWS);
    setupRoving(focusedId);
    if (mirrorFor !== els.source.value) drawMirror(paras);   // it shows the source only
    drawing = deferred;
    if (deferred) { drawLater(); showBusy(); return; }
    els.count.textContent = countText();
    countFlags();
    showMixed();
    showBusy();
    for (const done of drawnWaiters.splice(0)) done();
  }

  // A row whose drawing waits for a later slice: the row it replaces (dimmed) when no
  // other row took it, else the source text (dimmed).
  function laterRow(para, was, old) {
    let row;
    if (was && old.get(was.sig) === was) { old.delete(was.sig); row = was; }
    else row = buildRow(para, null, null, "later");
    row.later = true;
    row.sig = "later";
    row.el.classList.add("pending");
    return row;
  }

  // The next slice after the browser has drawn a frame: a macrotask after the frame, so
  // the slice's work and the frame's layout are not one long task.
  let drawQueued = false;
  function drawLater() {
    if (drawQueued) return;
    drawQueued = true;
    requestAnimationFrame(() => setTimeout(() => { drawQueued = false; render(); }, 0));
  }

  // Resolves when every row shows what it should (no slice left to draw).
  function whenDrawn() {
    return drawing ? new Promise((done) => drawnWaiters.push(done)) : Promise.resolve();
  }

  function countText() {
    const n = (els.source.value.match(/[\p{L}\p{N}]+/gu) || []).length;
    return n ? `${n} ord` : "";
  }

  function outputText() {
    if (plainText === null) plainText = plainOut.join("");
    return plainText;
  }

  // ---- the desk: edits, confirmations, carried-over paragraphs ---------------------

  function setRecord(key, rec, undoable = true) {
    if (undoable) undoStack.push({ key, before: records.has(key) ? { ...records.get(key) } : null });
    if (undoStack.length > 500) undoStack.shift();
    if (rec) { rec.key = key; rec.v = ++recSeq; records.set(key, rec); } else records.delete(key);
    saveRecords();
  }

  // What the service's memory said about a paragraph: approved text becomes the desk's
  // (unless the proofreader has their own here), a repair fills a carried-over record.
  function adopt(text, item) {
    const key = norm(text);
    const rec = records.get(key);
    if (item.origin === "in-context" || item.origin === "exact") {
      if (!rec) setRecord(key, { text: item.text.trim(), status: "approved", flag: false, origin: item.origin }, false);
    } else if (item.origin === "fuzzy") {
      if (!rec || (rec.status === "stale" && rec.text == null)) {
        setRecord(key, { text: item.text.trim(), status: "stale", flag: true,
          previous: item.previous != null ? item.previous.trim() : (rec && rec.previous),
          origin: "fuzzy" }, false);
      }
    }
  }

  // Where two lists differ: the length of their common start and of their common end
  // (not overlapping), so [s, length - e) is what changed in each.
  function changedRange(before, now, same) {
    let s = 0;
    while (s < now.length && s < before.length && same(before[s], now[s])) s++;
    let e = 0;
    while (e < now.length - s && e < before.length - s
      && same(before[before.length - 1 - e], now[now.length - 1 - e])) e++;
    return [s, e];
  }

  // Paragraphs whose source changed since the last render take over what the
  // proofreader made of their predecessor: an unconfirmed edit stays (flagged), a
  // confirmed one waits for the memory's repair (flagged, machine output until then).
  function carryOver(paras) {
    const now = paras.map((p) => norm(p.text));
    const before = lastSources;
    const [s, e] = changedRange(before, now, (a, b) => a === b);
    const gone = before.slice(s, before.length - e), came = now.slice(s, now.length - e);
    const present = new Set(now);
    for (let i = 0; i < Math.min(gone.length, came.length); i++) {
      const o = gone[i], n = came[i];
      const prev = records.get(o);
      if (!n || !prev || records.has(n) || present.has(o)) continue;
      const previous = prev.status === "approved" ? prev.text : prev.previous;
      if (prev.status === "edited") {
        setRecord(n, { text: prev.text, status: "edited", flag: true, previous: null }, false);
      } else {
        setRecord(n, { text: null, status: "stale", flag: true, previous }, false);
      }
    }
  }

  function rowOf(el) {
    const r = el && el.closest && el.closest(".para");
    return r ? rows[Number(r.dataset.i)] : null;
  }

  // Offset of a point (a click) in the row's text as shown, source words left out.
  function offsetAt(box, x, y) {
    const range = document.caretRangeFromPoint ? document.caretRangeFromPoint(x, y) : null;
    if (!range || !box.contains(range.startContainer)) return null;
    let off = 0;
    const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT, {
      acceptNode: (n) => n.parentElement.closest("rt") ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT,
    });
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (n === range.startContainer) return off + range.startOffset;
      off += n.data.length;
    }
    return null;
  }

  function startEdit(row, offset) {
    if (!row || !needsTranslation(row.text)) return;
    if (editing && editing !== row.el) endEdit();
    closeMenu(false);
    const box = row.el.querySelector(".ptext");
    const text = row.plain.trim();
    editing = row.el;
    editBefore = records.has(row.key) ? { ...records.get(row.key) } : null;
    row.el.classList.add("editing");
    box.textContent = text;
    box.contentEditable = "plaintext-only";
    box.spellcheck = true;
    box.setAttribute("role", "textbox");
    box.setAttribute("aria-label", "Rett avsnittet; Ctrl+Enter godkjenner");
    box.focus();
    const node = box.firstChild;
    if (node) {
      const sel = window.getSelection();
      const r = document.createRange();
      const at = Math.max(0, Math.min(offset == null ? text.length : offset, node.data.length));
      r.setStart(node, at);
      r.collapse(true);
      sel.removeAllRanges();
      sel.addRange(r);
    }
    els.status.textContent = "Du rettar avsnittet. Ctrl+Enter godkjenner, Escape avsluttar.";
  }

  function editedText(box) {
    return box.textContent.replace(/\s*\n\s*/g, " ").trim();
  }

  function onEditInput() {
    if (!editing) return;
    const row = rows.find((r) => r.el === editing);
    if (!row) return;
    const box = editing.querySelector(".ptext");
    const text = editedText(box);
    const cur = records.get(row.key);
    const rec = { ...(cur || {}), text, status: "edited", flag: !!(cur && cur.flag),
      previous: cur ? cur.previous : null };
    if (cur && cur.v === row.editV) {           // same edit session: one undo step
      rec.key = row.key; rec.v = cur.v; records.set(row.key, rec); saveRecords();
    } else {
      undoStack.push({ key: row.key, before: editBefore });
      rec.key = row.key; rec.v = ++recSeq; records.set(row.key, rec); saveRecords();
      row.editV = rec.v;
    }
    row.plain = text;
    plainOut = [];
    plainText = null;
    const paras = paragraphs(els.source.value);
    rows.forEach((r, i) => { plainOut.push(r.plain); if (paras[i] && paras[i].sep) plainOut.push(paras[i].sep); });
  }

  function endEdit() {
    if (!editing) return;
    const el = editing;
    editing = null;
    el.classList.remove("editing");
    const box = el.querySelector(".ptext");
    box.contentEditable = "false";
    box.removeAttribute("role");
    box.removeAttribute("aria-label");
    const row = rows.find((r) => r.el === el);
    if (row) { row.editV = null; row.sig = "edited"; }
    render();
  }

  // Confirm a paragraph: the desk's text (or the machine output as shown) becomes
  // approved, here and in the service's memory.
  async function confirm(row) {
    if (!row || !needsTranslation(row.text)) return;
    const text = editing === row.el ? editedText(row.el.querySelector(".ptext")) : row.plain.trim();
    const i = rows.indexOf(row);
    if (editing === row.el) { editing = null; row.el.classList.remove("editing"); }
    setRecord(row.key, { text, status: "approved", flag: false, previous: null });
    saveRecords(true);
    render();
    const again = rows[i] && rows[i].el.querySelector(".pedit");
    if (again) again.focus();
    els.status.textContent = "Avsnittet er godkjent.";
    await storeApproved();
  }

  // The white space around a text's paragraphs (those with words): before the first,
  // between each two, after the last; with the trimmed paragraphs it gives the text back.
  function gaps(text) {
    const cuts = [0];
    let at = 0;
    for (const p of paragraphs(text)) {
      if (needsTranslation(p.text)) {
        const lead = p.text.length - p.text.trimStart().length;
        cuts.push(at + lead, at + lead + norm(p.text).length);
      }
      at += p.text.length + p.sep.length;
    }
    cuts.push(text.length);
    const out = [];
    for (let i = 0; i < cuts.length; i += 2) out.push(text.slice(cuts[i], cuts[i + 1]));
    return out;
  }

  // Store the story's approved paragraphs in the service's memory; `withdrawn` holds
  // the keys of paragraphs whose confirmation was undone: the memory drops their
  // approved entries, so it never serves what the proofreader took back.
  async function storeApproved(withdrawn = []) {
    if (!state.memory) { els.status.textContent = "Avsnittet er godkjent (lagra i nettlesaren)."; return; }
    if (!state.story) setStory(newStoryId(), state.version);
    const paras = paragraphs(els.source.value).filter((p) => needsTranslation(p.text));
    const layout = gaps(els.source.value);
    const src = [], tgt = [], approved = [], retracted = [];
    const byText = new Map(rows.map((r) => [r.key, r]));
    paras.forEach((p) => {
      const k = norm(p.text);
      const rec = records.get(k);
      const row = byText.get(k);
      if (rec && rec.status === "approved" && rec.text) approved.push(src.length);
      else if (withdrawn.includes(k)) retracted.push(src.length);
      src.push(k);
      tgt.push(rec && rec.text != null ? rec.text : (row ? row.plain.trim() : ""));
    });
    try {
      const res = await fetch("v1/desk/approve", {
        method: "POST", headers: headers(true), body: JSON.stringify({
          source_paragraphs: src, target_paragraphs: tgt, approved, retracted, source: state.source,
          target: state.target, style: state.target === "nn" ? state.style : null,
          document_id: state.story, version: state.version, author: "desk", layout,
        }),
      });
      if (!res.ok) throw await httpError(res);
      els.status.textContent = withdrawn.length
        ? `Godkjenninga er teken attende, også i minnet (sak ${state.story}).`
        : `Godkjent og lagra i minnet (sak ${state.story}, versjon ${state.version}).`;
    } catch (err) {
      els.status.textContent = (withdrawn.length ? "Angra her, men ikkje i minnet: "
        : "Godkjent her, men ikkje lagra i minnet: ") +
        (err instanceof ApiError ? err.message : "får ikkje kontakt med tenesta.") + " Prøv igjen seinare.";
    }
  }

  function undo(key) {
    let at = undoStack.length - 1;
    if (key != null) while (at >= 0 && undoStack[at].key !== key) at--;
    if (at < 0) { els.status.textContent = "Ingenting å angre."; return; }
    const [u] = undoStack.splice(at, 1);
    if (editing) { editing.classList.remove("editing"); editing = null; }
    const was = records.get(u.key);
    if (u.before) { const r = { ...u.before }; r.v = ++recSeq; r.key = u.key; records.set(u.key, r); }
    else records.delete(u.key);
    saveRecords();
    render();
    els.status.textContent = "Endringa er angra.";
    const now = records.get(u.key);
    if (was && was.status === "approved" && !(now && now.status === "approved") && state.memory)
      storeApproved([u.key]);
  }

  els.output.addEventListener("input", (e) => {
    if (editing && editing.contains(e.target)) onEditInput();
  });

  els.output.addEventListener("focusout", (e) => {
    if (!editing || !editing.contains(e.target)) return;
    if (e.relatedTarget && editing.contains(e.relatedTarget)) return;
    setTimeout(() => { if (editing && !editing.contains(document.activeElement)) endEdit(); }, 0);
  });

  els.output.addEventListener("dblclick", (e) => {
    const row = rowOf(e.target);
    if (row && !editing) startEdit(row, offsetAt(row.el.querySelector(".ptext"), e.clientX, e.clientY));
  });

  document.addEventListener("keydown", (e) => {
    const inOut = els.output.contains(document.activeElement);
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey) && inOut) {
      e.preventDefault();
      confirm(rowOf(document.activeElement));
    } else if (editing && editing.contains(document.activeElement) && e.key === "Escape") {
      e.preventDefault();
      const el = editing;
      endEdit();
      const row = rows.find((r) => r.el === el);
      if (row) { const b = row.el.querySelector(".pedit"); if (b) b.focus(); }
    } else if (editing && editing.contains(document.activeElement) && e.key === "Enter") {
      e.preventDefault();                       // a paragraph is one line
    } else if ((e.key === "z" || e.key === "Z") && (e.ctrlKey || e.metaKey) && !e.shiftKey
      && !(editing && editing.contains(document.activeElement))
      && !/^(TEXTAREA|INPUT|SELECT)$/.test(document.activeElement.tagName)) {
      e.preventDefault();
      undo(null);
    } else if (e.key === "F8" || (e.altKey && (e.key === "n" || e.key === "N"))) {
      e.preventDefault();
      nextFlag(e.shiftKey ? -1 : 1);
    }
  });

  // ---- where to look first: unknown, risky and changed words ------------------------

  let flagAt = -1;
  function flagItems() {
    return [...els.output.querySelectorAll(
      ".para:not(.p-approved) .w-unknown, .para:not(.p-approved) .w-risk, .w-new, .p-flag .pflag")];
  }
  function countFlags() {
    const n = flagItems().length;
    flagAt = Math.min(flagAt, n - 1);
    const left = flagAt < 0 ? n : n - flagAt - 1;
    els.flagCount.textContent = String(left);
    els.nextFlag.disabled = n === 0;
    els.nextFlag.setAttribute("aria-label", `Neste å sjå over: ${left} att`);
  }
  function nextFlag(dir = 1) {
    const items = flagItems();
    if (!items.length) { els.status.textContent = "Ingenting meir å sjå over."; return; }
    flagAt = (flagAt + dir + items.length) % items.length;
    els.output.querySelectorAll(".flag-current").forEach((x) => x.classList.remove("flag-current"));
    const el = items[flagAt];
    el.classList.add("flag-current");
    if (!el.hasAttribute("tabindex")) el.tabIndex = -1;
    el.scrollIntoView({ block: "center" });
    el.focus({ preventScroll: true });
    const left = items.length - flagAt - 1;
    els.flagCount.textContent = String(left);
    const what = el.classList.contains("w-unknown") ? "ukjent ord"
      : el.classList.contains("w-risk") ? "ord som ofte blir retta"
      : el.classList.contains("w-new") ? "endra etter ny kjelde" : "kjelda er endra";
    els.status.textContent = `${what}: «${el.textContent}» (${left} att)`;
  }
  els.nextFlag.addEventListener("click", () => nextFlag(1));

  // ---- side by side: the source paragraphs behind the text area, scroll in step -----

  // Each source paragraph as a block with the line breaks that follow it, and inside it
  // each sentence as a span (so a sentence and its translation can be highlighted
  // together, when both have as many sentences). A block per paragraph, and only the
  // paragraphs that changed replaced: as one run of text, every keystroke made the
  // browser break the lines of the whole story again.
  let mirrorParts = [];             // per paragraph: {text, sep, el}
  let mirrorFor = null;             // the source text the mirror shows
  let scrollBar = -1;               // the text area's scroll bar width (measured once)
  function mirrorBlock(p, i) {
    const s = document.createElement("div");
    s.className = "mp";
    s.dataset.i = i;
    const parts = needsTranslation(p.text) ? sentences(p.text) : [];
    let pos = 0;
    parts.forEach((part, si) => {
      const ms = document.createElement("span");
      ms.className = "ms";
      ms.dataset.s = si;
      ms.textContent = part;
      s.append(ms);
      pos += part.length;
    });
    // A block's last line break makes no line, as the line break ending a line in the
    // text area; a paragraph with nothing on its line still takes one.
    const rest = p.text.slice(pos) + p.sep;
    if (rest) s.append(rest);
    if (!p.text && !p.sep) s.append("\u200b");
    return s;
  }
  function drawMirror(paras) {
    mirrorFor = els.source.value;
    const old = mirrorParts;
    const [s, e] = changedRange(old, paras, (a, b) => a.text === b.text && a.sep === b.sep);
    const after = e ? old[old.length - e].el : null;
    for (const part of old.slice(s, old.length - e)) part.el.remove();
    const frag = document.createDocumentFragment();
    const made = paras.slice(s, paras.length - e).map((p, k) => {
      const part = { text: p.text, sep: p.sep, el: mirrorBlock(p, s + k) };
      frag.append(part.el);
      return part;
    });
    els.mirror.insertBefore(frag, after);
    const tail = old.slice(old.length - e);
    if (paras.length !== old.length) {           // the paragraphs after moved: renumber
      tail.forEach((part, k) => { part.el.dataset.i = paras.length - e + k; });
    }
    mirrorParts = old.slice(0, s).concat(made, tail);
    // the text area keeps room for its scroll bar: so must the mirror, to wrap alike
    // (measured once: reading a size after the output changed would lay out the page)
    if (scrollBar < 0) {
      scrollBar = Math.max(0, els.source.offsetWidth - els.source.clientWidth);
      els.mirror.style.paddingRight = `${16 + scrollBar}px`;
    }
    // in step with the text area, read when the browser lays out the frame anyway
    requestAnimationFrame(() => { els.mirror.scrollTop = els.source.scrollTop; });
  }

  // Highlight paragraph i (and its sentence s, when known) in both panes.
  let lit = [];                     // the elements partner() highlighted
  function partner(i, on, s) {
    for (const x of lit) x.classList.remove("partner", "partner-s");
    lit = [];
    if (!on || i == null) return;
    const m = mirrorParts[i] ? mirrorParts[i].el : null;
    const light = (el, cls) => { el.classList.add(cls); lit.push(el); };
    if (m) light(m, "partner");
    if (rows[i]) light(rows[i].el, "partner");
    if (s == null) return;
    const ms = m && m.querySelectorAll(".ms");
    const os = rows[i] && rows[i].el.querySelectorAll(".sent");
    if (ms && os && ms.length === os.length && ms[s] && os[s]) {
      light(ms[s], "partner-s");
      light(os[s], "partner-s");
    }
  }

  // The paragraph and sentence the source's caret is in.
  function caretSpot() {
    const upto = els.source.value.slice(0, els.source.selectionStart);
    const paras = paragraphs(upto);
    const i = paras.length - 1, off = paras[i].text.length;
    const m = mirrorParts[i] ? mirrorParts[i].el : null;
    let pos = 0, s = null;
    for (const n of m ? m.childNodes : []) {
      const len = n.textContent.length;
      if (off >= pos && off <= pos + len && n.classList) { s = Number(n.dataset.s); break; }
      pos += len;
    }
    return [i, s];
  }

  function spotOf(target) {
    const r = target.closest && target.closest(".para");
    const st = target.closest && target.closest(".sent");
    return r ? [Number(r.dataset.i), st ? Number(st.dataset.s) : null] : null;
  }
  els.output.addEventListener("mouseover", (e) => {
    const at = spotOf(e.target);
    if (at) partner(at[0], true, at[1]);
  });
  els.output.addEventListener("mouseleave", () => partner(null, false));
  els.output.addEventListener("focusin", (e) => {
    const at = spotOf(e.target);
    if (at) partner(at[0], true, at[1]);
  });
  for (const ev of ["keyup", "click", "focus"]) {
    els.source.addEventListener(ev, () => { const [i, s] = caretSpot(); partner(i, true, s); });
  }
  els.source.addEventListener("blur", () => partner(null, false));

  // Top of paragraph i in a pane, in its scroll coordinates (the mirror and the output
  // are the offset parents of their paragraphs).
  function topIn(pane, i) {
    return (pane === "src" ? mirrorParts[i].el : rows[i].el).offsetTop;
  }

  // The other pane follows: the paragraph at the top of one comes to the top of the
  // other, as far into it. A binary search reads a few paragraphs' places, not all.
  let syncing = null;
  function sync(from) {
    if (syncing && syncing !== from) return;
    syncing = from;
    const other = from === "src" ? "out" : "src";
    const a = from === "src" ? els.source : els.output, b = from === "src" ? els.output : els.source;
    const n = Math.min(rows.length, mirrorParts.length);
    if (n) {
      const y = a.scrollTop;
      let lo = 0, hi = n - 1;                   // the last paragraph starting above y
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (topIn(from, mid) <= y) lo = mid; else hi = mid - 1;
      }
      const ta = topIn(from, lo), tb = topIn(other, lo);
      const endA = lo + 1 < n ? topIn(from, lo + 1) : a.scrollHeight;
      const endB = lo + 1 < n ? topIn(other, lo + 1) : b.scrollHeight;
      const f = endA > ta ? Math.max(0, Math.min(1, (y - ta) / (endA - ta))) : 0;
      b.scrollTop = tb + f * (endB - tb);
    }
    els.mirror.scrollTop = els.source.scrollTop;
    requestAnimationFrame(() => { syncing = null; });
  }
  els.source.addEventListener("scroll", () => sync("src"));
  els.output.addEventListener("scroll", () => sync("out"));

  // ---- keyboard: one Tab stop in the output, arrows between words with alternatives -

  function altWords() {
    return [...els.output.querySelectorAll(".w-alt")].filter((w) => !w.closest(".pending"));
  }

  // The one word of the output that takes Tab: new words are drawn with tabIndex -1, so
  // only the old and the new roving word are touched (a long story has thousands).
  let rovingEl = null;
  function setupRoving(focusedId) {
    const want = focusedId || rovingId;
    let target = want ? tokenIndex.get(want) : null;
    let el = target && target.el.isConnected && !target.el.closest(".pending") ? target.el : null;
    if (!el) el = els.output.querySelector(".para:not(.pending) .w-alt");
    if (rovingEl && rovingEl !== el) rovingEl.tabIndex = -1;
    rovingEl = el;
    if (!el) { rovingId = null; return; }
    el.tabIndex = 0;
    rovingId = el.dataset.id;
    if (focusedId && document.activeElement !== el && !editing) el.focus();
  }

  function moveRoving(from, delta) {
    const words = altWords();
    let i = words.indexOf(from);
    if (i < 0) return;
    i = delta === Infinity ? words.length - 1 : delta === -Infinity ? 0
      : Math.max(0, Math.min(words.length - 1, i + delta));
    rovingId = words[i].dataset.id;
    setupRoving(null);
    words[i].focus();
  }

  els.output.addEventListener("keydown", (e) => {
    if (editing && editing.contains(e.target)) return;
    const w = e.target.closest && e.target.closest(".w-alt");
    if (!w) {
      const row = rowOf(e.target);
      if (row && (e.key === "F2") && !editing) { e.preventDefault(); startEdit(row, null); }
      return;
    }
    const moves = { ArrowRight: 1, ArrowDown: 0, ArrowLeft: -1, Home: -Infinity, End: Infinity };
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) return;   // confirm, handled above
    if (e.key === "F2") { e.preventDefault(); startEdit(rowOf(w), null); return; }
    if (e.key === "Enter" || e.key === " " || e.key === "ArrowDown") {
      e.preventDefault();
      openMenu(w, e.key === "ArrowDown" ? 0 : null);
    } else if (e.key in moves && moves[e.key] !== 0) {
      e.preventDefault();
      moveRoving(w, moves[e.key]);
    }
  });

  els.output.addEventListener("click", (e) => {
    const btn = e.target.closest && e.target.closest(".pbtn");
    if (btn) {
      const row = rowOf(btn);
      if (btn.classList.contains("pedit")) startEdit(row, null);
      else if (btn.classList.contains("pok")) confirm(row);
      else if (btn.classList.contains("pundo")) undo(row ? row.key : null);
      return;
    }
    if (editing && editing.contains(e.target)) return;
    const w = e.target.closest && e.target.closest(".w-alt");
    if (!w || w.closest(".pending")) {
      // a click in the text (not on a word with forms) starts editing right there
      const row = rowOf(e.target);
      if (row && e.target.closest(".ptext") && !row.el.classList.contains("pending")
        && !window.getSelection().toString()) {
        startEdit(row, offsetAt(row.el.querySelector(".ptext"), e.clientX, e.clientY));
      }
      return;
    }
    e.preventDefault();
    rovingId = w.dataset.id;
    setupRoving(null);
    if (menuFor === w.dataset.id) closeMenu(true); else openMenu(w, null);
  });

  // ---- alternatives menu -----------------------------------------------------------

  let wholeWord = false;            // the menu's "every form of the word" switch

  function openMenu(wordEl, focusIndex) {
    const entry = tokenIndex.get(wordEl.dataset.id);
    if (!entry) return;
    wholeWord = false;
    const t = entry.token;
    const shown = chosenForm(t) || t.text;
    els.menu.replaceChildren();
    els.menu.setAttribute("aria-label", `Andre former for «${shown}»`);
    const head = document.createElement("div");
    head.className = "menu-head";
    head.setAttribute("aria-hidden", "true");
    head.textContent = "Vel form";
    els.menu.append(head);
    const items = [];
    for (const alt of t.alternatives) {
      const it = document.createElement("div");
      it.className = "menu-item";
      it.setAttribute("role", "menuitemradio");
      it.setAttribute("aria-checked", alt === shown ? "true" : "false");
      it.tabIndex = -1;
      it.lang = state.target;
      it.dataset.form = alt;
      it.textContent = alt;
      if (alt === t.text) {
        const note = document.createElement("span");
        note.className = "menu-note";
        note.textContent = "framlegg";
        it.append(note);
      }
      items.push(it);
      els.menu.append(it);
    }
    const all = document.createElement("div");
    all.className = "menu-item menu-all";
    all.setAttribute("role", "menuitemcheckbox");
    all.setAttribute("aria-checked", wholeWord ? "true" : "false");
    all.tabIndex = -1;
    all.textContent = "Gjeld alle bøyingsformer av ordet";
    all.title = "Eller Shift+Enter på forma";
    els.menu.append(all);
    menuFor = wordEl.dataset.id;
    wordEl.setAttribute("aria-expanded", "true");
    els.menu.hidden = false;
    placeMenu(wordEl);
    const start = focusIndex != null ? focusIndex : Math.max(0, items.findIndex((i) => i.dataset.form === shown));
    items[start].focus();
  }

  // "skule" → "skole" as a rule for every form: the part before their common ending.
  function stemRule(from, to) {
    from = from.toLowerCase(); to = to.toLowerCase();
    let k = 0;
    while (k < Math.min(from.length, to.length) - 1
      && from[from.length - 1 - k] === to[to.length - 1 - k]) k++;
    return { from: from.slice(0, from.length - k), to: to.slice(0, to.length - k), word: from, form: to };
  }

  function toggleWhole(el) {
    wholeWord = !wholeWord;
    el.setAttribute("aria-checked", wholeWord ? "true" : "false");
  }

  function placeMenu(wordEl) {
    const r = wordEl.getBoundingClientRect();
    const mw = els.menu.offsetWidth, mh = els.menu.offsetHeight;
    let left = r.left + window.scrollX;
    left = Math.min(left, window.scrollX + document.documentElement.clientWidth - mw - 8);
    let top = r.bottom + window.scrollY + 4;
    if (r.bottom + mh + 8 > window.innerHeight && r.top - mh - 4 > 0) top = r.top + window.scrollY - mh - 4;
    els.menu.style.left = `${Math.max(8, left)}px`;
    els.menu.style.top = `${top}px`;
  }

  function closeMenu(refocus) {
    if (menuFor === null) return;
    const id = menuFor;
    menuFor = null;
    els.menu.hidden = true;
    const entry = tokenIndex.get(id);
    if (entry) {
      entry.el.setAttribute("aria-expanded", "false");
      if (refocus) entry.el.focus();
    }
  }

  function pick(form) {
    const entry = tokenIndex.get(menuFor);
    if (!entry) return closeMenu(false);
    const id = menuFor;
    const t = entry.token;
    const map = choices[state.target];
    const low = t.text.toLowerCase();
    const rules = lemmaChoices[state.target];
    let msg;
    if (form === t.text) {
      map.delete(low);
      lemmaChoices[state.target] = rules.filter((r) => !low.startsWith(r.from));
      msg = `«${t.text}» er tilbake til framlegget.`;
    } else if (wholeWord) {
      const rule = stemRule(t.text, form);
      lemmaChoices[state.target] = rules.filter((r) => r.from !== rule.from).concat([rule]);
      map.delete(low);
      msg = `«${t.text}» vert «${form}» i alle bøyingsformer (${rule.from}… → ${rule.to}…).`;
    } else {
      map.set(low, form.toLowerCase());
      msg = `«${t.text}» vert «${form}» i heile teksten.`;
    }
    choicesVersion++;
    savePrefs();
    closeMenu(false);
    rovingId = id;
    render();
    const again = altWords().find((w) => tokenIndex.get(w.dataset.id).token.text === t.text);
    if (again) { rovingId = again.dataset.id; setupRoving(null); again.focus(); }
    els.status.textContent = msg;
  }

  // Words still in the other form after a choice for every form of a word (the engine
  // offered no alternative for them, e.g. compounds): the text would mix forms.
  function showMixed() {
    const rules = lemmaChoices[state.target];
    if (!rules.length) { els.mixed.hidden = true; return; }
    const text = outputText().toLowerCase();
    const left = [];
    for (const r of rules) {
      const re = new RegExp(`(?<![\\p{L}])${r.from.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\p{L}*`, "gu");
      const seen = new Set(text.match(re) || []);
      for (const w of seen) if (!w.startsWith(r.to)) left.push(w);
    }
    els.mixed.hidden = left.length === 0;
    els.mixed.textContent = left.length
      ? `Blanda former: ${left.slice(0, 6).map((w) => `«${w}»`).join(", ")} står framleis ` +
        "i den andre forma. Rett dei for hand om dei høyrer til same ordet." : "";
  }

  // Arrows cycle through the forms; End (or a click) reaches the "every form" switch,
  // and Shift+Enter picks a form for every form of the word at once.
  els.menu.addEventListener("keydown", (e) => {
    const items = [...els.menu.querySelectorAll(".menu-item")];
    const forms = items.filter((x) => !x.classList.contains("menu-all"));
    const i = forms.indexOf(document.activeElement);
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      const d = e.key === "ArrowDown" ? 1 : -1;
      const at = i < 0 ? (d > 0 ? -1 : forms.length) : i;
      forms[(at + d + forms.length) % forms.length].focus();
    } else if (e.key === "Home" || e.key === "End") {
      e.preventDefault();
      items[e.key === "Home" ? 0 : items.length - 1].focus();
    } else if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      const cur = document.activeElement;
      if (cur && cur.classList.contains("menu-all")) toggleWhole(cur);
      else if (i >= 0) {
        if (e.shiftKey) wholeWord = true;
        pick(forms[i].dataset.form);
      }
    } else if (e.key === "Escape") {
      e.preventDefault();
      closeMenu(true);
    } else if (e.key === "Tab") {
      e.preventDefault();
      closeMenu(true);
    }
  });

  // Focus leaving the menu by any other way (a screen reader, a click elsewhere) closes it.
  els.menu.addEventListener("focusout", (e) => {
    if (menuFor === null || els.menu.contains(e.relatedTarget)) return;
    const opener = tokenIndex.get(menuFor);
    if (opener && e.relatedTarget === opener.el) return;  // its click toggles the menu
    closeMenu(false);
  });

  els.menu.addEventListener("click", (e) => {
    const it = e.target.closest(".menu-item");
    if (!it) return;
    if (it.classList.contains("menu-all")) toggleWhole(it);
    else pick(it.dataset.form);
  });

  document.addEventListener("mousedown", (e) => {
    if (menuFor !== null && !els.menu.contains(e.target) && !(e.target.closest && e.target.closest(".w-alt"))) {
      closeMenu(false);
    }
  });
  window.addEventListener("resize", () => closeMenu(false));

  // ---- toolbar ---------------------------------------------------------------------

  function applyDirection() {
    const s = LANG[state.source], t = LANG[state.target];
    els.srcName.textContent = s.name; els.srcName.lang = s.code;
    els.tgtName.textContent = t.name; els.tgtName.lang = t.code;
    els.srcTitle.textContent = s.name; els.srcTitle.lang = s.code;
    els.tgtTitle.textContent = t.name; els.tgtTitle.lang = t.code;
    els.source.lang = s.code;
    els.output.lang = t.code;
    els.source.placeholder = `Skriv eller lim inn ${s.adj} her …`;
    els.directionNow.textContent = `Frå ${s.adj} til ${t.adj}`;
    const nn = state.target === "nn";
    els.style.disabled = !nn;
    els.variantField.disabled = !nn;
    els.styleField.classList.toggle("off", !nn);
    els.variantField.classList.toggle("off", !nn);
    showGlossary();
    els.styleDesc.textContent = nn ? styleText(state.style)
      : "Stil og infinitiv gjeld berre omsetjing til nynorsk.";
  }

  // The style's description in Nynorsk, from the style file (GET /v1/styles); the
  // English one is for the command line and the docs.
  function styleText(name) {
    const s = state.styles.find((x) => x.name === name);
    return s && s.description_nn ? s.description_nn : "";
  }

  function setVariant(v) {
    state.variant = v;
    const r = document.querySelector(`input[name=variant][value="${v}"]`);
    if (r) r.checked = true;
  }

  async function loadStyles() {
    try {
      const res = await fetch("v1/styles", { headers: { Accept: "application/json" } });
      if (!res.ok) throw await httpError(res);
      const data = await res.json();
      // the style menu is nb→nn's; nn→nb requests get the service's Bokmål default
      const list = (Array.isArray(data) ? data : (data.styles || []))
        .filter((s) => (s.language || "nn") === "nn");
      if (!list.length) return;
      state.styles = list;
      els.style.replaceChildren(...list.map((s) => {
        const o = document.createElement("option");
        o.value = s.name;
        o.textContent = s.name;
        return o;
      }));
      if (!restored.style && data.default && list.some((s) => s.name === data.default)) {
        state.style = data.default;
      }
      if (!list.some((s) => s.name === state.style)) state.style = list[0].name;
      els.style.value = state.style;
      const cur = list.find((s) => s.name === state.style);
      if (cur && cur.infinitive && !restored.variant) setVariant(cur.infinitive);
      applyDirection();
    } catch (err) {
      // The editor still works with the default style; say so quietly.
      els.styleDesc.textContent = "Fekk ikkje henta stilane frå tenesta; bruker standardstilen.";
    }
  }

  els.style.addEventListener("change", () => {
    state.style = els.style.value;
    const s = state.styles.find((x) => x.name === state.style);
    if (s && s.infinitive) setVariant(s.infinitive);
    applyDirection();
    saveSettings();
    update();
  });

  document.querySelectorAll("input[name=variant]").forEach((r) => {
    r.addEventListener("change", () => {
      if (!r.checked) return;
      state.variant = r.value;
      saveSettings();
      update();
    });
  });

  els.showSource.addEventListener("change", () => {
    els.output.classList.toggle("show-source", els.showSource.checked);
    render();
  });

  // Swapping never puts a machine round trip in place of the user's text: the text
  // before the swap is kept, a swap back brings it back as it was (unless the new
  // source was edited), and "Angre bytet" restores it at once.
  let detectTimer = 0, detectedFor = "";   // language detection (below)
  let beforeSwap = null;            // {text, source, target, swapped}: the text before a swap

  function swapTo(text) {
    clearTimeout(detectTimer);
    detectedFor = text.slice(0, 3000);     // the user chose the direction: no hint on it
    [state.source, state.target] = [state.target, state.source];
    els.source.value = text;
    applyDirection();
    saveSettings();
    saveInput();
    rows = [];
    lastSources = paragraphs(text).map((p) => norm(p.text));
    els.output.replaceChildren();
    update();
  }

  els.swap.addEventListener("click", async () => {
    closeMenu(false);
    if (beforeSwap && beforeSwap.swapped === els.source.value
      && beforeSwap.target === state.source && beforeSwap.source === state.target) {
      const back = beforeSwap;
      beforeSwap = null;
      swapTo(back.text);
      hideHint();
      els.status.textContent = `Bytt tilbake: den opphavlege ${LANG[state.source].adj}teksten er attende.`;
      return;
    }
    await flush();
    const original = els.source.value;
    const text = outputText();
    beforeSwap = { text: original, source: state.source, target: state.target, swapped: text };
    swapTo(text);
    showHint(`Retninga er bytt. Den opphavlege ${LANG[state.target].adj}teksten er teken vare på.`,
      "Angre bytet", () => {
        if (!beforeSwap) return;
        const back = beforeSwap;
        beforeSwap = null;
        swapTo(back.text);
        hideHint();
        els.status.textContent = "Bytet er angra.";
      });
  });

  function showHint(text, action, fn) {
    els.hintText.textContent = text;
    els.hintAction.textContent = action;
    els.hintAction.onclick = fn;
    els.hint.hidden = false;
  }
  function hideHint() { els.hint.hidden = true; }

  // ---- copy and download -----------------------------------------------------------

  function flash(button, text) {
    const old = button.dataset.label || button.textContent;
    button.dataset.label = old;
    button.textContent = text;
    clearTimeout(button._t);
    button._t = setTimeout(() => { button.textContent = old; }, 1600);
  }

  function copyFallback(text) {
    els.clip.value = text;
    els.clip.hidden = false;
    els.clip.select();
    let ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    els.clip.value = "";
    return ok;
  }

  // Before copying or saving: wait for the translation; say so when it is out of date
  // or there is nothing to give.
  async function readyOutput(button) {
    if (editing) endEdit();
    await flush();
    if (!needsTranslation(els.source.value)) {
      flash(button, "Ingen tekst");
      els.status.textContent = "Det er ingen tekst å omsetje enno.";
      return null;
    }
    if (stale || !els.message.hidden || rows.some((r) => r.el.classList.contains("pending"))) {
      flash(button, "Ikkje oppdatert");
      els.status.textContent = "Omsetjinga er ikkje oppdatert (tenesta svarar ikkje eller " +
        "omset framleis). Ingenting er kopiert eller lagra; prøv igjen.";
      return null;
    }
    return outputText();
  }

  els.copy.addEventListener("click", async () => {
    const text = await readyOutput(els.copy);
    if (text == null) return;
    let ok = false;
    if (navigator.clipboard && window.isSecureContext) {
      try { await navigator.clipboard.writeText(text); ok = true; } catch (e) { ok = false; }
    }
    if (!ok) ok = copyFallback(text);
    flash(els.copy, ok ? "Kopiert" : "Kunne ikkje kopiere");
    els.status.textContent = ok ? "Omsetjinga er kopiert." : "Kunne ikkje kopiere; merk teksten og kopier sjølv.";
    els.copy.focus();
  });

  function save(blob, name) {
    const url = URL.createObjectURL(blob);
    const a = document.createElement("a");
    a.href = url;
    a.download = name;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  }

  els.download.addEventListener("click", async () => {
    const text = await readyOutput(els.download);
    if (text == null) return;
    const name = `omsett-${state.target === "nn" ? "nynorsk" : "bokmaal"}.txt`;
    save(new Blob([text], { type: "text/plain;charset=utf-8" }), name);
    els.status.textContent = `Lasta ned som ${name}.`;
  });

  els.apiKey.addEventListener("keydown", (e) => {
    if (e.key === "Enter") { e.preventDefault(); els.retry.click(); }
  });

  els.retry.addEventListener("click", () => {
    if (!els.keyRow.hidden) {
      state.apiKey = els.apiKey.value.trim();
      try { sessionStorage.setItem("omset.key", state.apiKey); } catch (e) { /* ignore */ }
    }
    hideMessage();
    if (!state.styles.length) loadStyles();
    update();
  });

  // ---- documents: a file in, the translated file out ---------------------------------

  els.fileInput.addEventListener("change", async () => {
    const file = els.fileInput.files && els.fileInput.files[0];
    if (!file) return;
    els.fileInput.value = "";
    if (/\.txt$/i.test(file.name)) {
      els.source.value = await file.text();
      schedule();
      els.status.textContent = `Opna ${file.name}.`;
      return;
    }
    const form = new FormData();
    form.append("file", file, file.name);
    form.append("source", state.source);
    form.append("target", state.target);
    if (state.target === "nn") { form.append("style", state.style); form.append("variant", state.variant); }
    const terms = glossaryTerms();
    if (terms) form.append("glossary", JSON.stringify(terms));
    els.status.textContent = `Omset ${file.name} …`;
    try {
      const h = headers(false);
      delete h.Accept;
      const res = await fetch("v1/translate/document", { method: "POST", headers: h, body: form });
      if (!res.ok) throw await httpError(res);
      const disp = res.headers.get("Content-Disposition") || "";
      const m = disp.match(/filename\*=UTF-8''([^;]+)/) || disp.match(/filename="([^"]+)"/);
      const name = m ? decodeURIComponent(m[1]) : `omsett-${file.name}`;
      save(await res.blob(), name);
      els.status.textContent = `${file.name} er omsett og lasta ned som ${name}.`;
    } catch (err) {
      els.status.textContent = `Kunne ikkje omsetje ${file.name}: ` +
        (err instanceof ApiError ? err.message : "får ikkje kontakt med tenesta.");
    }
  });

  // ---- language detection: offer the direction the text is written for -------------

  function scheduleDetect() {
    clearTimeout(detectTimer);
    detectTimer = setTimeout(detect, 900);
  }
  async function detect() {
    const sample = els.source.value.slice(0, 3000);
    if ((sample.match(/[\p{L}]+/gu) || []).length < 4 || sample === detectedFor) return;
    detectedFor = sample;
    try {
      const res = await fetch("v1/detect", { method: "POST", headers: headers(true),
        body: JSON.stringify({ text: sample }) });
      if (!res.ok) return;
      const d = ((await res.json()).detections || [])[0];
      if (!d || d.language === "und" || d.confidence < 0.6) return;
      if (els.source.value.slice(0, 3000) !== sample) return;   // the text changed meanwhile
      if (d.language === state.target && LANG[d.language]) {
        showHint(`Teksten ser ut til å vere ${LANG[d.language].adj}.`,
          `Omset frå ${LANG[d.language].adj} til ${LANG[state.source].adj}`, () => {
            hideHint();
            beforeSwap = null;
            swapTo(els.source.value);
          });
      } else if (els.hint.hidden === false && d.language === state.source && !beforeSwap) {
        hideHint();
      }
    } catch (e) { /* detection is a hint only */ }
  }

  // ---- session: the input and settings over a reload; the desk per story -----------

  const restored = {};
  const deskKey = () => `omset.desk.${state.source}-${state.target}.${state.story || "-"}`;

  function saveInput() {
    inputUnsaved = false;
    try { sessionStorage.setItem("omset.text", els.source.value); } catch (e) { /* private mode */ }
  }
  function saveSettings() {
    try {
      sessionStorage.setItem("omset.settings", JSON.stringify({
        source: state.source, target: state.target, style: state.style, variant: state.variant,
      }));
    } catch (e) { /* ignore */ }
  }

  // Debounced while typing; at once on a confirmation, and before the page goes.
  let recordsTimer = 0;
  function saveRecords(now = false) {
    clearTimeout(recordsTimer);
    recordsTimer = 0;
    if (now) { writeRecords(); return; }
    recordsTimer = setTimeout(writeRecords, 200);
  }
  window.addEventListener("pagehide", () => {
    if (recordsTimer) saveRecords(true);
    if (inputUnsaved) saveInput();
  });
  function writeRecords() {
    recordsTimer = 0;
    // what the proofreader made of paragraphs still in the text, and every approval
    const present = new Set(paragraphs(els.source.value).map((p) => norm(p.text)));
    const keep = [...records.values()].filter((r) => present.has(r.key) || r.status === "approved")
      .map(({ key, text, status, flag, previous, origin }) => [key, { text, status, flag, previous, origin }]);
    try { localStorage.setItem(deskKey(), JSON.stringify(keep)); } catch (e) { /* full or private */ }
  }
  function loadRecords() {
    records.clear();
    undoStack.length = 0;
    try {
      for (const [k, r] of JSON.parse(localStorage.getItem(deskKey()) || "[]")) {
        records.set(k, { ...r, key: k, v: ++recSeq });
      }
    } catch (e) { /* ignore */ }
  }

  // Form choices and glossaries: in the browser, and shared in the service's memory
  // when it has one (the newsroom's choices).
  function prefsObject() {
    const c = {}, l = {};
    for (const lang of Object.keys(choices)) {
      c[lang] = Object.fromEntries(choices[lang]);
      l[lang] = lemmaChoices[lang];
    }
    return { choices: c, lemmas: l, glossary: state.glossary };
  }
  function applyPrefs(p) {
    if (!p || typeof p !== "object") return;
    for (const lang of Object.keys(choices)) {
      if (p.choices && p.choices[lang]) choices[lang] = new Map(Object.entries(p.choices[lang]));
      if (p.lemmas && Array.isArray(p.lemmas[lang])) lemmaChoices[lang] = p.lemmas[lang];
    }
    if (p.glossary && typeof p.glossary === "object") state.glossary = { ...p.glossary };
    choicesVersion++;
  }
  let prefsTimer = 0;
  function savePrefs() {
    const p = JSON.stringify(prefsObject());
    try { localStorage.setItem("omset.prefs", p); } catch (e) { /* ignore */ }
    if (!state.memory) return;
    clearTimeout(prefsTimer);
    prefsTimer = setTimeout(() => {
      fetch("v1/desk/settings", { method: "PUT", headers: headers(true), body: p })
        .catch(() => { els.status.textContent = "Vala er lagra i nettlesaren, men ikkje delte: får ikkje kontakt med tenesta."; });
    }, 300);
  }

  function restore() {
    try {
      const s = JSON.parse(sessionStorage.getItem("omset.settings") || "null");
      if (s && LANG[s.source] && LANG[s.target] && s.source !== s.target) {
        Object.assign(state, { source: s.source, target: s.target });
        if (s.style) { state.style = s.style; restored.style = true; }
        if (VARIANT_NAME[s.variant]) { setVariant(s.variant); restored.variant = true; }
      }
      applyPrefs(JSON.parse(localStorage.getItem("omset.prefs") || "null"));
      state.apiKey = sessionStorage.getItem("omset.key") || "";
      els.apiKey.value = state.apiKey;
      const t = sessionStorage.getItem("omset.text");
      if (t && !els.source.value) els.source.value = t;
    } catch (e) { /* ignore */ }
  }

  // ---- a story: opened by id (and version), in the URL, shared through the memory ----

  function newStoryId() {
    const d = new Date();
    const pad = (n) => String(n).padStart(2, "0");
    return `sak-${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}-` +
      Math.random().toString(36).slice(2, 7);
  }

  function setStory(id, version) {
    state.story = id;
    state.version = version || "1";
    els.storyId.value = id;
    els.storyVersion.value = state.version;
    const url = new URL(window.location.href);
    if (id) url.searchParams.set("sak", id); else url.searchParams.delete("sak");
    if (id) url.searchParams.set("versjon", state.version); else url.searchParams.delete("versjon");
    history.replaceState(null, "", url);
    els.storyInfo.textContent = id ? `Sak ${id}, versjon ${state.version}` +
      (state.memory ? "" : " (berre i denne nettlesaren: tenesta har ikkje minne)") : "";
  }

  // Open a story: the desk's records for it (browser, then the service's memory); when
  // the text area is empty, the story's text as the desk left it.
  async function openStory(id, version, fillText) {
    setStory(id, version);
    loadRecords();
    if (state.memory && id) {
      try {
        const q = new URLSearchParams({ document_id: id, source: state.source, target: state.target });
        const res = await fetch(`v1/desk/story?${q}`, { headers: headers(false) });
        if (res.ok) {
          const story = await res.json();
          for (const p of story.paragraphs || []) {
            const k = norm(p.source);
            const mine = records.get(k);
            if (p.approved && (!mine || mine.status === "approved")) {
              records.set(k, { text: p.target.trim(), status: "approved", flag: false,
                previous: null, key: k, v: ++recSeq });
            }
          }
          if (fillText && !needsTranslation(els.source.value)) {
            // as the desk stored it, line breaks and blank lines in place (a story stored
            // some other way: a blank line between paragraphs)
            const ps = story.paragraphs || [];
            const lay = Array.isArray(story.layout) && story.layout.length === ps.length + 1
              ? story.layout : null;
            els.source.value = lay ? lay[0] + ps.map((p, i) => p.source + lay[i + 1]).join("")
              : ps.map((p) => p.source).join("\n\n");
            saveInput();
          }
          els.status.textContent = `Opna sak ${id} (sist lagra versjon ${story.version || "–"}).`;
        } else if (res.status === 404) {
          els.status.textContent = `Sak ${id} er ny: godkjende avsnitt blir lagra i minnet.`;
        } else throw await httpError(res);
      } catch (err) {
        els.status.textContent = `Fekk ikkje henta sak ${id}: ` +
          (err instanceof ApiError ? err.message : "får ikkje kontakt med tenesta.");
      }
    }
    lastSources = paragraphs(els.source.value).map((p) => norm(p.text));
    rows = [];
    els.output.replaceChildren();
    update();
  }

  els.storyOpen.addEventListener("click", () => {
    const id = els.storyId.value.trim();
    const v = els.storyVersion.value.trim() || "1";
    if (id === state.story) { setStory(id, v); update(); return; }
    openStory(id, v, true);
  });
  for (const f of [els.storyId, els.storyVersion]) {
    f.addEventListener("keydown", (e) => { if (e.key === "Enter") { e.preventDefault(); els.storyOpen.click(); } });
  }

  els.source.addEventListener("input", schedule);
  els.glossary.addEventListener("input", () => {
    state.glossary[direction()] = els.glossary.value;
    const { bad } = parseGlossary(els.glossary.value);
    const n = Object.keys(glossaryTerms() || {}).length;
    els.glossaryCount.textContent = n ? `(${n})` : "";
    if (!bad.length) showGlossary();
    savePrefs();
    clearTimeout(timer);
    timer = setTimeout(() => { showGlossary(); update(); }, DEBOUNCE_MS * 2);
  });

  async function start() {
    restore();
    els.style.value = state.style;
    applyDirection();
    try {
      const res = await fetch("v1/desk", { headers: { Accept: "application/json" } });
      if (res.ok) state.memory = !!(await res.json()).memory;
    } catch (e) { /* no service: the first translation says so */ }
    if (state.memory) {
      try {
        const res = await fetch("v1/desk/settings", { headers: headers(false) });
        if (res.ok) {
          const shared = await res.json();
          if (shared && Object.keys(shared).length) applyPrefs(shared);
          applyDirection();
        }
      } catch (e) { /* the browser's own choices stay */ }
    }
    const params = new URLSearchParams(window.location.search);
    const id = params.get("sak") || params.get("story") || "";
    const version = params.get("versjon") || params.get("version") || "1";
    await loadStyles();
    await openStory(id, version, true);
  }

  start();
  window.omsetEditor = { outputText, state, records, flush };  // for tests and the curious
})();
