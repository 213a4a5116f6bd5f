// Offline full-text search over window.SUCHINDEX (written by the build into suchindex.js).
// Every word of the query must occur in a section (title or text); title hits rank first.
(function () {
  "use strict";
  var feld = document.getElementById("suchfeld");
  var liste = document.getElementById("suchergebnisse");
  var wurzel = document.body.getAttribute("data-root") || "";
  if (!feld || !liste) return;

  function normal(text) {
    return text.toLowerCase().normalize("NFC");
  }

  var eintraege = (window.SUCHINDEX || []).map(function (e) {
    return { e: e, titel: normal(e.titel), text: normal(e.text) };
  });

  function ausschnitt(text, wort) {
    var i = normal(text).indexOf(wort);
    var start = Math.max(0, i - 60);
    return (start > 0 ? "… " : "") + text.slice(start, start + 180) + (start + 180 < text.length ? " …" : "");
  }

  function suche(anfrage) {
    var woerter = normal(anfrage).split(/\s+/).filter(function (w) { return w.length > 1; });
    if (!woerter.length) return [];
    var treffer = [];
    eintraege.forEach(function (x) {
      var punkte = 0;
      for (var i = 0; i < woerter.length; i++) {
        var imTitel = x.titel.indexOf(woerter[i]) >= 0;
        if (!imTitel && x.text.indexOf(woerter[i]) < 0) return;
        punkte += imTitel ? 10 : 1;
      }
      treffer.push({ x: x, punkte: punkte });
    });
    treffer.sort(function (a, b) { return b.punkte - a.punkte; });
    return treffer.slice(0, 20).map(function (t) { return { e: t.x.e, wort: woerter[0] }; });
  }

  function zeige(treffer, anfrage) {
    liste.innerHTML = "";
    if (!anfrage.trim()) return;
    var kopf = document.createElement("p");
    kopf.className = "anzahl";
    kopf.textContent = treffer.length ? treffer.length + " Treffer" : "Keine Treffer";
    liste.appendChild(kopf);
    var ul = document.createElement("ul");
    treffer.forEach(function (t) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = wurzel + t.e.href;
      var titel = document.createElement("strong");
      titel.textContent = t.e.titel;
      var kapitel = document.createElement("span");
      kapitel.className = "kapitel";
      kapitel.textContent = t.e.kapitel;
      var text = document.createElement("span");
      text.className = "ausschnitt";
      text.textContent = ausschnitt(t.e.text, t.wort);
      a.appendChild(titel);
      a.appendChild(kapitel);
      a.appendChild(text);
      li.appendChild(a);
      ul.appendChild(li);
    });
    liste.appendChild(ul);
  }

  feld.addEventListener("input", function () { zeige(suche(feld.value), feld.value); });
  feld.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape") { feld.value = ""; zeige([], ""); }
    if (ev.key === "Enter") {
      var erster = liste.querySelector("a");
      if (erster) { window.location.href = erster.href; }
    }
  });
})();
