// The search page (search/): query and filters come from the address and go
// back into it, so a ticketing tool or a bookmark can link to results. Runs
// against the static Pagefind index in <site>/pagefind/; no server needed.
// Result text is put in the page as text only: titles and metadata through
// textContent, excerpts rebuilt from their text and <mark> elements.

import { element, excerptNodes, loadPagefind, resultBadges } from "./search-common.js";

const PAGE_SIZE = 25;
const FILTERS = ["tier", "system", "kind"];

const form = document.getElementById("opskb-search");
const statusLine = document.getElementById("opskb-search-status");
const list = document.getElementById("opskb-search-results");

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

function resultItem(data) {
  const meta = data.meta || {};
  const item = element("li", "opskb-search-result");
  const link = element("a", "opskb-search-title", meta.title || data.url);
  link.href = data.url;
  item.append(link);
  item.append(" ", resultBadges(meta));
  const excerpt = element("p", "opskb-search-excerpt");
  excerpt.append(...excerptNodes(data.excerpt));
  item.append(excerpt);
  return item;
}

function engine() {
  return loadPagefind(new URL(form.dataset.root || "../", window.location.href), 24);
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
    statusLine.textContent = "Type what the caller says, or pick a tier, system or kind.";
    return;
  }
  statusLine.textContent = "Searching…";
  const search = await engine();
  const options = facets.length ? { filters: { facet: { all: facets } } } : {};
  const found = await search.search(q || null, options);
  if (mine !== generation || !found) return; // a newer search has started
  const shown = found.results.slice(0, PAGE_SIZE);
  const data = await Promise.all(shown.map((r) => r.data()));
  if (mine !== generation) return;
  list.replaceChildren(...data.map(resultItem));
  const count = found.results.length;
  statusLine.textContent =
    count === 0
      ? "No documents match. Try fewer words or another filter."
      : `${count} document${count === 1 ? "" : "s"}` +
        (count > shown.length ? `, the first ${shown.length} shown` : "");
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
