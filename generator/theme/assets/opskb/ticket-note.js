// Runbook pages: "Copy ticket note", and the caller's user name filled into the page's
// commands. Both are extras over a page that reads the same without JavaScript: the
// note is shown as text and the commands show the <username> placeholder.
// The name is user input: it only ever goes into the page as text (textContent).

const PLACEHOLDER = "<username>";
const originals = new WeakMap(); // element → its HTML as built, before any name was filled in

function copyText(text) {
  if (navigator.clipboard && window.isSecureContext) {
    return navigator.clipboard.writeText(text);
  }
  const area = document.createElement("textarea"); // file:// and plain http
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.append(area);
  area.select();
  const done = document.execCommand("copy");
  area.remove();
  return done ? Promise.resolve() : Promise.reject(new Error("copy refused"));
}

function withPlaceholder(scope) {
  const found = [];
  for (const node of scope.querySelectorAll("code, .opskb-ticket-note__text")) {
    if (node.closest(".opskb-caller")) continue; // the field's own label names the placeholder
    if (!originals.has(node) && node.textContent.includes(PLACEHOLDER)) {
      originals.set(node, { html: node.innerHTML, text: node.textContent });
    }
    if (originals.has(node)) found.push(node);
  }
  return found;
}

function fillName(nodes, name) {
  for (const node of nodes) {
    const original = originals.get(node);
    if (name) node.textContent = original.text.split(PLACEHOLDER).join(name);
    else node.innerHTML = original.html; // back to the page as built, highlighting and all
  }
}

function setUp() {
  const scope = document.querySelector("article") || document.body;
  for (const button of scope.querySelectorAll("[data-opskb-copy]")) {
    if (button.dataset.opskbReady) continue;
    button.dataset.opskbReady = "1";
    button.hidden = false;
    const status = button.parentElement.querySelector(".opskb-ticket-note__status");
    button.addEventListener("click", () => {
      const note = document.getElementById(button.dataset.opskbCopy);
      copyText(note ? note.textContent : "").then(
        () => { if (status) status.textContent = "Copied to the clipboard"; },
        () => { if (status) status.textContent = "Could not copy: select the note and copy it"; },
      );
    });
  }
  const field = scope.querySelector(".opskb-caller");
  const input = field?.querySelector("input");
  if (input && !input.dataset.opskbReady) {
    input.dataset.opskbReady = "1";
    field.hidden = false;
    const nodes = withPlaceholder(scope);
    const update = () => fillName(nodes, input.value.trim());
    input.addEventListener("input", update);
    if (input.value) update(); // a value the browser kept on going back
  }
}

if (window.document$ && typeof window.document$.subscribe === "function") {
  window.document$.subscribe(setUp); // instant navigation: every page it shows
} else if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", setUp);
} else {
  setUp();
}
