// The search box in the header: a plain form that submits to the search page
// (search/?q=…), so Enter works with no JavaScript at all. With JavaScript, a
// dropdown shows the best matches as the user types, found as the search page
// finds them (search-ranking.js: synonyms, "did you mean", pages with some words,
// symptoms and L1 first, live incidents of the query's systems above all); the
// arrow keys move through them and "/" focuses the box from anywhere on the page.
// Pagefind is imported on first use only: most page views never search.

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

const SHOWN = 8;
const DEBOUNCE_MS = 120;

const box = document.querySelector(".opskb-hsearch");
const form = box?.querySelector("form");
const input = form?.elements.q;
const panel = box?.querySelector(".opskb-hsearch__panel");
const list = panel?.querySelector(".opskb-hsearch__list");
const toggle = document.getElementById("__search"); // Material's checkbox: box open/closed

// Resolved once: with instant navigation the header outlives the page it came with.
const root = form ? new URL(form.dataset.root || "./", window.location.href) : null;
const searchPage = form ? new URL(form.getAttribute("action"), window.location.href) : null;
if (form) form.action = searchPage.href;

function engine() {
  return loadPagefind(root, 14);
}

function searchAddress(q) {
  const address = new URL(searchPage);
  address.search = new URLSearchParams({ q }).toString();
  return address.href;
}

/** The search page's own form, when the current page is the search page. */
function pageForm() {
  return document.getElementById("opskb-search");
}

function options() {
  return Array.from(list.querySelectorAll("[role=option]"));
}

function setOpen(open) {
  if (toggle) toggle.checked = open;
  if (!open) showPanel(false);
}

function showPanel(shown) {
  panel.hidden = !shown;
  input.setAttribute("aria-expanded", String(shown));
  if (!shown) select(-1);
}

let active = -1;
function select(index) {
  const all = options();
  active = all.length ? Math.max(-1, Math.min(index, all.length - 1)) : -1;
  all.forEach((option, i) => option.setAttribute("aria-selected", String(i === active)));
  if (active >= 0) {
    input.setAttribute("aria-activedescendant", all[active].id);
    all[active].scrollIntoView({ block: "nearest" });
  } else {
    input.removeAttribute("aria-activedescendant");
  }
}

function option(id, link) {
  const item = element("li", "opskb-hsearch__option");
  item.id = id;
  item.setAttribute("role", "option");
  item.setAttribute("aria-selected", "false");
  item.append(link);
  return item;
}

function resultOption(data, index, title, names) {
  const meta = data.meta || {};
  const link = element("a", "opskb-hsearch__link");
  link.href = data.url;
  link.tabIndex = -1;
  const head = element("span", "opskb-hsearch__head");
  head.append(element("span", "opskb-hsearch__title", title || data.url), resultBadges(meta, names));
  const excerpt = element("span", "opskb-hsearch__excerpt");
  excerpt.append(...excerptNodes(data.excerpt));
  link.append(head, excerpt);
  return option(`opskb-hsearch-${index}`, link);
}

function liveOption(incident, index, names) {
  const link = element("a", "opskb-hsearch__link opskb-hsearch__live");
  link.href = siteLink(incident.url, root);
  link.tabIndex = -1;
  const head = element("span", "opskb-hsearch__head");
  const title = String(incident.title || incident.url);
  head.append(element("span", "opskb-hsearch__title", title), liveBadges(incident, names));
  link.append(head);
  return option(`opskb-hsearch-live-${index}`, link);
}

function suggestionOption(corrected, shown) {
  const link = element("a", "opskb-hsearch__link opskb-hsearch__suggestion");
  link.href = searchAddress(corrected);
  link.tabIndex = -1;
  link.append("Did you mean ", element("strong", "", corrected), shown ? "? Showing its results." : "?");
  return option("opskb-hsearch-suggestion", link);
}

