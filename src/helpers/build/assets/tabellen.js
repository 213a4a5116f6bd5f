// Sortable tables (progressive enhancement): the column headers of larger tables become buttons
// that sort the rows; the header cell states the order in aria-sort. Without JavaScript, and in
// PDF and DOCX, the tables stay as they are. German numbers ("13.036", "12,5 %", "−1,2 Pp.")
// sort as numbers; "•" (suppressed) and "–" (no value) sort last; total rows ("Gesamtstadt",
// written in bold) stay at the end.
// A table wider than the page column scrolls sideways in its wrapper (phones, long tables);
// while it does, the wrapper is a named region that takes keyboard focus, so it can be
// scrolled with the arrow keys (WCAG 2.1.1; axe rule scrollable-region-focusable).
(function () {
  "use strict";
  var MINDESTZEILEN = 5;

  function zahl(text) {
    var t = text.replace(/\u2212/g, "-").replace(/\s/g, "");
    var m = t.match(/^[+-]?\d{1,3}(?:\.\d{3})*(?:,\d+)?|^[+-]?\d+(?:,\d+)?/);
    if (!m || m[0] === "" || m[0] === "+" || m[0] === "-") return null;
    return parseFloat(m[0].replace(/\./g, "").replace(",", "."));
  }

  function zellentext(zeile, spalte) {
    var zelle = zeile.cells[spalte];
    return zelle ? zelle.textContent.trim() : "";
  }

  function summenzeile(zeile) {
    var erste = zeile.cells[0];
    if (!erste) return false;
    var fett = erste.querySelector("strong, b");
    return !!fett && fett.textContent.trim() === erste.textContent.trim() && erste.textContent.trim() !== "";
  }

  function vergleiche(spalte, richtung) {
    return function (a, b) {
      var ta = zellentext(a, spalte), tb = zellentext(b, spalte);
      var za = zahl(ta), zb = zahl(tb);
      var leerA = za === null && /^[•–\-]?$/.test(ta), leerB = zb === null && /^[•–\-]?$/.test(tb);
      if (leerA !== leerB) return leerA ? 1 : -1;  // no value: always last
      var erg;
      if (za !== null && zb !== null) erg = za - zb;
      else erg = ta.localeCompare(tb, "de", { numeric: true, sensitivity: "base" });
      return erg * richtung;
    };
  }

  function sortiere(tabelle, spalte, kopf) {
    var koerper = tabelle.tBodies[0];
    var alt = kopf.getAttribute("aria-sort");
    var richtung = alt === "ascending" ? -1 : 1;
    var zeilen = Array.prototype.slice.call(koerper.rows);
    var summen = zeilen.filter(summenzeile);
    var daten = zeilen.filter(function (z) { return !summenzeile(z); });
    // Array.prototype.sort is stable: equal values keep the original order.
    daten.sort(vergleiche(spalte, richtung));
    daten.concat(summen).forEach(function (z) { koerper.appendChild(z); });
    Array.prototype.forEach.call(tabelle.tHead.rows[0].cells, function (th) { th.removeAttribute("aria-sort"); });
    kopf.setAttribute("aria-sort", richtung === 1 ? "ascending" : "descending");
  }

  function geeignet(tabelle) {
    if (!tabelle.tHead || tabelle.tHead.rows.length !== 1 || tabelle.tBodies.length !== 1) return false;
    if (tabelle.tBodies[0].rows.length < MINDESTZEILEN) return false;
    var spalten = tabelle.tHead.rows[0].cells.length;
    return Array.prototype.every.call(tabelle.querySelectorAll("th, td"), function (z) {
      return z.colSpan === 1 && z.rowSpan === 1;
    }) && Array.prototype.every.call(tabelle.tBodies[0].rows, function (z) { return z.cells.length === spalten; });
  }

  function einrichten(tabelle) {
    Array.prototype.forEach.call(tabelle.tHead.rows[0].cells, function (th, spalte) {
      var knopf = document.createElement("button");
      knopf.type = "button";
      knopf.className = "sortieren";
      while (th.firstChild) knopf.appendChild(th.firstChild);
      var hinweis = document.createElement("span");
      hinweis.className = "nur-vorlesen";
      hinweis.textContent = " (sortieren)";
      knopf.appendChild(hinweis);
      th.appendChild(knopf);
      knopf.addEventListener("click", function () { sortiere(tabelle, spalte, th); });
    });
    tabelle.classList.add("sortierbar");
  }

  var ohneId = 0;

  function scrollbereich(huelle, tabelle) {
    var scrollt = huelle.scrollWidth > huelle.clientWidth + 1;
    var markiert = huelle.hasAttribute("data-scrollbereich");
    if (scrollt && !markiert && !huelle.hasAttribute("tabindex")) {
      huelle.setAttribute("data-scrollbereich", "");
      huelle.setAttribute("tabindex", "0");
      huelle.setAttribute("role", "region");
      if (tabelle.caption) {
        if (!tabelle.caption.id) tabelle.caption.id = (huelle.id || "tabelle-" + (++ohneId)) + "-titel";
        huelle.setAttribute("aria-labelledby", tabelle.caption.id);
      } else {
        huelle.setAttribute("aria-label", "Tabelle");
      }
    } else if (!scrollt && markiert) {
      ["data-scrollbereich", "tabindex", "role", "aria-labelledby", "aria-label"].forEach(function (a) {
        huelle.removeAttribute(a);
      });
    }
  }

  function scrollbereiche() {
    Array.prototype.forEach.call(document.querySelectorAll("main table"), function (t) {
      var huelle = t.parentElement;
      if (huelle && huelle.tagName !== "MAIN" && /auto|scroll/.test(getComputedStyle(huelle).overflowX)) {
        scrollbereich(huelle, t);
      }
    });
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("main table"), function (t) {
      if (geeignet(t)) einrichten(t);
    });
    scrollbereiche();
    var geplant = false;
    window.addEventListener("resize", function () {
      if (geplant) return;
      geplant = true;
      window.requestAnimationFrame(function () { geplant = false; scrollbereiche(); });
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
