// Keeps the knowledge base readable when the network or the site is down: registers
// the site's service worker (opskb-sw.js, beside the home page), and shows a note
// while the browser is offline. The worker itself says which build its copy is from.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !("serviceWorker" in navigator)) {
    return;
  }
  var root = new URL("../../", script.src); // assets/opskb/offline.js → the site's root
  var note = null;
  function show(offline) {
    if (!offline) {
      if (note) { note.hidden = true; }
      return;
    }
    if (!note) {
      note = document.createElement("p");
      note.className = "opskb-offline-note";
      note.setAttribute("role", "status");
      document.body.insertBefore(note, document.body.firstChild);
    }
    note.textContent = "Offline: pages are shown as this browser saved them.";
    note.hidden = false;
  }
  window.addEventListener("offline", function () { show(true); });
  window.addEventListener("online", function () { show(false); });
  if (!navigator.onLine) { show(true); }
  navigator.serviceWorker.register(new URL("opskb-sw.js", root).href, { scope: root.href })
    .catch(function () { /* no worker (a file:// page, a private window): nothing to keep */ });
})();
