"""The page an offline copy is (``offline.py`` fills it): its template, style and script.

Inline, all of them: the file opens from ``file://`` and asks for nothing outside itself.
"""

__all__ = ["SCRIPT", "STYLE", "TEMPLATE"]

STYLE = """
:root{color-scheme:light dark;--fg:#1b1b1f;--bg:#fff;--muted:#52525b;--line:#d4d4d8;
--accent:#283593;--card:#fff7ed;--cardline:#c2410c}
@media (prefers-color-scheme:dark){:root{--fg:#e4e4e7;--bg:#18181b;--muted:#a1a1aa;
--line:#3f3f46;--accent:#9fa8da;--card:#2a1d12;--cardline:#fb923c}}
*{box-sizing:border-box}body{margin:0 auto;max-width:60rem;padding:1rem;font:16px/1.5
system-ui,sans-serif;color:var(--fg);background:var(--bg)}a{color:var(--accent);
text-decoration:underline}code,pre{font-family:ui-monospace,monospace;font-size:.9em}
pre{overflow-x:auto;padding:.75rem;border:1px solid var(--line);border-radius:4px;
break-inside:avoid}table{border-collapse:collapse;width:100%}th,td{border:1px solid
var(--line);padding:.3rem .5rem;text-align:left;vertical-align:top}header{border-bottom:2px
solid var(--accent);margin-bottom:1rem}.offline-note{color:var(--muted)}
.offline-runbook{border-top:1px solid var(--line);padding-top:1rem;margin-top:2rem}
.opskb-escalate{background:var(--card);border-left:4px solid var(--cardline);
padding:.5rem 1rem}.opskb-badge,.opskb-chip,.opskb-tag{display:inline-block;
border:1px solid var(--line);border-radius:3px;padding:0 .3rem;margin-right:.2rem;
font-size:.85em}.opskb-facts{font-size:.9em;color:var(--muted)}.opskb-fact{margin-right:1rem}
#offline-filter{width:100%;font-size:1rem;padding:.5rem;border:2px solid var(--accent);
border-radius:4px;background:var(--bg);color:var(--fg)}#offline-filter:focus{outline:3px
solid var(--cardline);outline-offset:2px}svg{max-width:none}.offline-scroll{overflow-x:auto}
[hidden]{display:none!important}
@media print{#offline-search,nav.offline-contents{display:none}.offline-runbook{
break-before:page}a{color:inherit}@page{@bottom-right{content:counter(page)}}}
"""

SCRIPT = """
(function () {
  var box = document.getElementById("offline-filter");
  var status = document.getElementById("offline-status");
  var sections = Array.prototype.slice.call(document.querySelectorAll(".offline-runbook"));
  var items = Array.prototype.slice.call(document.querySelectorAll("nav.offline-contents li"));
  var texts = sections.map(function (s) { return s.textContent.toLowerCase(); });
  box.hidden = false;
  document.getElementById("offline-search").hidden = false;
  box.addEventListener("input", function () {
    var words = box.value.toLowerCase().split(/\\s+/).filter(Boolean);
    var shown = 0;
    sections.forEach(function (section, i) {
      var match = words.every(function (w) { return texts[i].indexOf(w) >= 0; });
      section.hidden = !match;
      if (items[i]) { items[i].hidden = !match; }
      if (match) { shown += 1; }
    });
    status.textContent = words.length ? shown + " of " + sections.length + " runbooks match" : "";
  });
})();
"""

TEMPLATE = """<!doctype html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{style}</style>
</head>
<body>
<header>
<h1>{site_name}: {tier} runbooks</h1>
<p class="offline-note">Offline copy, built {built}: {count} runbooks and the escalation matrix. \
It may be out of date: when the site is back, use <a href="{hosted}">the site</a>.</p>
</header>
<div id="offline-search" role="search" hidden>
<label for="offline-filter">Filter runbooks (symptom, system, words of a step)</label>
<input id="offline-filter" type="search" autocomplete="off" hidden>
<p id="offline-status" role="status" aria-live="polite"></p>
</div>
<nav class="offline-contents" aria-label="Runbooks in this copy">
<h2>Runbooks</h2>
<ol>
{contents}
</ol>
<p><a href="#matrix-top">Escalation matrix and contacts</a></p>
</nav>
<main>
{sections}
<section class="offline-matrix" id="matrix-top">
<div class="offline-scroll">{matrix}</div>
</section>
</main>
<script>{script}</script>
</body>
</html>
"""
