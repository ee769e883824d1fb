// The playbook's filter box: words typed hide the symptom rows and runbooks that do not
// hold every one of them (in a symptom, a title, a system's name or a contact), and the
// systems left with no runbook. Without this script the box stays hidden and all shows.
// It also opens a runbook's folded steps when a link (or the address) leads to it, and
// every runbook's steps while the page prints.
(() => {
  const box = document.querySelector(".opskb-pb-filter");
  const input = document.getElementById("opskb-pb-filter");
  const status = document.getElementById("opskb-pb-filter-status");
  const rows = [...document.querySelectorAll(".opskb-lookup tbody tr")];
  const entries = [...document.querySelectorAll(".opskb-pb-entry")];
  const sections = [...document.querySelectorAll(".opskb-pb-section")];

  const fold = (text) => text.toLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
  // what an entry is found by: its section's system and its own text, less its steps
  const entryText = (entry) => {
    const section = entry.closest(".opskb-pb-section");
    const heading = section ? section.querySelector("h2") : null;
    const copy = entry.cloneNode(true);
    copy.querySelectorAll(".opskb-pb-steps, .headerlink").forEach((n) => n.remove());
    return fold((heading ? heading.textContent : "") + " " + copy.textContent);
  };
  const runbooks = entries.filter((entry) => !entry.classList.contains("opskb-pb-also")).length;
  const texts = new Map(entries.map((entry) => [entry, entryText(entry)]));
  const rowTexts = new Map(rows.map((row) => [row, fold(row.textContent)]));

  const apply = () => {
    const words = fold(input.value).split(/\s+/).filter(Boolean);
    const matches = (text) => words.every((word) => text.includes(word));
    for (const row of rows) row.hidden = !matches(rowTexts.get(row));
    let shown = 0; // runbooks, not the "also used for" pointers to one
    for (const entry of entries) {
      entry.hidden = !matches(texts.get(entry));
      shown += entry.hidden || entry.classList.contains("opskb-pb-also") ? 0 : 1;
    }
    for (const section of sections) {
      section.hidden = !section.querySelector(".opskb-pb-entry:not([hidden])");
    }
    status.textContent = words.length
      ? `${shown} of ${runbooks} runbooks shown`
      : "";
  };

  if (box && input && status) {
    box.hidden = false;
    input.addEventListener("input", apply);
    input.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && input.value) {
        input.value = "";
        apply();
        event.preventDefault();
      }
    });
    apply(); // a value the browser kept from an earlier visit
  }

  const openTarget = () => {
    const id = decodeURIComponent(location.hash.slice(1));
    const heading = id && document.getElementById(id);
    const entry = heading && heading.closest(".opskb-pb-entry");
    const steps = entry && entry.querySelector("details.opskb-pb-steps");
    if (steps) steps.open = true;
  };
  window.addEventListener("hashchange", openTarget);
  openTarget();

  let closed = [];
  window.addEventListener("beforeprint", () => {
    closed = [...document.querySelectorAll("details.opskb-pb-steps:not([open])")];
    closed.forEach((details) => (details.open = true));
  });
  window.addEventListener("afterprint", () => {
    closed.forEach((details) => (details.open = false));
    closed = [];
  });
})();
