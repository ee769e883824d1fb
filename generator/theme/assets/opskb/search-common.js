// What the search page (search.js) and the header box (header-search.js) share:
// loading the Pagefind index lazily, and turning a result into page content.
// Titles, metadata and excerpts come from front matter, so they reach the page
// as text only: textContent, and excerpts rebuilt from text and <mark> elements.

const engines = new Map(); // site root → Pagefind module, loaded once per page

/**
 * Pagefind from <root>/pagefind/, imported on first use; root is an absolute URL.
 * A large site's index comes in parts (parts.json names the others): all are merged.
 */
export async function loadPagefind(root, excerptLength) {
  const key = root.href;
  if (!engines.has(key)) {
    const loading = (async () => {
      const bundle = new URL("pagefind/", root);
      const pagefind = await import(new URL("pagefind.js", bundle).href);
      await pagefind.options({ baseUrl: root.pathname, excerptLength });
      const listed = await fetch(new URL("parts.json", bundle));
      const parts = listed.ok ? await listed.json() : [];
      for (const part of parts) {
        await pagefind.mergeIndex(new URL(part, bundle).pathname, {
          baseUrl: root.pathname,
          excerptLength,
        });
      }
      return pagefind;
    })();
    engines.set(key, loading);
    loading.catch(() => engines.delete(key)); // let a later keystroke try again
  }
  return engines.get(key);
}

export function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Pagefind's excerpt is HTML with <mark> around matches; keep only text and marks. */
export function excerptNodes(excerpt) {
  const parsed = new DOMParser().parseFromString(excerpt || "", "text/html");
  const nodes = [];
  for (const child of parsed.body.childNodes) {
    if (child.nodeType === Node.ELEMENT_NODE && child.tagName === "MARK") {
      nodes.push(element("mark", "", child.textContent));
    } else {
      nodes.push(document.createTextNode(child.textContent));
    }
  }
  return nodes;
}

/** System ids (a list, or a string of ids apart) by name, where `names` knows them. */
export function systemNames(ids, names) {
  const list = Array.isArray(ids) ? ids : String(ids || "").split(/\s+/);
  return list.filter(Boolean).map((id) => (names && names.get(String(id))) || String(id));
}

/** Tier badge, kind and systems (by name) of a result, from the metadata the index stores. */
export function resultBadges(meta, names) {
  const badges = element("span", "opskb-search-badges");
  if (meta.tier) {
    const tier = /^L[1-4]$/.test(meta.tier) ? ` opskb-tier-${meta.tier.toLowerCase()}` : "";
    badges.append(element("span", "opskb-badge opskb-tier" + tier, meta.tier));
  }
  if (meta.kind) badges.append(element("span", "opskb-badge opskb-kind", meta.kind));
  if (meta.systems) {
    const shown = systemNames(meta.systems, names).join(", ");
    badges.append(element("span", "opskb-search-systems", shown));
  }
  return badges;
}

/** A page of the site at `url` (relative to `root`); only ever an address of the site. */
export function siteLink(url, root) {
  const address = new URL(String(url || ""), root);
  return address.origin === root.origin ? address.href : root.href;
}

/** What a live incident shows beside its title: its status, since when, its systems. */
export function liveBadges(incident, names) {
  const badges = element("span", "opskb-search-badges");
  const status = String(incident.status || "");
  const known = /^(open|monitoring)$/.test(status) ? ` opskb-istatus-${status}` : "";
  badges.append(element("span", "opskb-badge opskb-istatus" + known, `live · ${status}`));
  if (incident.started) {
    badges.append(element("span", "opskb-search-started", `since ${incident.started}`));
  }
  const systems = systemNames(incident.systems || [], names).join(", ");
  if (systems) badges.append(element("span", "opskb-search-systems", systems));
  return badges;
}

// "Did you mean": the knowledge base's words (pagefind/words.json, written with the index)
// and the rule the terminal uses (opskb/search/vocabulary.py): at most two edits (one for
// words of four letters or fewer), the fewest edits first, then a word the typed one leaves
// letters out of, then the word most documents use; stop words are never corrected.
const vocabularies = new Map(); // site root → { words, complete }

/** The site's vocabulary: `{ words: Map(word → documents), complete, stop: Set }`. */
export async function loadVocabulary(root) {
  const key = root.href;
  if (!vocabularies.has(key)) {
    const loading = fetch(new URL("pagefind/words.json", root))
      .then((response) => (response.ok ? response.json() : { words: [], documents: [] }))
      .then((data) => {
        const words = new Map(data.words.map((word, n) => [word, data.documents[n]]));
        // whole, a word it lacks is misspelt; else the index is asked too (search.js)
        return { words, complete: data.complete === true, stop: new Set(data.stop || []) };
      });
    vocabularies.set(key, loading);
    loading.catch(() => vocabularies.delete(key));
  }
  return vocabularies.get(key);
}

/** Edits (insert, delete, replace, swap two neighbours) from a to b, capped at limit + 1. */
export function editDistance(a, b, limit) {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let before = null;
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(current[j - 1] + 1, row[j] + 1, row[j - 1] + cost);
      if (before && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        current[j] = Math.min(current[j], before[j - 2] + 1);
      }
    }
    if (Math.min(...current) > limit) return limit + 1;
    before = row;
    row = current;
  }
  return Math.min(row[b.length], limit + 1);
}

/** Whether the list of numbers `a` sorts before `b`. */
function ranksBefore(a, b) {
  const n = a.findIndex((value, i) => value !== b[i]);
  return n >= 0 && a[n] < b[n];
}

/** Whether `word` is `candidate` with letters left out (its letters, in order). */
function lettersLeftOut(word, candidate) {
  let at = 0;
  for (const letter of word) {
    at = candidate.indexOf(letter, at) + 1;
    if (at === 0) return false;
  }
  return true;
}

/** The word of `vocabulary` ({ words, stop }) nearest `word`, or "" (a word it holds, or a
 * stop word, is never corrected). */
export function closestWord(word, vocabulary) {
  if (word.length < 3 || /^\d+$/.test(word) || vocabulary.words.has(word)) return "";
  if (vocabulary.stop.has(word)) return "";
  const limit = word.length <= 4 ? 1 : 2;
  let best = null;
  for (const [candidate, documents] of vocabulary.words) {
    const distance = editDistance(word, candidate, limit);
    if (distance > limit) continue;
    const key = [distance, lettersLeftOut(word, candidate) ? 0 : 1, -documents];
    // the vocabulary is in A–Z order, so a tie keeps the first word
    if (!best || ranksBefore(key, best.key)) best = { word: candidate, key };
  }
  return best ? best.word : "";
}

/** The query's words, lower case, as the terminal splits them. */
export function queryWords(query) {
  return query.toLowerCase().match(/[\p{L}\p{N}]+(?:['-][\p{L}\p{N}]+)*/gu) || [];
}

/** A result's title, with its folder when another shown result has the same title. */
export function shownTitles(metas) {
  const counts = new Map();
  for (const meta of metas) {
    const title = (meta.title || "").toLowerCase();
    counts.set(title, (counts.get(title) || 0) + 1);
  }
  return metas.map((meta) => {
    const repeated = counts.get((meta.title || "").toLowerCase()) > 1;
    return repeated && meta.folder ? `${meta.title} (${meta.folder})` : meta.title;
  });
}
