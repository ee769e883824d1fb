// The forgiving search both boxes run (search.js on the search page, header-search.js in
// the header), the terminal's rules (opskb/search/) on top of Pagefind: a team's synonyms,
// "did you mean" from the knowledge base's words, pages with some words when few have
// every word, runbooks whose symptoms hold the query first (L1 first), and the live
// incidents of the systems the query names, listed before everything else.

import { closestWord, loadVocabulary, queryWords } from "./search-common.js";

const FEW_RESULTS = 3; // fewer pages with every word than this are topped up with pages with some
const REORDERED = 50; // the top results put in order for symptoms (symptomsFirst)

/** A small JSON file of the search bundle (pagefind/NAME), fetched once per site root. */
const bundleFiles = new Map();
function bundleFile(root, name, empty) {
  const key = new URL(`pagefind/${name}`, root).href;
  if (!bundleFiles.has(key)) {
    const loading = fetch(key)
      .then((response) => (response.ok ? response.json() : empty))
      .catch(() => empty);
    bundleFiles.set(key, loading);
  }
  return bundleFiles.get(key);
}

/** The team's groups of phrases that mean the same (pagefind/synonyms.json). */
export function loadSynonyms(root) {
  return bundleFile(root, "synonyms.json", []);
}

/** Systems' names and their live incidents (pagefind/systems.json, search/live.py):
 * `{ names: Map(id → name), live: [{ url, title, status, started, systems, words }] }`. */
export async function loadSystems(root) {
  const data = await bundleFile(root, "systems.json", {});
  const names = data && typeof data.names === "object" ? data.names : {};
  return {
    names: new Map(Object.entries(names || {}).filter(([, v]) => typeof v === "string")),
    live: Array.isArray(data && data.live) ? data.live : [],
  };
}

/** `q`, then `q` with a phrase of a group it holds replaced by each other phrase of the
 * group (whole words), as the terminal does (search/synonyms.py). */
export function synonymVariants(q, groups) {
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

/** A word's stem, near enough to the terminal's (Snowball): "dropping", "dropped" and
 * "drops" are "drop"; "charge", "charged" and "charges" are "charg". */
export function lightStem(word) {
  let stem = word.replace(/'s$/, "");
  for (const end of ["ing", "ed", "es", "e", "s"]) {
    if (stem.length > end.length + 2 && stem.endsWith(end) && !stem.endsWith("s" + end)) {
      stem = stem.slice(0, -end.length);
      break;
    }
  }
  return /([b-df-hj-np-tv-z])\1$/.test(stem) ? stem.slice(0, -1) : stem;
}

/** The stems of the words of `text` that count (no stop words, no one-letter words). */
function stems(text, stop) {
  return queryWords(text)
    .filter((word) => word.length > 1 && !stop.has(word))
    .map(lightStem);
}

/** Pages holding every word of `q` or of one of its synonym versions, best score first. */
async function everyWord(search, q, options, groups) {
  const variants = q ? synonymVariants(q, groups) : [q];
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

/** Misspelt words of `q` (not among the knowledge base's words) → the word meant. */
async function corrections(search, q, vocabulary) {
  const fixes = new Map();
  for (const word of new Set(queryWords(q))) {
    const fix = closestWord(word, vocabulary);
    const unknown = fix && (vocabulary.complete || !(await search.search(word)).results.length);
    if (unknown) fixes.set(word, fix);
  }
  return fixes;
}

/** Results (`{ data, order }`) in the terminal's order (search/symptoms.py): runbooks with a
 * symptom holding every word of `q` (or of a synonym's version of it) first, L1 first among
 * them; the rest as they were. */
function symptomsFirst(found, q, groups, stop) {
  const versions = synonymVariants(q, groups)
    .map((version) => stems(version, stop))
    .filter((words) => words.length);
  const key = ({ data }) => {
    const meta = data.meta || {};
    if (meta.kind !== "runbook" || !meta.symptoms) return 2;
    for (const symptom of meta.symptoms.split("\n")) {
      const held = new Set(stems(symptom, stop));
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

/** The live incidents `q` is about (search/live.py): a word of the query (or of a synonym's
 * version of it) is a word of one of their systems or of their title. `facets` narrow them
 * by system and kind (not tier: an incident's tier is the highest engaged). */
function liveFor(q, live, groups, stop, facets) {
  const wanted = (name) =>
    facets.filter((f) => f.startsWith(name + "=")).map((f) => f.slice(name.length + 1));
  const kinds = wanted("kind");
  const systems = wanted("system");
  if (kinds.length && !kinds.includes("incident")) return [];
  const asked = new Set(synonymVariants(q, groups).flatMap((version) => stems(version, stop)));
  return live.filter(
    (incident) =>
      Array.isArray(incident.words) &&
      incident.words.some((word) => asked.has(lightStem(String(word)))) &&
      (!systems.length || (incident.systems || []).some((s) => systems.includes(s))),
  );
}

/**
 * Search `q` as the terminal does. `facets` are Pagefind filters ("tier=L1", …).
 * Returns `{ data, count, corrected, searched, someWords, live, names }`: `data` the page data
 * of the top results in order (live incidents left out of it), `count` how many pages match,
 * `corrected` the query with misspelt words replaced ("" when none), `searched` the query
 * the results are of, `someWords` whether no page holds every word, `live` the live
 * incidents first, `names` system id → name. `stale()` says a newer search has started.
 */
export async function forgivingSearch(search, root, q, facets, stale = () => false) {
  const [groups, vocabulary, systems] = await Promise.all([
    loadSynonyms(root),
    loadVocabulary(root),
    loadSystems(root),
  ]);
  const options = facets.length ? { filters: { facet: { all: facets } } } : {};
  let results = await everyWord(search, q, options, groups);
  let corrected = "";
  let someWords = false;
  let searched = q;
  if (q) {
    const fixes = await corrections(search, q, vocabulary);
    corrected = fixes.size ? queryWords(q).map((w) => fixes.get(w) || w).join(" ") : "";
    if (corrected) {
      // a misspelt word matches nothing, so the query as typed found only the other words
      const fixed = await everyWord(search, corrected, options, groups);
      if (fixed.length || results.length === 0) [results, searched] = [fixed, corrected];
    }
    if (results.length < FEW_RESULTS && queryWords(searched).length > 1) {
      // as in the terminal: few pages with every word are topped up with pages with some
      const ids = new Set(results.map((r) => r.id));
      const some = (await anyWord(search, searched, options)).filter((r) => !ids.has(r.id));
      someWords = results.length === 0 && some.length > 0;
      results = results.concat(some);
    }
  }
  const none = { data: [], count: 0, corrected, searched, someWords, live: [], names: systems.names };
  if (stale()) return none;
  const live = searched ? liveFor(searched, systems.live, groups, vocabulary.stop, facets) : [];
  const liveUrls = new Set(live.map((incident) => new URL(incident.url, root).pathname));
  const top = results.slice(0, REORDERED);
  let found = (await Promise.all(top.map((r) => r.data()))).map((data, order) => ({ data, order }));
  if (stale()) return none;
  if (searched) found = symptomsFirst(found, searched, groups, vocabulary.stop);
  // a live incident is listed once, above the results
  const listed = found.filter(({ data }) => !liveUrls.has(new URL(data.url, root).pathname));
  return {
    data: listed.map(({ data }) => data),
    count: results.length - (found.length - listed.length),
    corrected,
    searched,
    someWords,
    live,
    names: systems.names,
  };
}
