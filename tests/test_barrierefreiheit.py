"""Automated accessibility checks of the HTML book (BITV 2.0 / WCAG 2.1 AA, issue 6).

Over every page of a build: images with alt text, no empty links, ``<html lang="de">``,
one ``h1`` per page and no skipped heading levels. Over the stylesheet: every text colour
reaches 4.5:1 on every background it can stand on, computed from the CSS variables. The
chart text colours of ``helpers.grafik`` reach 4.5:1 on white. In headless Chromium
(``tests/a11y.py``; skipped without it, but failing in CI): the sortable-table script, and an
axe-core audit of every page of the fixture book and of the real book with no serious or
critical violation.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
import a11y
from a11y import Violation, audit, require_browser, serious

from helpers import grafik
from helpers.build.book import Chapter
from helpers.build.config import ChapterEntry
from helpers.build.html import ASSETS, page_toc
from helpers.build.markdown import Attributes, Heading

FIXTURE = Path(__file__).resolve().parent / "buchtest"
CSS = ASSETS / "sozialbericht.css"
AA = 4.5


# --- reading pages ----------------------------------------------------------------------------

class Seite(HTMLParser):
    """What the checks need from one page: language, images, links with their text, headings."""

    def __init__(self):
        super().__init__()
        self.lang = None
        self.images: list[dict] = []
        self.links: list[dict] = []          # attrs + text inside
        self.headings: list[tuple[int, str]] = []
        self._open_links: list[dict] = []
        self._heading: list | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        elif tag == "img":
            self.images.append(attrs)
            for link in self._open_links:   # an image with alt text names its link
                link["text"] += attrs.get("alt") or ""
        elif tag == "a":
            self._open_links.append({**attrs, "text": ""})
        elif re.fullmatch(r"h[1-6]", tag):
            self._heading = [int(tag[1]), ""]

    def handle_endtag(self, tag):
        if tag == "a" and self._open_links:
            self.links.append(self._open_links.pop())
        elif re.fullmatch(r"h[1-6]", tag) and self._heading:
            self.headings.append((self._heading[0], " ".join(self._heading[1].split())))
            self._heading = None

    def handle_data(self, data):
        for link in self._open_links:
            link["text"] += data
        if self._heading is not None:
            self._heading[1] += data


def lies(path: Path) -> Seite:
    seite = Seite()
    seite.feed(path.read_text(encoding="utf-8"))
    return seite


def probleme(out: Path) -> list[str]:
    """Every accessibility problem of the HTML pages in ``out``, one line each."""
    found = []
    pages = sorted(out.rglob("*.html"))
    assert pages, f"keine HTML-Seiten in {out}"
    for page in pages:
        name = page.relative_to(out).as_posix()
        seite = lies(page)
        if seite.lang != "de":
            found.append(f"{name}: <html lang> ist {seite.lang!r}, nicht 'de'")
        for image in seite.images:
            if not (image.get("alt") or "").strip():
                found.append(f"{name}: Bild ohne Alternativtext: {image.get('src')}")
        for link in seite.links:
            if not link["text"].strip() and not (link.get("aria-label") or "").strip():
                found.append(f"{name}: leerer Link auf {link.get('href')}")
        found += [f"{name}: {p}" for p in heading_problems(seite.headings)]
    return found


def heading_problems(headings: list[tuple[int, str]]) -> list[str]:
    """Exactly one h1, first; no level deeper than one below the previous heading."""
    found = []
    h1 = [text for level, text in headings if level == 1]
    if len(h1) != 1:
        found.append(f"{len(h1)} Überschriften h1 ({h1[:3]})")
    if headings and headings[0][0] != 1:
        found.append(f"die erste Überschrift ist h{headings[0][0]}: {headings[0][1]}")
    for (before, _), (level, text) in zip(headings, headings[1:]):
        if level > before + 1:
            found.append(f"Ebene übersprungen: h{before} → h{level} „{text}“")
    return found


@pytest.fixture(scope="module")
def html_buch(tmp_path_factory) -> Path:
    """The fixture book's HTML (python build)."""
    root = tmp_path_factory.mktemp("barrierefrei") / "buchtest"
    shutil.copytree(FIXTURE, root, ignore=shutil.ignore_patterns("_book*", ".cache"))
    result = subprocess.run([sys.executable, "-m", "helpers.build", "--engine", "python", "--output",
                             str(root / "ausgabe")], cwd=root, capture_output=True, text=True,
                            env={**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}, timeout=1800)
    assert result.returncode == 0, result.stderr[-4000:]
    return root / "ausgabe"


