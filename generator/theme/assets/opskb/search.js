// The search page (search/): query and filters come from the address and go
// back into it, so a ticketing tool or a bookmark can link to results. Runs
// against the static Pagefind index in <site>/pagefind/; no server needed.
// Result text is put in the page as text only: titles and metadata through
// textContent, excerpts rebuilt from their text and <mark> elements.

import {
  closestWord,
  element,
  excerptNodes,
  loadPagefind,
  loadVocabulary,
  queryWords,
  resultBadges,
  shownTitles,
} from "./search-common.js";

const PAGE_SIZE = 25;
const FILTERS = ["tier", "system", "kind"];

const form = document.getElementById("opskb-search");
const statusLine = document.getElementById("opskb-search-status");
const list = document.getElementById("opskb-search-results");
const suggestionLine = document.getElementById("opskb-search-suggestion");
const SOME_WORDS = "No page has every word; showing pages with some.";
const FEW_RESULTS = 3; // fewer pages with every word than this are topped up with pages with some
const REORDERED = 50; // the top results put in order for symptoms (symptomsFirst)

function readAddress() {
  const params = new URLSearchParams(window.location.search);
  form.elements.q.value = params.get("q") || "";
  for (const name of FILTERS) {
    const wanted = params.get(name) || "";
    const select = form.elements[name];
    const known = Array.from(select.options).some((o) => o.value === wanted);
    select.value = known ? wanted : "";
  }
}

function writeAddress() {
  const params = new URLSearchParams();
  const q = form.elements.q.value.trim();
  if (q) params.set("q", q);
  for (const name of FILTERS) {
    if (form.elements[name].value) params.set(name, form.elements[name].value);
  }
  const query = params.toString();
  const address = window.location.pathname + (query ? "?" + query : "");
  window.history.replaceState(null, "", address);
}

function resultItem(data, title) {
  const meta = data.meta || {};
  const item = element("li", "opskb-search-result");
  const link = element("a", "opskb-search-title", title || data.url);
  link.href = data.url;
  item.append(link);
  item.append(" ", resultBadges(meta));
  const excerpt = element("p", "opskb-search-excerpt");
  excerpt.append(...excerptNodes(data.excerpt));
  item.append(excerpt);
  return item;
}

function siteRoot() {
  return new URL(form.dataset.root || "../", window.location.href);
}

function engine() {
  return loadPagefind(siteRoot(), 24);
}

let synonymGroups = null;
/** The team's groups of phrases that mean the same (pagefind/synonyms.json). */
function loadSynonyms() {
  if (!synonymGroups) {
    synonymGroups = fetch(new URL("pagefind/synonyms.json", siteRoot()))
      .then((response) => (response.ok ? response.json() : []))
      .catch(() => []);
  }
  return synonymGroups;
}

/** `q`, then `q` with a phrase of a group it holds replaced by each other phrase of the
 * group (whole words), as the terminal does (search/synonyms.py). */
function synonymVariants(q, groups) {
  const padded = ` ${queryWords(q).join(" ")} `;
  const found = new Set([q]);
  for (const group of groups) {
    const held = group.find((phrase) => padded.includes(` ${phrase} `));
    if (held === undefined) continue;
    for (const other of group) {
      if (other !== held) found.add(padded.replace(` ${held} `, ` ${other} `).trim());
    }
  }
  return [...found];
}

/** Pages holding every word of `q` or of one of its synonym versions, best score first. */
async function everyWord(search, q, options) {
  const variants = q ? synonymVariants(q, await loadSynonyms()) : [q];
  const found = new Map(); // result id → result
  for (const variant of variants) {
    for (const result of (await search.search(variant || null, options)).results) {
      const seen = found.get(result.id);
      if (!seen || result.score > seen.score) found.set(result.id, result);
    }
  }
  const ranked = [...found.values()];
  if (variants.length > 1) ranked.sort((a, b) => b.score - a.score);
  return ranked;
}

/** A word's stem, near enough to the terminal's (Snowball): "dropping", "dropped" and
 * "drops" are "drop"; "charge", "charged" and "charges" are "charg". */
