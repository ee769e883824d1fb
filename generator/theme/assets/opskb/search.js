// The search page (search/): query and filters come from the address and go
// back into it, so a ticketing tool or a bookmark can link to results. Runs
// against the static Pagefind index in <site>/pagefind/; no server needed.
// Result text is put in the page as text only: titles and metadata through
// textContent, excerpts rebuilt from their text and <mark> elements.

import {
  element,
  excerptNodes,
  liveBadges,
  loadPagefind,
  resultBadges,
  shownTitles,
  siteLink,
} from "./search-common.js";
import { forgivingSearch } from "./search-ranking.js";

const PAGE_SIZE = 25;
const FILTERS = ["tier", "system", "kind"];

const form = document.getElementById("opskb-search");
const statusLine = document.getElementById("opskb-search-status");
const list = document.getElementById("opskb-search-results");
const liveList = document.getElementById("opskb-search-live");
const suggestionLine = document.getElementById("opskb-search-suggestion");
const SOME_WORDS = "No page has every word; showing pages with some.";

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

function resultItem(data, title, names) {
  const meta = data.meta || {};
  const item = element("li", "opskb-search-result");
  const link = element("a", "opskb-search-title", title || data.url);
  link.href = data.url;
  item.append(link);
  item.append(" ", resultBadges(meta, names));
  const excerpt = element("p", "opskb-search-excerpt");
  excerpt.append(...excerptNodes(data.excerpt));
  item.append(excerpt);
  return item;
}

function liveItem(incident, names) {
  const item = element("li", "opskb-search-result opskb-search-live__item");
  const link = element("a", "opskb-search-title", String(incident.title || incident.url));
  link.href = siteLink(incident.url, siteRoot());
  item.append(link, " ", liveBadges(incident, names));
  return item;
}

function siteRoot() {
  return new URL(form.dataset.root || "../", window.location.href);
}

function engine() {
  return loadPagefind(siteRoot(), 24);
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
    showLive([], null);
    showSuggestion("", false);
    statusLine.textContent = "Type what the caller says, or pick a tier, system or kind.";
    return;
  }
  statusLine.textContent = "Searching…";
  const search = await engine();
  const found = await forgivingSearch(search, siteRoot(), q, facets, () => mine !== generation);
  if (mine !== generation) return; // a newer search has started
  showSuggestion(found.corrected, found.searched !== q);
  showLive(found.live, found.names);
  const data = found.data.slice(0, PAGE_SIZE);
  const titles = shownTitles(data.map((d) => d.meta || {}));
  list.replaceChildren(...data.map((d, n) => resultItem(d, titles[n], found.names)));
  const count = found.count;
  const note = found.someWords ? SOME_WORDS + " " : "";
  const live = found.live.length
    ? ` ${found.live.length} live incident${found.live.length === 1 ? "" : "s"} listed first.`
    : "";
  statusLine.textContent =
    (count === 0
      ? "No documents match. Try fewer words or another filter."
      : note +
        `${count} document${count === 1 ? "" : "s"}` +
        (count > data.length ? `, the first ${data.length} shown` : "")) + live;
}

function showLive(live, names) {
  if (!liveList) return;
  liveList.replaceChildren(...live.map((incident) => liveItem(incident, names)));
  liveList.hidden = live.length === 0;
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