# --- the HTML pages ---------------------------------------------------------------------------

def test_fixture_book_html_is_accessible(html_buch):
    assert probleme(html_buch) == []


def test_check_finds_what_it_looks_for(tmp_path):
    """The checker itself: each kind of defect is reported."""
    (tmp_path / "schlecht.html").write_text(
        '<!DOCTYPE html><html lang="en"><body><h1>A</h1><h3>B</h3><h1>C</h1>'
        '<img src="x.png"><img src="y.png" alt=" "><a href="z.html"></a><a href="#"><img src="i.png" alt="Start"></a>'
        '<a href="w.html" aria-label="Weiter"></a></body></html>', encoding="utf-8")
    found = probleme(tmp_path)
    assert any("lang" in p for p in found)
    assert sum("Bild ohne Alternativtext" in p for p in found) == 2
    assert [p for p in found if "leerer Link" in p] == ["schlecht.html: leerer Link auf z.html"]
    assert any("2 Überschriften h1" in p for p in found) and any("h1 → h3" in p for p in found)


def test_unlisted_headings_stay_out_of_the_page_toc():
    entry = ChapterEntry("anhang/glossar.qmd", "Anhang", True)
    headings = [Heading(1, "Glossar", Attributes("sec-glossar"), "B"),
                Heading(2, "Indikatoren", Attributes("indikatoren"), "B.1"),
                Heading(3, "SGB-II-Quote", Attributes("sgb2", ["unnumbered", "unlisted"])),
                Heading(3, "Lesart", Attributes("lesart"), "B.1.1")]
    chapter = Chapter(entry, "B", "Glossar", "sec-glossar", "", headings)
    toc = page_toc(chapter)
    assert 'href="#indikatoren"' in toc and 'href="#lesart"' in toc
    assert "SGB-II-Quote" not in toc


# --- colours ----------------------------------------------------------------------------------