function allResultsOption(q) {
  const link = element("a", "opskb-hsearch__link opskb-hsearch__all", `All results for “${q}”`);
  link.href = searchAddress(q);
  link.tabIndex = -1;
  return option("opskb-hsearch-all", link);
}

function note(text) {
  return element("li", "opskb-hsearch__note", text);
}

let generation = 0;
async function run() {
  const mine = ++generation;
  const q = input.value.trim();
  if (!q || pageForm()) {
    list.replaceChildren();
    showPanel(false);
    return;
  }
  const search = await engine();
  const stale = () => mine !== generation; // a newer keystroke has started a search
  const found = await forgivingSearch(search, root, q, [], stale);
  if (stale()) return;
  const data = found.data.slice(0, SHOWN);
  const titles = shownTitles(data.map((d) => d.meta || {}));
  const items = found.live.map((incident, n) => liveOption(incident, n, found.names));
  if (found.corrected) items.push(suggestionOption(found.corrected, found.searched !== q));
  if (found.someWords) items.push(note("No page has every word; showing pages with some."));
  items.push(...data.map((d, n) => resultOption(d, n, titles[n], found.names)));
  if (!data.length) items.push(note("No documents match."));
  list.replaceChildren(...items, allResultsOption(q));
  select(-1);
  showPanel(document.activeElement === input);
}

function failed(error) {
  list.replaceChildren(note("Search is unavailable: the search index was not found."));
  showPanel(true);
  console.warn("opskb header search:", error);
}

let timer = 0;
function soon() {
  window.clearTimeout(timer);
  timer = window.setTimeout(() => run().catch(failed), DEBOUNCE_MS);
}

function submitToSearchPage(event) {
  const own = pageForm();
  if (!own) return; // the browser submits to search/?q=…
  event.preventDefault();
  own.elements.q.value = input.value;
  own.requestSubmit();
  setOpen(false);
  input.blur();
}

function onKeydown(event) {
  if (event.isComposing) return;
  switch (event.key) {
    case "ArrowDown":
    case "ArrowUp":
      if (panel.hidden) return;
      event.preventDefault();
      select(active + (event.key === "ArrowDown" ? 1 : -1));
      break;
    case "Enter":
      if (!panel.hidden && active >= 0) {
        event.preventDefault();
        const link = options()[active].querySelector("a");
        setOpen(false);
        link.click(); // a click, so the theme's instant navigation can take it
      }
      break;
    case "Escape":
      event.preventDefault();
      setOpen(false);
      input.blur();
      break;
  }
}

function typingInto(target) {
  return (
    target instanceof HTMLElement &&
    (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))
  );
}

function onGlobalKeydown(event) {
  if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
  if (event.defaultPrevented || typingInto(event.target)) return;
  event.preventDefault();
  input.focus();
  input.select();
}

if (form && input && panel && list) {
  input.addEventListener("focus", () => {
    setOpen(true);
    if (pageForm()) return; // the search page runs its own searches (search.js)
    engine().catch(() => {}); // start loading the index while the user types
    if (input.value.trim() && list.childElementCount) showPanel(true);
  });
  input.addEventListener("input", soon);
  input.addEventListener("keydown", onKeydown);
  form.addEventListener("submit", submitToSearchPage);
  box.addEventListener("focusout", (event) => {
    // Tabbing to something else closes the box; a tap on empty space does not.
    if (event.relatedTarget && !box.contains(event.relatedTarget)) setOpen(false);
  });
  list.addEventListener("mousemove", (event) => {
    const hovered = event.target.closest("[role=option]");
    if (hovered) select(options().indexOf(hovered));
  });
  list.addEventListener("click", (event) => {
    if (event.target.closest("a")) setOpen(false);
  });
  toggle?.addEventListener("change", () => {
    // The magnifier button on small screens, or a click on the dimmed page.
    if (toggle.checked) input.focus();
    else {
      showPanel(false);
      input.blur();
    }
  });
  document.addEventListener("keydown", onGlobalKeydown);
}
