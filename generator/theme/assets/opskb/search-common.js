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

/** Tier badge, kind and systems of a result, from the metadata the index stores. */
export function resultBadges(meta) {
  const badges = element("span", "opskb-search-badges");
  if (meta.tier) {
    const tier = /^L[1-4]$/.test(meta.tier) ? ` opskb-tier-${meta.tier.toLowerCase()}` : "";
    badges.append(element("span", "opskb-badge opskb-tier" + tier, meta.tier));
  }
  if (meta.kind) badges.append(element("span", "opskb-badge opskb-kind", meta.kind));
  if (meta.systems) badges.append(element("span", "opskb-search-systems", meta.systems));
  return badges;
}