def luminance(hex_colour: str) -> float:
    """Relative luminance (WCAG 2.1)."""
    h = hex_colour.lstrip("#")
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    channels = [int(h[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def css_variables(css: str) -> dict[str, str]:
    root = re.search(r":root\s*\{(.*?)\}", css, re.S).group(1)
    return {m.group(1): long_hex(m.group(2)) for m in re.finditer(r"--([\w-]+)\s*:\s*(#[0-9a-fA-F]{3,6})\b", root)}


def css_rules(css: str) -> list[tuple[str, dict[str, str]]]:
    """``(selector, {property: value})`` for every rule outside ``:root`` and ``@media print``."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    css = re.sub(r"@media print\s*\{.*?\}\s*\}", "", css, flags=re.S)
    css = re.sub(r"@media[^{]*\{", "", css)  # screen media queries: their rules count like the others
    rules = []
    for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        declarations = {}
        for declaration in body.split(";"):
            if ":" in declaration:
                key, value = declaration.split(":", 1)
                declarations[key.strip()] = value.strip()
        rules.append((" ".join(selector.split()), declarations))
    return [(s, d) for s, d in rules if s != ":root"]


def resolve(value: str, variables: dict[str, str]) -> str | None:
    """A colour value as #rrggbb (``var(--x)``, ``#fff``); None for anything else."""
    match = re.fullmatch(r"var\(--([\w-]+)\)", value.strip())
    if match:
        return variables[match.group(1)]
    match = re.fullmatch(r"(#[0-9a-fA-F]{3}|#[0-9a-fA-F]{6})", value.strip())
    return long_hex(match.group(1)) if match else None


def long_hex(colour: str) -> str:
    """"#fff" -> "#ffffff"."""
    h = colour.lower().lstrip("#")
    return "#" + ("".join(c * 2 for c in h) if len(h) == 3 else h)


def colour_problems(css: str) -> list[str]:
    """Text colours below 4.5:1 against their own background, or against every page background."""
    variables = css_variables(css)
    rules = css_rules(css)
    backgrounds = {"#ffffff"}
    for _, declarations in rules:
        for key in ("background", "background-color"):
            if key in declarations and (colour := resolve(declarations[key], variables)):
                backgrounds.add(colour)
    dark = {b for b in backgrounds if luminance(b) < 0.2}   # e.g. the blue page header
    light = backgrounds - dark
    found = []
    for selector, declarations in rules:
        if "color" not in declarations:
            continue
        text = resolve(declarations["color"], variables)
        if text is None:
            continue  # inherit, currentColor
        own = declarations.get("background") or declarations.get("background-color")
        own = resolve(own, variables) if own else None
        # Light text belongs on the dark backgrounds, dark text on any light one.
        against = {own} if own else (dark if luminance(text) > 0.5 else light)
        for background in sorted(against):
            ratio = contrast(text, background)
            if ratio < AA:
                found.append(f"{selector}: {text} auf {background} hat {ratio:.2f}:1 (< {AA}:1)")
    return found


def test_css_text_colours_pass_wcag_aa():
    css = CSS.read_text(encoding="utf-8")
    assert len(css_variables(css)) >= 6
    assert colour_problems(css) == []


def test_colour_check_catches_low_contrast():
    css = (":root { --text: #1f2328; --blass: #999999; --akzent: #0b5394; }\n"
           "body { color: var(--text); background: #fff; }\n.x { color: var(--blass); }\n"
           ".kopf { background: var(--akzent); color: #fff; }\n.y { color: #fff; background: #cccccc; }")
    found = colour_problems(css)
    assert {f.split(":")[0] for f in found} == {".x", ".y"}
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


def test_chart_text_colours_pass_against_white():
    for name in ("FARBE_TEXT", "FARBE_STADT"):
        assert contrast(getattr(grafik, name), "#ffffff") >= AA, name


# --- sortable tables in a real browser --------------------------------------------------------

TABELLE = """<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>t</title></head><body><main>
<table><thead><tr><th>Stadtteil</th><th>Einwohner</th><th>Anteil</th></tr></thead><tbody>
<tr><td>Altstadt</td><td>4.244</td><td>5,5 %</td></tr>
<tr><td>Deuten</td><td>•</td><td>–</td></tr>
<tr><td>Holsterhausen</td><td>13.759</td><td>17,9 %</td></tr>
<tr><td>Hardt</td><td>987</td><td>−1,2 %</td></tr>
<tr><td>Östrich</td><td>2.036</td><td>2,7 %</td></tr>
<tr><td><strong>Gesamtstadt</strong></td><td><strong>21.026</strong></td><td><strong>100,0 %</strong></td></tr>
</tbody></table>
<table><thead><tr><th>A</th></tr></thead><tbody><tr><td>1</td></tr></tbody></table>
<script>{script}</script>
<script>
document.addEventListener("DOMContentLoaded", function () {{
var k = document.querySelectorAll("button.sortieren");
k[1].click();
var auf = Array.from(document.querySelectorAll("tbody")[0].rows).map(r => r.cells[0].textContent).join("|");
var sortAuf = document.querySelectorAll("th")[1].getAttribute("aria-sort");
k[1].click();
var ab = Array.from(document.querySelectorAll("tbody")[0].rows).map(r => r.cells[0].textContent).join("|");
var sortAb = document.querySelectorAll("th")[1].getAttribute("aria-sort");
k[2].click();
var anteil = Array.from(document.querySelectorAll("tbody")[0].rows).map(r => r.cells[0].textContent).join("|");
document.title = JSON.stringify({{knoepfe: k.length, auf: auf, sortAuf: sortAuf,
  ab: ab, sortAb: sortAb, anteil: anteil, nachher: document.querySelectorAll("th")[1].getAttribute("aria-sort"),
  ohne: document.querySelectorAll("th")[3].getAttribute("aria-sort")}});
}});
</script></main></body></html>"""


def page_title(chromium: str, page: Path, attempts: int = 3) -> str:
    """The document title after the page's scripts ran (they write their result into it).

    Headless Chromium sometimes dumps the DOM before the first animation frame; the page is then
    loaded again (the title is still the placeholder "t"), at most `attempts` times.
    """
    for _ in range(attempts):
        profile = tempfile.mkdtemp(prefix="chromium-")
        try:
            result = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                                     "--disable-background-networking", "--disable-component-update",
                                     "--disable-sync", f"--user-data-dir={profile}", "--virtual-time-budget=5000",
                                     "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120)
        finally:
            shutil.rmtree(profile, ignore_errors=True)
        title = re.search(r"<title>(.*?)</title>", result.stdout, re.S)
        if title and title.group(1) != "t":
            return title.group(1).replace("&quot;", '"').replace("&amp;", "&")
    raise AssertionError(f"the page's script did not finish in {attempts} attempts: {result.stderr[-2000:]}")


def test_sortable_tables_in_chromium(tmp_path):
    import json

    chromium = require_browser(axe=False)
    page = tmp_path / "tabelle.html"
    page.write_text(TABELLE.format(script=(ASSETS / "tabellen.js").read_text(encoding="utf-8")), encoding="utf-8")
    title = page_title(chromium, page)
    state = json.loads(title)
    assert state["knoepfe"] == 3  # the one-row table stays as it is
    # German numbers sort as numbers, "•" last, the total row stays at the end.
    assert state["auf"] == "Hardt|Östrich|Altstadt|Holsterhausen|Deuten|Gesamtstadt"
    assert state["sortAuf"] == "ascending"
    assert state["ab"] == "Holsterhausen|Altstadt|Östrich|Hardt|Deuten|Gesamtstadt"
    assert state["sortAb"] == "descending"
    assert state["anteil"] == "Hardt|Östrich|Altstadt|Holsterhausen|Deuten|Gesamtstadt"
    assert state["nachher"] is None  # only the column sorted last has aria-sort
    assert state["ohne"] is None


SCROLLEN = """<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>t</title>
<style>main {{ width: 300px; }} .quarto-table {{ overflow-x: auto; }} td {{ white-space: nowrap; }}</style>
</head><body><main>
<div id="tbl-breit" class="quarto-table"><table><caption>Tabelle 1: breit</caption>
<tbody><tr><td>{breit}</td></tr></tbody></table></div>
<div id="tbl-schmal" class="quarto-table"><table><caption>Tabelle 2: schmal</caption>
<tbody><tr><td>kurz</td></tr></tbody></table></div>
<script>{script}</script>
<script>
function zustand(id) {{
  var h = document.getElementById(id);
  return [h.getAttribute("tabindex"), h.getAttribute("role"), h.getAttribute("aria-labelledby")];
}}
document.addEventListener("DOMContentLoaded", function () {{
  var vorher = {{breit: zustand("tbl-breit"), schmal: zustand("tbl-schmal"),
    titel: document.querySelector("#tbl-breit caption").id}};
  document.querySelector("main").style.width = "20000px";   // wider column: no more scrolling
  window.dispatchEvent(new Event("resize"));
  requestAnimationFrame(function () {{ requestAnimationFrame(function () {{
    vorher.nachher = zustand("tbl-breit");
    document.title = JSON.stringify(vorher);
  }}); }});
}});
</script></main></body></html>"""


def test_scrolling_tables_take_keyboard_focus_in_chromium(tmp_path):
    """A table wider than the column becomes a focusable, named region only while it scrolls."""
    import json

    chromium = require_browser(axe=False)
    page = tmp_path / "scrollen.html"
    page.write_text(SCROLLEN.format(script=(ASSETS / "tabellen.js").read_text(encoding="utf-8"),
                                    breit=" Spalte" * 100), encoding="utf-8")
    title = page_title(chromium, page)
    state = json.loads(title)
    assert state["titel"] == "tbl-breit-titel"
    assert state["breit"] == ["0", "region", "tbl-breit-titel"]
    assert state["schmal"] == [None, None, None]
    assert state["nachher"] == [None, None, None]


# --- axe-core in Chromium ---------------------------------------------------------------------

def assert_no_serious(violations: list[Violation]) -> None:
    found = serious(violations)
    assert not found, f"{len(found)} ernste oder kritische axe-Verstöße:\n" + "\n".join(map(str, found))


def test_missing_browser_fails_in_ci_and_skips_elsewhere(monkeypatch):
    monkeypatch.setattr(a11y, "chromium", lambda: None)
    monkeypatch.setattr(a11y, "IN_CI", True)
    with pytest.raises(pytest.fail.Exception, match="Chromium fehlt"):
        require_browser(axe=False)
    monkeypatch.setattr(a11y, "IN_CI", False)
    with pytest.raises(pytest.skip.Exception, match="Chromium fehlt"):
        require_browser()
    with pytest.raises(a11y.Unavailable):
        audit(Path("."))


def test_fixture_book_passes_axe(html_buch):
    require_browser()
    assert_no_serious(audit(html_buch))


def test_axe_audit_reports_violations_of_every_page(tmp_path):
    """The audit itself: it reaches pages in subfolders and reports what axe finds, with impact."""
    require_browser()
    (tmp_path / "kapitel").mkdir()
    (tmp_path / "schlecht.html").write_text(
        '<!DOCTYPE html><html><head><title>Schlecht</title></head><body><main><h1>Schlecht</h1>'
        '<img src="x.png"><a href="kapitel/ohne-main.html"></a>'
        '<p style="color:#aaaaaa;background:#ffffff">blass</p></main></body></html>', encoding="utf-8")
    (tmp_path / "kapitel" / "ohne-main.html").write_text(
        '<!DOCTYPE html><html lang="de"><head><title>Ohne main</title></head><body><h1>Kapitel</h1>'
        '<p>Text</p></body></html>', encoding="utf-8")
    found = audit(tmp_path)
    assert {(v.page, v.rule) for v in serious(found)} == {
        ("schlecht.html", "html-has-lang"), ("schlecht.html", "image-alt"),
        ("schlecht.html", "link-name"), ("schlecht.html", "color-contrast")}
    moderate = {(v.page, v.rule) for v in found if v.impact == "moderate"}
    assert ("kapitel/ohne-main.html", "landmark-one-main") in moderate
    image = next(v for v in found if v.rule == "image-alt")
    assert image.impact == "critical" and image.nodes[0][0] == "img" and "x.png" in str(image)


# --- the real book ----------------------------------------------------------------------------

@pytest.mark.slow
def test_real_book_html_is_accessible():
    from test_formate import echtes_buch

    out = echtes_buch()
    assert probleme(out) == []
    pages = {p.relative_to(out).as_posix(): p.read_text(encoding="utf-8") for p in out.rglob("*.html")}
    downloads = next(name for name in pages if name.endswith("downloads.html"))
    assert all(f'{Path(os.path.relpath(out / downloads, (out / name).parent)).as_posix()}"' in html
               for name, html in pages.items()), "Downloads nicht von jeder Seite aus verlinkt"
    assert all("tabellen.js" in html for html in pages.values())
    glossar = next(html for name, html in pages.items() if name.endswith("glossar.html"))
    toc = re.search(r'<aside class="seiten-toc".*?</aside>', glossar, re.S)
    unlisted = re.findall(r'<(?:section|h\d) id="([^"]+)" class="[^"]*unlisted', glossar)
    assert unlisted and toc and not any(f'href="#{i}"' in toc.group(0) for i in unlisted)


@pytest.mark.slow
def test_real_book_passes_axe():
    from test_formate import echtes_buch

    require_browser()
    assert_no_serious(audit(echtes_buch()))


# --- Quarto's HTML: the post-render patch ------------------------------------------------------

def test_postrender_patch_fixes_quarto_pagination_and_loads_table_script(tmp_path):
    """Quarto's pagination links lose their mismatching aria-label; every page loads tabellen.js
    by a path relative to the page, once, however often the patch runs."""
    from helpers.postrender import patch_html

    page = ('<html><head><title>x</title></head><body><main>'
            '<a href="../teil1/b.html" class="pagination-link" aria-label="Stadtteile">'
            '<span class="chapter-number">2</span> Stadtteile</a>'
            '<a href="#x" aria-label="Suche">Suche</a></main></body></html>')
    (tmp_path / "chapters" / "teil2").mkdir(parents=True)
    (tmp_path / "index.html").write_text(page, encoding="utf-8")
    (tmp_path / "chapters" / "teil2" / "a.html").write_text(page, encoding="utf-8")
    assert patch_html(tmp_path) == 2
    assert patch_html(tmp_path) == 2
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    chapter = (tmp_path / "chapters" / "teil2" / "a.html").read_text(encoding="utf-8")
    assert 'aria-label="Stadtteile"' not in index and 'aria-label="Suche"' in index
    assert index.count('<script src="site_libs/sozialbericht/tabellen.js" defer></script>') == 1
    assert chapter.count('<script src="../../site_libs/sozialbericht/tabellen.js" defer></script>') == 1
    assert (tmp_path / "site_libs" / "sozialbericht" / "tabellen.js").read_text(encoding="utf-8") == \
        (ASSETS / "tabellen.js").read_text(encoding="utf-8")
