/* omset web editor: Bokmål ⇄ Nynorsk side by side, on the omset HTTP API.
 *
 * Vanilla JS, no build step. The input is split into paragraphs (blank lines); only
 * paragraphs not yet in the cache are sent, as the `text` list of one POST /v1/translate.
 * A newer request aborts the older one. Each output word is rendered from the API's
 * tokens: classes for changed / unknown / alternative words, a menu to pick another
 * form (remembered per word form for the session) and the source word as ruby text.
 */
"use strict";

(function () {
  const DEBOUNCE_MS = 300;
  const BATCH_TEXTS = 40;       // paragraphs per request at most
  const BATCH_CHARS = 20000;    // characters per request at most (one paragraph may exceed it)
  const CACHE_MAX = 3000;       // translated paragraphs kept
  const LANG = {
    nb: { name: "Bokmål", adj: "bokmål", code: "nb" },
    nn: { name: "Nynorsk", adj: "nynorsk", code: "nn" },
  };
  // Norwegian descriptions of the built-in styles (the API's are in English).
  const STYLE_TEXT = {
    "nynorsk-news": "Nyheitsnynorsk slik Nynorsk Pressekontor skriv: e-infinitiv, vi, vart, medan, òg.",
    "moderne": "Moderne, vanlege former som normalen tillèt: e-infinitiv, vi, blei, mens, tar, søke, bygge.",
    "skule": "Konservativ skulenorm: e-infinitiv og vi, elles tradisjonelle hovudformer (vart, medan, tek, kome, søkje).",
    "tradisjonell": "Tradisjonell nynorsk: a-infinitiv, me, vart, medan, tek, kome, søkje, difor, korkje.",
    "apertium": "Rein Apertium: standardformene til Apertium utan husval, til samanlikning.",
  };
  const VARIANT_NAME = { a: "a-infinitiv", e: "e-infinitiv", split: "kløyvd infinitiv" };

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
  };

  const state = {
    source: "nb",
    target: "nn",
    style: "nynorsk-news",
    variant: "e",
    styles: [],            // from GET /v1/styles
    apiKey: "",            // sent as X-API-Key when the service asks for one
    glossary: {},          // direction -> glossary text as typed
  };
  const cache = new Map();          // settings key + paragraph text -> translation item
  const choices = { nn: new Map(), nb: new Map() };  // target language -> (form -> chosen form)
  let controller = null;            // AbortController of the request in flight
  let timer = 0;                    // debounce timer (0: none pending)
  let running = null;               // promise of the latest update()
  let rendered = [];                // per paragraph: {el, text} as last rendered
  let plainOut = [];                // per paragraph: output text with the user's choices
  let tokenIndex = new Map();       // token id -> {token, para, el}
  let rovingId = null;              // token id of the word that takes Tab in the output
  let menuFor = null;               // token id the menu is open for

  // ---- settings --------------------------------------------------------------------

  function settingsKey() {
    const base = state.target === "nn"
      ? `${state.source}>${state.target}|${state.style}|${state.variant}`
      : `${state.source}>${state.target}`;
    const terms = glossaryTerms();
    return terms ? `${base}|${JSON.stringify(terms)}` : base;
  }

  function requestBody(texts) {
    const body = { text: texts, source: state.source, target: state.target };
    if (state.target === "nn") {
      body.style = state.style;
      body.variant = state.variant;
    }
    const terms = glossaryTerms();
    if (terms) body.glossary = terms;
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

  // ---- paragraphs ------------------------------------------------------------------

  // Paragraphs and the blank-line separators between them, so the output keeps the
  // input's layout exactly: [{text, sep}] where sep follows text.
  function paragraphs(text) {
    const out = [];
    const re = /\n[ \t]*\n(?:[ \t]*\n)*/g;  // whole blank lines; indentation stays
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

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(update, DEBOUNCE_MS);
    saveInput();
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
  }

  async function run() {
    clearTimeout(timer);
    timer = 0;
    const key = settingsKey();
    const paras = paragraphs(els.source.value);
    const missing = [...new Set(paras.map((p) => p.text)
      .filter((t) => needsTranslation(t) && !cache.has(key + "\u0000" + t)))];
    render();
    if (controller) controller.abort();
    if (missing.length === 0) {
      setBusy(false);
      return;
    }
    const mine = new AbortController();
    controller = mine;
    setBusy(true);
    try {
      // Big pastes go in batches, so the first paragraphs show early and no request
      // comes near the service's time limit.
      for (const batch of batches(missing)) {
        const items = await translateBatch(batch, mine.signal);
        batch.forEach((t, i) => cache.set(key + "\u0000" + t, items[i]));
        trimCache();
        render();
      }
      if (controller === mine) controller = null;
      hideMessage();
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

  async function translateBatch(texts, signal) {
    const headers = { "Content-Type": "application/json", "Accept": "application/json" };
    if (state.apiKey) headers["X-API-Key"] = state.apiKey;
    const res = await fetch("v1/translate", {
      method: "POST", headers, body: JSON.stringify(requestBody(texts)), signal,
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
    els.output.setAttribute("aria-busy", busy ? "true" : "false");
    document.body.classList.toggle("busy", busy);
    if (busy) els.status.textContent = "Omset …";
    else if (els.message.hidden) els.status.textContent = statusText();
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

  function chosenForm(token) {
    const alts = token.alternatives || [];
    if (alts.length < 2) return null;
    const want = choices[state.target].get(token.text.toLowerCase());
    if (!want) return null;
    const hit = alts.find((a) => a.toLowerCase() === want);
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

  // One paragraph's translation as DOM and as plain text (with the user's choices).
  function renderTranslation(pi, item) {
    const p = document.createElement("p");
    p.className = "para";
    const full = item.text || "";
    let plain = "", pos = 0;
    const segments = item.segments || [];
    // the riskiest fifth of sentences (omset.risk ranks 0–1): shade the paragraph
    if (segments.some((s) => (s.risk ?? 0) >= 0.8)) {
      p.classList.add("seg-risky");
      p.title = "Sjå over først: setningar av denne typen blir ofte retta";
    }
    segments.forEach((seg, si) => {
      const at = full.indexOf(seg.text, pos);
      if (at < 0) return;  // cannot place this segment: the gap text below covers it
      if (at > pos) { p.append(full.slice(pos, at)); plain += full.slice(pos, at); }
      const tokens = (seg.tokens || []).slice().sort((a, b) => a.start - b.start);
      // Source words, when the API does not give them: aligned once per segment.
      if (!seg._aligned) {
        seg._aligned = tokens.some((t) => t.source == null) ? align(seg.source || "", tokens) : [];
      }
      const aligned = seg._aligned;
      let cur = 0;
      tokens.forEach((t, ti) => {
        if (t.start < cur || seg.text.substr(t.start, t.text.length) !== t.text) return;
        if (t.start > cur) { const gap = seg.text.slice(cur, t.start); p.append(gap); plain += gap; }
        const src = t.source != null ? t.source : aligned[ti];
        const word = isWord(t.text);
        const changed = word && (t.source != null ? !!t.changed
          : (src == null || src.toLowerCase() !== t.text.toLowerCase()))
          || (t.changes && t.changes.length > 0);
        const picked = chosenForm(t);
        const shown = picked || t.text;
        const id = `${pi}.${si}.${ti}`;
        const hasAlts = (t.alternatives || []).length > 1;
        let el;
        if (!word && !hasAlts && !t.unknown && !t.flagged) {
          el = document.createTextNode(shown);
        } else {
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
          if (src != null && word) {
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
          tokenIndex.set(id, { token: t, para: pi, el });
        }
        p.append(el);
        plain += shown;
        cur = t.start + t.text.length;
      });
      if (cur < seg.text.length) { p.append(seg.text.slice(cur)); plain += seg.text.slice(cur); }
      pos = at + seg.text.length;
    });
    if (pos < full.length) { p.append(full.slice(pos)); plain += full.slice(pos); }
    return { el: p, plain };
  }

  function render() {
    const key = settingsKey();
    const paras = paragraphs(els.source.value);
    const focusedId = document.activeElement && els.output.contains(document.activeElement)
      ? document.activeElement.dataset.id : null;
    tokenIndex = new Map();
    const frag = document.createDocumentFragment();
    const next = [];
    plainOut = [];
    paras.forEach((para, pi) => {
      let el, plain;
      if (!needsTranslation(para.text)) {
        el = document.createElement("p");
        el.className = "para empty";
        el.textContent = para.text;
        plain = para.text;
      } else {
        const item = cache.get(key + "\u0000" + para.text);
        if (item) {
          ({ el, plain } = renderTranslation(pi, item));
        } else {
          // Not translated yet: keep what this paragraph showed before, dimmed.
          const before = rendered[pi];
          el = before ? before.el.cloneNode(true) : document.createElement("p");
          if (!before) { el.className = "para"; el.textContent = para.text; }
          el.classList.add("pending");
          el.querySelectorAll("[tabindex]").forEach((w) => w.removeAttribute("tabindex"));
          plain = before ? before.plain : para.text;
        }
      }
      if (!el.classList.contains("pending")) next.push({ el, plain });
      else next.push(rendered[pi] || { el, plain });
      frag.append(el);
      plainOut.push(plain);
      if (para.sep) {
        frag.append(document.createTextNode(para.sep));
        plainOut.push(para.sep);
      }
    });
    rendered = next;
    els.output.replaceChildren(frag);
    els.output.classList.toggle("is-empty", !needsTranslation(els.source.value));
    setupRoving(focusedId);
    els.count.textContent = countText();
  }

  function countText() {
    const n = (els.source.value.match(/[\p{L}\p{N}]+/gu) || []).length;
    return n ? `${n} ord` : "";
  }

  function outputText() {
    return plainOut.join("");
  }

  // ---- keyboard: one Tab stop in the output, arrows between words with alternatives -

  function altWords() {
    return [...els.output.querySelectorAll(".w-alt:not(.pending .w-alt)")]
      .filter((w) => !w.closest(".pending"));
  }

  function setupRoving(focusedId) {
    const words = altWords();
    if (!words.length) { rovingId = null; return; }
    let target = words.find((w) => w.dataset.id === (focusedId || rovingId)) || words[0];
    words.forEach((w) => { w.tabIndex = w === target ? 0 : -1; });
    rovingId = target.dataset.id;
    if (focusedId) target.focus();
  }

  function moveRoving(from, delta) {
    const words = altWords();
    let i = words.indexOf(from);
    if (i < 0) return;
    i = delta === Infinity ? words.length - 1 : delta === -Infinity ? 0
      : Math.max(0, Math.min(words.length - 1, i + delta));
    words.forEach((w, k) => { w.tabIndex = k === i ? 0 : -1; });
    rovingId = words[i].dataset.id;
    words[i].focus();
  }

  els.output.addEventListener("keydown", (e) => {
    const w = e.target.closest && e.target.closest(".w-alt");
    if (!w) return;
    const moves = { ArrowRight: 1, ArrowDown: 0, ArrowLeft: -1, Home: -Infinity, End: Infinity };
    if (e.key === "Enter" || e.key === " " || e.key === "ArrowDown") {
      e.preventDefault();
      openMenu(w, e.key === "ArrowDown" ? 0 : null);
    } else if (e.key in moves && moves[e.key] !== 0) {
      e.preventDefault();
      moveRoving(w, moves[e.key]);
    }
  });

  els.output.addEventListener("click", (e) => {
    const w = e.target.closest && e.target.closest(".w-alt");
    if (!w || w.closest(".pending")) return;
    e.preventDefault();
    altWords().forEach((x) => { x.tabIndex = x === w ? 0 : -1; });
    rovingId = w.dataset.id;
    if (menuFor === w.dataset.id) closeMenu(true); else openMenu(w, null);
  });

  // ---- alternatives menu -----------------------------------------------------------

  function openMenu(wordEl, focusIndex) {
    const entry = tokenIndex.get(wordEl.dataset.id);
    if (!entry) return;
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
    menuFor = wordEl.dataset.id;
    wordEl.setAttribute("aria-expanded", "true");
    els.menu.hidden = false;
    placeMenu(wordEl);
    const start = focusIndex != null ? focusIndex : Math.max(0, items.findIndex((i) => i.dataset.form === shown));
    items[start].focus();
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
    if (form === t.text) map.delete(t.text.toLowerCase());
    else map.set(t.text.toLowerCase(), form.toLowerCase());
    closeMenu(false);
    rovingId = id;
    render();
    const again = tokenIndex.get(id);
    if (again) again.el.focus();
    els.status.textContent = form === t.text
      ? `«${t.text}» er tilbake til framlegget.`
      : `«${t.text}» vert «${form}» i heile teksten.`;
  }

  els.menu.addEventListener("keydown", (e) => {
    const items = [...els.menu.querySelectorAll(".menu-item")];
    const i = items.indexOf(document.activeElement);
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      const d = e.key === "ArrowDown" ? 1 : -1;
      items[(i + d + items.length) % items.length].focus();
    } else if (e.key === "Home" || e.key === "End") {
      e.preventDefault();
      items[e.key === "Home" ? 0 : items.length - 1].focus();
    } else if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      if (i >= 0) pick(items[i].dataset.form);
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
    if (it) pick(it.dataset.form);
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

  function styleText(name) {
    if (STYLE_TEXT[name]) return STYLE_TEXT[name];
    const s = state.styles.find((x) => x.name === name);
    return s && s.description ? s.description : "";
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
  });

  els.swap.addEventListener("click", async () => {
    closeMenu(false);
    await flush();
    const text = outputText();
    [state.source, state.target] = [state.target, state.source];
    els.source.value = text;
    applyDirection();
    saveSettings();
    saveInput();
    rendered = [];
    update();
  });

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

  els.copy.addEventListener("click", async () => {
    await flush();
    const text = outputText();
    let ok = false;
    if (navigator.clipboard && window.isSecureContext) {
      try { await navigator.clipboard.writeText(text); ok = true; } catch (e) { ok = false; }
    }
    if (!ok) ok = copyFallback(text);
    flash(els.copy, ok ? "Kopiert" : "Kunne ikkje kopiere");
    els.status.textContent = ok ? "Omsetjinga er kopiert." : "Kunne ikkje kopiere; merk teksten og kopier sjølv.";
    els.copy.focus();
  });

  els.download.addEventListener("click", async () => {
    await flush();
    const blob = new Blob([outputText()], { type: "text/plain;charset=utf-8" });
    const url = URL.createObjectURL(blob);
    const a = document.createElement("a");
    a.href = url;
    a.download = `omsett-${state.target === "nn" ? "nynorsk" : "bokmaal"}.txt`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
    els.status.textContent = `Lasta ned som ${a.download}.`;
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

  // ---- session: keep the input and settings over a reload --------------------------

  const restored = {};
  function saveInput() {
    try { sessionStorage.setItem("omset.text", els.source.value); } catch (e) { /* private mode */ }
  }
  function saveSettings() {
    try {
      sessionStorage.setItem("omset.settings", JSON.stringify({
        source: state.source, target: state.target, style: state.style, variant: state.variant,
        glossary: state.glossary,
      }));
    } catch (e) { /* ignore */ }
  }
  function restore() {
    try {
      const s = JSON.parse(sessionStorage.getItem("omset.settings") || "null");
      if (s && LANG[s.source] && LANG[s.target] && s.source !== s.target) {
        Object.assign(state, { source: s.source, target: s.target });
        if (s.style) { state.style = s.style; restored.style = true; }
        if (s.glossary && typeof s.glossary === "object") state.glossary = s.glossary;
        if (VARIANT_NAME[s.variant]) { setVariant(s.variant); restored.variant = true; }
      }
      state.apiKey = sessionStorage.getItem("omset.key") || "";
      els.apiKey.value = state.apiKey;
      const t = sessionStorage.getItem("omset.text");
      if (t && !els.source.value) els.source.value = t;
    } catch (e) { /* ignore */ }
  }

  els.source.addEventListener("input", schedule);
  els.glossary.addEventListener("input", () => {
    state.glossary[direction()] = els.glossary.value;
    const { bad } = parseGlossary(els.glossary.value);
    const n = Object.keys(glossaryTerms() || {}).length;
    els.glossaryCount.textContent = n ? `(${n})` : "";
    if (!bad.length) showGlossary();
    saveSettings();
    clearTimeout(timer);
    timer = setTimeout(() => { showGlossary(); update(); }, DEBOUNCE_MS * 2);
  });

  restore();
  els.style.value = state.style;
  applyDirection();
  render();
  loadStyles().then(() => { if (needsTranslation(els.source.value)) update(); });
  window.omsetEditor = { outputText, state };  // for tests and the curious
})();