function lightStem(word) {
  let stem = word.replace(/'s$/, "");
  for (const end of ["ing", "ed", "es", "e", "s"]) {
    if (stem.length > end.length + 2 && stem.endsWith(end) && !stem.endsWith("s" + end)) {
      stem = stem.slice(0, -end.length);
      break;
    }
  }
  return /([b-df-hj-np-tv-z])\1$/.test(stem) ? stem.slice(0, -1) : stem;
}

/** Results (`{ data, order }`) in the terminal's order (search/symptoms.py): runbooks with a
 * symptom holding every word of `q` (or of a synonym's version of it) first, L1 first among
 * them; the rest as they were. */
async function symptomsFirst(found, q) {
  const { stop } = await loadVocabulary(siteRoot());
  const stems = (text) =>
    queryWords(text)
      .filter((word) => word.length > 1 && !stop.has(word))
      .map(lightStem);
  const versions = synonymVariants(q, await loadSynonyms())
    .map(stems)
    .filter((words) => words.length);
  const key = ({ data }) => {
    const meta = data.meta || {};
    if (meta.kind !== "runbook" || !meta.symptoms) return 2;
    for (const symptom of meta.symptoms.split("\n")) {
      const held = new Set(stems(symptom));
      if (versions.some((words) => words.every((word) => held.has(word)))) {
        return meta.tier === "L1" ? 0 : 1;
      }
    }
    return 2;
  };
  const keyed = found.map((result) => ({ result, key: key(result) }));
  keyed.sort((a, b) => a.key - b.key || a.result.order - b.result.order);
  return keyed.map(({ result }) => result);
}

/** Misspelt words of `q` (not among the knowledge base's words) → the word meant. */
async function corrections(search, q) {
  const vocabulary = await loadVocabulary(siteRoot());
  const fixes = new Map();
  for (const word of new Set(queryWords(q))) {
    const fix = closestWord(word, vocabulary);
    const unknown = fix && (vocabulary.complete || !(await search.search(word)).results.length);
    if (unknown) fixes.set(word, fix);
  }
  return fixes;
}

/** Pages holding some of the words of `q`: the most words first, then the best score. */
async function anyWord(search, q, options) {
  const found = new Map(); // result id → { result, words, score }
  for (const word of new Set(queryWords(q))) {
    for (const result of (await search.search(word, options)).results) {
      const seen = found.get(result.id) || { result, words: 0, score: 0 };
      seen.words += 1;
      seen.score = Math.max(seen.score, result.score);
      found.set(result.id, seen);
    }
  }
  const ranked = [...found.values()].sort((a, b) => b.words - a.words || b.score - a.score);
  return ranked.map((seen) => seen.result);
}

function showSuggestion(corrected, shown) {
  suggestionLine.replaceChildren();
  if (!corrected) return;
  const link = element("a", "opskb-search-suggested", corrected);
  const address = new URLSearchParams(window.location.search);
  address.set("q", corrected);
  link.href = "?" + address.toString();
  link.addEventListener("click", (event) => {
    event.preventDefault();
    form.elements.q.value = corrected;
    writeAddress();
    run().catch(failed);
  });
  suggestionLine.append("Did you mean ", link, shown ? "? Showing its results." : "?");
}

let generation = 0;
async function run() {
  const mine = ++generation;
  const q = form.elements.q.value.trim();
  const facets = FILTERS.filter((n) => form.elements[n].value).map(
    (n) => `${n}=${form.elements[n].value}`,
  );
  if (!q && facets.length === 0) {
    list.replaceChildren();
    showSuggestion("", false);
    statusLine.textContent = "Type what the caller says, or pick a tier, system or kind.";
    return;
  }
  statusLine.textContent = "Searching…";
  const search = await engine();
  const options = facets.length ? { filters: { facet: { all: facets } } } : {};
  let results = await everyWord(search, q, options);
  let corrected = "";
  let note = "";
  let searched = q;
  if (q) {
    const fixes = await corrections(search, q);
    corrected = fixes.size ? queryWords(q).map((w) => fixes.get(w) || w).join(" ") : "";
    if (corrected) {
      // a misspelt word matches nothing, so the query as typed found only the other words
      const fixed = await everyWord(search, corrected, options);
      if (fixed.length || results.length === 0) [results, searched] = [fixed, corrected];
    }
    if (results.length < FEW_RESULTS && queryWords(searched).length > 1) {
      // as in the terminal: few pages with every word are topped up with pages with some
      const ids = new Set(results.map((r) => r.id));
      const some = (await anyWord(search, searched, options)).filter((r) => !ids.has(r.id));
      if (results.length === 0 && some.length) note = SOME_WORDS + " ";
      results = results.concat(some);
    }
    if (mine !== generation) return;
    showSuggestion(corrected, searched !== q);
  } else {
    showSuggestion("", false);
  }
  if (mine !== generation) return; // a newer search has started
  const top = results.slice(0, REORDERED);
  let found = (await Promise.all(top.map((r) => r.data()))).map((data, order) => ({ data, order }));
  if (searched) found = await symptomsFirst(found, searched);
  if (mine !== generation) return;
  const data = found.slice(0, PAGE_SIZE).map((result) => result.data);
  const titles = shownTitles(data.map((d) => d.meta || {}));
  list.replaceChildren(...data.map((d, n) => resultItem(d, titles[n])));
  const count = results.length;
  statusLine.textContent =
    count === 0
      ? "No documents match. Try fewer words or another filter."
      : note +
        `${count} document${count === 1 ? "" : "s"}` +
        (count > data.length ? `, the first ${data.length} shown` : "");
}

let timer = 0;
function soon() {
  window.clearTimeout(timer);
  timer = window.setTimeout(() => {
    writeAddress();
    run().catch(failed);
  }, 150);
}

function failed(error) {
  statusLine.textContent = "Search is unavailable: the search index was not found.";
  console.warn("opskb search:", error);
}

function restoreAddress() {
  // Once the theme has started (it looks for ?q= as it starts), the address is ours again.
  window.setTimeout(writeAddress, 0);
}

if (form) {
  readAddress();
  if (document.readyState === "complete") restoreAddress();
  else window.addEventListener("load", restoreAddress, { once: true });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    writeAddress();
    run().catch(failed);
  });
  form.elements.q.addEventListener("input", soon);
  for (const name of FILTERS) form.elements[name].addEventListener("change", soon);
  run().catch(failed);
}
