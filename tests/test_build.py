"""The book build (python -m helpers.build) end to end, on the fixture book tests/buchtest/.

The fixture has two parts, an appendix and one small notebook (figure, table, computed
sentence) that needs no project data. The test marked ``slow`` builds the real book.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import docx
import nbformat
import pypdf
import pytest
import yaml

from helpers.build import callouts
from helpers.build.errors import BuildError
from helpers.build.pipeline import staging

REPO = Path(__file__).resolve().parents[1]
FIXTURE = Path(__file__).resolve().parent / "buchtest"
LEFTOVERS = ["{{<", "?@", "@fig-", "@tbl-"]
# Editors' notes belong to the draft profile (quarto render --profile entwurf), never to the book.
DRAFT_ONLY = ["Bearbeitbarer Text", "when-profile", "content-visible", "chapters/teil", "Fachbeitrag steht aus",
              "Für die Redaktion"]
# Production notes a reader must never see (issue 11, item 5): file types of the sources, module
# names, configuration words and editors' instructions.
PRODUCTION_NOTES = re.compile(r"\.(?:qmd|ipynb|py)\b|\bhelpers\.\w|Regeldatei|Einstellungsdatei|kachel_(?:zeile|spalte)"
                              r"|\b(?:ersetzen|eintragen|nachtragen)\.(?:\s|$)|\bTODO\b|\bFIXME\b")
FIXED_TIME = {"SOURCE_DATE_EPOCH": "1700000000"}  # the fixture copy has no git history to date it


# --- running the build ------------------------------------------------------------------------

def run_build(root: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """``python -m helpers.build`` in ``root`` (as a user would call it)."""
    return subprocess.run([sys.executable, "-m", "helpers.build", *args], cwd=root, capture_output=True,
                          text=True, env={**os.environ, **(env or {})}, timeout=1800)


def build_here(root: Path, monkeypatch, capsys, *args: str) -> tuple[int, str, str]:
    """The same command in this process (no interpreter start-up): ``(exit code, stdout, stderr)``."""
    from helpers.build.__main__ import main

    monkeypatch.chdir(root)
    monkeypatch.setenv("SOZIALBERICHT_ROOT", str(root))  # main() sets it; monkeypatch restores it
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def copy_fixture(target: Path) -> Path:
    shutil.copytree(FIXTURE, target, ignore=shutil.ignore_patterns("_book*", ".cache"))
    return target


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The fixture book built once with the Python engine: ``(root, output folder, result)``."""
    root = copy_fixture(tmp_path_factory.mktemp("buch") / "buchtest")
    result = run_build(root, "--engine", "python", "--output", str(root / "ausgabe"), env=FIXED_TIME)
    assert result.returncode == 0, result.stderr
    return root, root / "ausgabe", result


# --- reading the outputs ----------------------------------------------------------------------

class _Page(HTMLParser):
    """Text, links, image sources/alt texts and ids of one HTML page."""

    def __init__(self):
        super().__init__()
        self.text, self.links, self.images, self.ids = [], [], [], set()
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag in ("script", "style"):
            self._skip += 1
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag in ("link", "script") and (attrs.get("href") or attrs.get("src")):
            self.links.append(attrs.get("href") or attrs.get("src"))
        if tag == "img":
            self.images.append((attrs.get("src"), attrs.get("alt")))
            self.links.append(attrs.get("src"))

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.text.append(data)


def parse_page(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def normalize(text: str) -> str:
    """Whitespace collapsed, typographic quotes and dashes unified (pandoc's smart typography)."""
    text = re.sub(r"[„“”\"]", '"', text).replace("’", "'").replace("\u00ad", "")
    return " ".join(text.split())


def html_text(out: Path) -> str:
    return normalize(" ".join(" ".join(parse_page(p).text) for p in sorted(out.rglob("*.html"))))


def pdf_text(pdf: Path) -> str:
    reader = pypdf.PdfReader(str(pdf))
    return normalize(" ".join(page.extract_text() or "" for page in reader.pages))


def docx_text(path: Path) -> str:
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return normalize(" ".join(parts))


# --- what the book must contain ---------------------------------------------------------------

def expected_titles(root: Path) -> tuple[list[str], list[str]]:
    """Part titles and chapter titles, read from _quarto.yml and the chapter files themselves."""
    config = yaml.safe_load((root / "_quarto.yml").read_text(encoding="utf-8"))["book"]
    parts, files = [], []
    for item in config["chapters"]:
        if isinstance(item, dict):
            parts.append(item["part"])
            files += item["chapters"]
        else:
            files.append(item)
    files += config.get("appendices", [])
    return parts, [chapter_title(root / f) for f in files]


def chapter_title(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    front = re.match(r"---\n(.*?)\n---\n", text, re.S)
    if front and (yaml.safe_load(front.group(1)) or {}).get("title"):
        return str(yaml.safe_load(front.group(1))["title"])
    heading = re.search(r"^# (.+?)\s*(\{[^}]*\})?\s*$", text, re.M)
    assert heading, f"{path}: kein Titel"
    return re.sub(r"[*_`]", "", heading.group(1))


def check_book(root: Path, out: Path, output_file: str) -> None:
    """The checks of issue 2 for a built book in ``out``."""
    pdf, word = out / f"{output_file}.pdf", out / f"{output_file}.docx"
    assert (out / "index.html").is_file() and pdf.is_file() and word.is_file()

    reader = pypdf.PdfReader(str(pdf))
    assert len(reader.pages) > 0
    document = docx.Document(str(word))

    texts = {"HTML": html_text(out), "PDF": pdf_text(pdf), "DOCX": docx_text(word)}
    parts, chapters = expected_titles(root)
    for fmt, text in texts.items():
        for title in parts + chapters:
            assert normalize(title) in text, f"{fmt}: '{title}' fehlt"

    # The embedded figure is in every format: an <img> with alt text, an image in the DOCX and the PDF.
    images = [img for page in out.rglob("*.html") for img in parse_page(page).images]
    assert images and all(alt and alt.strip() for _, alt in images), "HTML: Bild ohne Alternativtext"
    assert document.inline_shapes and any(n.startswith("word/media/") for n in zipfile.ZipFile(word).namelist())
    assert sum(len(page.images) for page in reader.pages) >= 1, "PDF: keine Abbildung"

    raw_html = " ".join(p.read_text(encoding="utf-8") for p in out.rglob("*.html"))
    for fmt, text in {**texts, "HTML-Quelltext": raw_html}.items():
        for leftover in LEFTOVERS:
            assert leftover not in text, f"{fmt} enthält noch '{leftover}'"
    for fmt, text in texts.items():
        for note in DRAFT_ONLY:
            assert note not in text, f"{fmt}: Redaktionshinweis '{note}' im veröffentlichten Buch"
        found = PRODUCTION_NOTES.search(text)
        assert not found, f"{fmt}: Produktionshinweis '{text[max(0, found.start() - 60):found.end() + 20]}'"

    check_html_links(out)
    check_citations(root, out, texts, document)


def check_citations(root: Path, out: Path, texts: dict[str, str], document) -> None:
    """Every cited work resolved in every format and listed once in the references."""
    from helpers.build import zitate
    from helpers.build.config import load_book, read_chapter

    book = load_book(root)
    if not book.bibliography:
        return
    cited = zitate.check(book, ((e.path, read_chapter(book, e)[1]) for e in book.chapters))
    assert cited, "Literaturverzeichnis ohne Zitierung"
    for fmt, text in texts.items():
        for key in cited:
            assert f"{key}?" not in text, f"{fmt}: Zitierung @{key} nicht aufgelöst"
    refs = next(e for e in book.chapters if zitate.has_refs_div(read_chapter(book, e)[1]))
    listed = [i.removeprefix("ref-") for i in parse_page(out / refs.html_path).ids if i.startswith("ref-")]
    assert sorted(listed) == sorted(cited), f"HTML: Literaturliste {listed}, zitiert {cited}"
    entries = [p for p in document.paragraphs if p.style.name == "Bibliography"]
    assert len(entries) == len(cited), f"DOCX: {len(entries)} Literatureinträge, {len(cited)} zitiert"


def check_html_links(out: Path) -> None:
    """Every relative link, image and script of every page points to an existing file (and id)."""
    pages = {p: parse_page(p) for p in out.rglob("*.html")}
    broken = []
    for page, parsed in pages.items():
        for link in parsed.links:
            parts = urlsplit(link)
            if parts.scheme or link.startswith("//"):
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if target.is_dir():  # a folder link (Quarto's "../../" to the start page) serves its index.html
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{page.relative_to(out)} -> {link}")
            elif parts.fragment and target.suffix == ".html":
                ids = pages[target].ids if target in pages else parse_page(target).ids
                if unquote(parts.fragment) not in ids:
                    broken.append(f"{page.relative_to(out)} -> {link} (Anker fehlt)")
    assert not broken, "Kaputte Links:\n" + "\n".join(broken)


def snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


# --- the fixture book -------------------------------------------------------------------------

def test_fixture_book_builds_all_formats(built):
    root, out, _ = built
    check_book(root, out, "testbuch")


def test_pages_at_quarto_paths_with_navigation_and_search(built):
    _, out, _ = built
    for page in ["index.html", "kapitel/eins.html", "kapitel/zwei.html", "kapitel/drei.html", "anhang/methoden.html"]:
        html = (out / page).read_text(encoding="utf-8")
        assert '<html lang="de">' in html
        assert 'class="seitenleiste"' in html and 'class="blaettern"' in html
    zwei = (out / "kapitel/zwei.html").read_text(encoding="utf-8")
    assert 'rel="prev" href="eins.html"' in zwei and 'rel="next" href="drei.html"' in zwei
    assert zwei.index("Teil I Grundlagen") < zwei.index("Teil II Ergebnisse") < zwei.index("Anhang A")
    assert "suchindex.js" in zwei and (out / "search.json").is_file()
    assert "Zusammen zählen die drei Bezirke" in (out / "search.json").read_text(encoding="utf-8")


SEARCH_STUB = r"""
// Minimal DOM stub: runs the book's search scripts and prints the hrefs found for a query.
const fs = require("fs"), vm = require("vm");
const [indexJs, sucheJs, root, query] = process.argv.slice(2);
function el(tag) {
  return { tag, children: [], listeners: {}, attrs: {}, textContent: "", className: "", href: "",
    set innerHTML(v) { this.children = []; }, appendChild(c) { this.children.push(c); return c; },
    addEventListener(t, f) { this.listeners[t] = f; }, getAttribute(k) { return this.attrs[k]; },
    querySelector(sel) { const all = []; const walk = n => { if (n.tag === "a") all.push(n); n.children.forEach(walk); }; walk(this); return all[0] || null; } };
}
const feld = el("input"), liste = el("div"), body = el("body");
body.attrs["data-root"] = root;
const window = {};
const document = { body, getElementById: id => ({ suchfeld: feld, suchergebnisse: liste })[id] || null,
  createElement: el };
const ctx = vm.createContext({ window, document });
vm.runInContext(fs.readFileSync(indexJs, "utf8"), ctx);
vm.runInContext(fs.readFileSync(sucheJs, "utf8"), ctx);
feld.value = query;
feld.listeners.input();
const links = []; const walk = n => { if (n.tag === "a") links.push(n.href); n.children.forEach(walk); }; walk(liste);
console.log(JSON.stringify(links));
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="node.js fehlt (nur für diesen Test der Such-Skripte)")
def test_offline_search_finds_sections(built, tmp_path):
    """Runs suchindex.js + suche.js in node with a tiny DOM stand-in, as the browser would."""
    _, out, _ = built
    stub = tmp_path / "stub.js"
    stub.write_text(SEARCH_STUB, encoding="utf-8")

    def search(page_root: str, query: str) -> list[str]:
        result = subprocess.run(["node", str(stub), str(out / "site_libs/suchindex.js"), str(out / "site_libs/suche.js"),
                                 page_root, query], capture_output=True, text=True, check=True)
        return json.loads(result.stdout)

    assert search("../", "bezirke zusammen") == ["../kapitel/zwei.html#sec-zwei"]
    assert search("", "Methoden")[0] == "anhang/methoden.html#sec-methoden"
    assert search("", "gibtesnirgends") == []


def test_numbers_and_references_in_german(built):
    _, out, _ = built
    eins = html_text_of(out / "kapitel/eins.html")
    assert "Abbildung 1.1: Werte nach Bezirk" in eins and "Tabelle 1.1: Werte nach Bezirk" in eins
    zwei = (out / "kapitel/zwei.html").read_text(encoding="utf-8")
    assert '<a href="eins.html#fig-balken">Abbildung 1.1</a>' in zwei
    assert '<a href="drei.html#sec-drei-details">Abschnitt 3.1</a>' in zwei
    methoden = html_text_of(out / "anhang/methoden.html")
    assert "Anhang A — Methoden" in methoden and "Tabelle A.1: Regeln der Geheimhaltung" in methoden
    pdf = pdf_text(out / "testbuch.pdf")
    assert "Abbildung 1.1: Werte nach Bezirk" in pdf and "Tabelle A.1" in pdf
    text = docx_text(out / "testbuch.docx")
    assert "Abbildung 1.1: Werte nach Bezirk" in text and "Anhang A — Methoden" in text


def html_text_of(page: Path) -> str:
    return normalize(" ".join(parse_page(page).text))


def test_docx_has_part_paragraphs_before_their_first_chapter(built):
    _, out, _ = built
    paragraphs = [(p.style.name, p.text) for p in docx.Document(str(out / "testbuch.docx")).paragraphs]
    for part, chapter in [("Teil I Grundlagen", "1 Erstes Kapitel"), ("Teil II Ergebnisse", "3 Drittes Kapitel"),
                          ("Anhang", "Anhang A — Methoden")]:
        index = paragraphs.index(("Teil", part))
        assert paragraphs[index + 1] == ("Heading 1", chapter)


def test_progress_and_summary(built):
    _, _, result = built
    assert "Notebook beispiel.ipynb" in result.stderr
    for step in ("HTML", "DOCX", "PDF"):
        assert re.search(rf"\[\s*[\d,]+ s\] {step}", result.stderr), result.stderr
    assert "Fertig in" in result.stdout and "testbuch.pdf" in result.stdout and "KB" in result.stdout


def test_rebuild_is_byte_identical(built):
    """A fresh (uncached), serial rebuild gives the same bytes as the first, parallel build."""
    root, out, _ = built
    again = root / "nochmal"
    result = run_build(root, "--engine", "python", "--fresh", "--jobs", "1", "--output", str(again), env=FIXED_TIME)
    assert result.returncode == 0, result.stderr
    assert snapshot(again) == snapshot(out)


def test_executed_copy_kept_in_cache_and_source_notebook_untouched(built):
    root, _, _ = built
    executed = nbformat.read(root / ".cache/notebooks/notebooks/beispiel.ipynb", as_version=4)
    assert any(cell.get("outputs") for cell in executed.cells)
    source = nbformat.read(root / "notebooks/beispiel.ipynb", as_version=4)
    assert not any(cell.get("outputs") for cell in source.cells if cell.cell_type == "code")


def inject(root: Path, source: str, position: int = 2) -> None:
    path = root / "notebooks/beispiel.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells.insert(position, nbformat.v4.new_code_cell(source))
    nbformat.write(nb, path)


def test_failing_notebook_stops_build_and_leaves_output_unchanged(tmp_path):
    root = copy_fixture(tmp_path / "buchtest")
    out = root / "_book"
    out.mkdir()
    (out / "index.html").write_text("<p>das alte Buch</p>", encoding="utf-8")
    (out / "alt.pdf").write_bytes(b"%PDF alt")
    before = snapshot(out)
    inject(root, "summe = 1\nergebnis = summe / 0  # absichtlich")

    result = run_build(root, "--engine", "python")

    assert result.returncode != 0
    assert "beispiel.ipynb" in result.stderr
    assert "Zelle 3" in result.stderr and "ZeroDivisionError" in result.stderr
    assert "ergebnis = summe / 0" in result.stderr  # the failing cell's code
    assert "\x1b[" not in result.stderr  # no ANSI colours
    assert "helpers/build" not in result.stderr.replace("\\", "/")  # no traceback of the build itself
    assert snapshot(out) == before
    assert not list(root.glob("_book.tmp*"))


def test_bad_embed_names_chapter_notebook_and_label(tmp_path, monkeypatch, capsys):
    root = copy_fixture(tmp_path / "buchtest")
    chapter = root / "kapitel/drei.qmd"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\n{{< embed ../notebooks/beispiel.ipynb#fig-fehlt >}}\n",
                       encoding="utf-8")
    code, _, err = build_here(root, monkeypatch, capsys, "--engine", "python")
    assert code == 1
    assert "kapitel/drei.qmd" in err and "fig-fehlt" in err and "beispiel.ipynb" in err
    assert "fig-balken" in err  # the labels that do exist
    assert not (root / "_book").exists() and not list(root.glob("_book.tmp*"))


def test_unresolved_references_of_all_chapters_reported_together(tmp_path, monkeypatch, capsys):
    """A book without notebooks: no kernel needed."""
    root = tmp_path / "buch"
    (root / "k").mkdir(parents=True)
    (root / "_quarto.yml").write_text(
        "book:\n  title: Kurz\n  chapters:\n    - index.qmd\n    - part: Teil I Eins\n      chapters: [k/a.qmd, k/b.qmd]\n",
        encoding="utf-8")
    (root / "index.qmd").write_text("# Start {.unnumbered}\n\nSiehe @sec-a.\n", encoding="utf-8")
    (root / "k/a.qmd").write_text("# A {#sec-a}\n\nSiehe @fig-gibtsnicht.\n", encoding="utf-8")
    (root / "k/b.qmd").write_text("# B\n\nUnd @tbl-auchnicht, aber @sec-a.\n", encoding="utf-8")
    code, _, err = build_here(root, monkeypatch, capsys, "--engine", "python")
    assert code == 1
    assert "k/a.qmd: @fig-gibtsnicht" in err and "k/b.qmd: @tbl-auchnicht" in err
    (root / "k/a.qmd").write_text("# A {#sec-a}\n", encoding="utf-8")
    (root / "k/b.qmd").write_text("# B\n\nSiehe @sec-a.\n", encoding="utf-8")
    code, out, err = build_here(root, monkeypatch, capsys, "--engine", "python")
    assert code == 0, err
    assert "Fertig in" in out
    assert '<a href="a.html#sec-a">Kapitel 1</a>' in (root / "_book/k/b.html").read_text(encoding="utf-8")


def test_bad_data_stops_before_any_notebook_runs(tmp_path, monkeypatch, capsys):
    """helpers.daten's DatenFehler report is shown as it is, without a traceback."""
    root = copy_fixture(tmp_path / "buchtest")
    (tmp_path / "leer").mkdir()
    monkeypatch.setenv("SOZIALBERICHT_DATEN", str(tmp_path / "leer"))
    code, _, err = build_here(root, monkeypatch, capsys, "--engine", "python")
    assert code == 1
    assert "sind fehlerhaft" in err and "bestand/" in err
    assert "Notebook" not in err and "Traceback" not in err
    assert not (root / "_book").exists() and not list(root.glob("_book.tmp*"))


def test_single_notebook_mode_reports_labels(tmp_path, monkeypatch, capsys):
    root = copy_fixture(tmp_path / "buchtest")
    code, _, err = build_here(root, monkeypatch, capsys, "--notebook", "beispiel")
    assert code == 0, err
    for label in ("fig-balken: Abbildung (PNG)", "tbl-werte: Markdown", "txt-satz: Text: Zusammen zählen"):
        assert label in err
    assert not (root / "_book").exists()
    assert (root / ".cache/notebooks/notebooks/beispiel.ipynb").is_file()


FAKE_QUARTO = r"""#!{python}
# Stands in for quarto 1.9 in the tests: runs the project's pre-render and post-render
# commands through the shell as Quarto does, and writes a DOCX the way Quarto does
# (no part titles, "Appendix A — …", see quarto-notes.md).
import json, os, pathlib, subprocess, sys
import yaml
from helpers.build import pandoc

args = sys.argv[1:]
out = args[args.index("--output-dir") + 1]
project = yaml.safe_load(pathlib.Path("_quarto.yml").read_text(encoding="utf-8"))["project"]
env = {{**os.environ, "QUARTO_PROJECT_OUTPUT_DIR": out, "QUARTO_PROJECT_RENDER_ALL": "1"}}
subprocess.run(project["pre-render"], shell=True, check=True, env=env)
executed = any(c.get("outputs") for c in json.loads(pathlib.Path("notebooks/beispiel.ipynb").read_text())["cells"])
pathlib.Path({log!r}).write_text(repr((args, os.environ["PATH"].split(os.pathsep)[0],
                                      os.environ["SOZIALBERICHT_AUSGABE"], executed)))
pathlib.Path(out).mkdir(parents=True, exist_ok=True)
for name in ("index.html", "testbuch.pdf"):
    (pathlib.Path(out) / name).write_text("quarto")
docx = ("# Vorwort\n\nText.\n\n# 1 Erstes Kapitel\n\nText.\n\n# 2 Zweites Kapitel\n\n"
        "# 3 Drittes Kapitel\n\n# Appendix A — Methoden\n\nSiehe Appendix A.\n")
pandoc.run(docx, ["--to", "docx", "--output", str(pathlib.Path(out) / "testbuch.docx")], what="quarto")
subprocess.run(project["post-render"], shell=True, check=True, env=env)
"""


def test_quarto_engine_with_pre_and_post_render(tmp_path, monkeypatch, capsys):
    """``--engine auto`` with quarto on PATH: quarto render into a temporary folder, venv first on PATH,
    notebooks executed before and restored after, DOCX fixed, result swapped into _book/."""
    root = copy_fixture(tmp_path / "buchtest")
    original = (root / "notebooks/beispiel.ipynb").read_bytes()
    (root / ".cache/ausgabe/daten").mkdir(parents=True)
    (root / ".cache/ausgabe/daten/alt.csv").write_text("veraltet", encoding="utf-8")
    bin_dir, log = tmp_path / "bin", tmp_path / "quarto.log"
    bin_dir.mkdir()
    fake = bin_dir / "quarto"
    fake.write_text(FAKE_QUARTO.format(python=sys.executable, log=str(log)), encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")

    code, out, err = build_here(root, monkeypatch, capsys)

    assert code == 0, err
    args, first_on_path, downloads, executed = eval(log.read_text())  # noqa: S307 - written above
    assert args[:2] == ["render", "--output-dir"] and args[2].startswith("_book.tmp-")
    assert Path(first_on_path) == Path(sys.executable).parent  # so `python -m helpers.execute` is the venv's
    assert Path(downloads) == root / ".cache/ausgabe/daten"
    assert executed  # pre-render ran the notebook in place before "rendering"
    assert (root / "notebooks/beispiel.ipynb").read_bytes() == original  # post-render put it back
    assert not (root / "_book/daten/alt.csv").exists()  # stale downloads are not published
    paragraphs = [p.text for p in docx.Document(str(root / "_book/testbuch.docx")).paragraphs]
    assert paragraphs[paragraphs.index("Teil I Grundlagen") + 1] == "1 Erstes Kapitel"
    assert paragraphs[paragraphs.index("Teil II Ergebnisse") + 1] == "3 Drittes Kapitel"
    assert paragraphs[paragraphs.index("Anhang") + 1] == "Anhang A — Methoden"
    assert "Siehe Anhang A." in paragraphs and not any("Appendix" in p for p in paragraphs)
    assert (root / "_book/testbuch.pdf").read_text() == "quarto"
    assert not list(root.glob("_book.tmp*"))
    assert "testbuch.docx" in out


def run_step(module: str, root: Path, monkeypatch, capsys) -> tuple[int, str]:
    """``python -m helpers.execute`` as Quarto runs it (cwd = project), in this process."""
    import importlib

    monkeypatch.chdir(root)
    monkeypatch.setenv("SOZIALBERICHT_ROOT", str(root))
    monkeypatch.delenv("SOZIALBERICHT_AUSGABE", raising=False)  # use the default folder
    return importlib.import_module(module).main([]), capsys.readouterr().err


def test_pre_render_failure_leaves_notebooks_unexecuted(tmp_path, monkeypatch, capsys):
    root = copy_fixture(tmp_path / "buchtest")
    inject(root, "raise RuntimeError('kaputt')", position=1)
    before = (root / "notebooks/beispiel.ipynb").read_bytes()
    code, err = run_step("helpers.execute", root, monkeypatch, capsys)
    assert code == 1
    assert "beispiel.ipynb" in err and "RuntimeError: kaputt" in err
    assert (root / "notebooks/beispiel.ipynb").read_bytes() == before


# --- building blocks --------------------------------------------------------------------------

def test_staging_replaces_output_only_on_success(tmp_path):
    out = tmp_path / "_book"
    out.mkdir()
    (out / "alt.txt").write_text("alt")
    with pytest.raises(BuildError):
        with staging(out) as tmp:
            (tmp / "neu.txt").write_text("neu")
            raise BuildError("Format fehlgeschlagen")
    assert [p.name for p in out.iterdir()] == ["alt.txt"]
    with staging(out) as tmp:
        (tmp / "neu.txt").write_text("neu")
    assert [p.name for p in out.iterdir()] == ["neu.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["_book"]


def test_execute_all_runs_in_parallel_and_stops_on_failure():
    from helpers.build.notebooks import execute_all

    done = []

    def fake(path, env=None):
        if path.name == "kaputt.ipynb":
            raise BuildError("Notebook kaputt.ipynb ist fehlgeschlagen")
        return {"name": path.name, "env": env}

    paths = [Path("a.ipynb"), Path("b.ipynb"), Path("c.ipynb")]
    result = execute_all(paths, jobs=2, env={"X": "1"}, run=fake, on_done=lambda p, t: done.append(p.name))
    assert list(result) == paths and result[paths[1]] == {"name": "b.ipynb", "env": {"X": "1"}}
    assert sorted(done) == ["a.ipynb", "b.ipynb", "c.ipynb"]
    with pytest.raises(BuildError, match="kaputt"):
        execute_all(paths + [Path("kaputt.ipynb")], jobs=2, run=fake)


def test_failure_report_names_cell_and_shortens_traceback():
    from helpers.build.notebooks import failure_report

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1"),
                                         nbformat.v4.new_code_cell("#| label: fig-a\nplot(x)")])
    nb.cells[0].execution_count = 1
    trace = ["\x1b[0;31m---------\x1b[0m"] + [f"Zeile {i}" for i in range(40)] + ["\x1b[0;31mNameError\x1b[0m: plot"]
    nb.cells[1].outputs = [nbformat.v4.new_output("error", ename="NameError", evalue="plot", traceback=trace)]
    report = failure_report(Path("notebooks/demo.ipynb"), nb)
    assert "demo.ipynb" in report and "Zelle 2 (label: fig-a)" in report and "    plot(x)" in report
    assert "NameError: plot" in report and "Zeile 39" in report and "Zeile 10" not in report
    assert "\x1b" not in report and "#|" not in report


def test_callouts_take_their_heading_as_title_per_format():
    body = "::: {.callout-note}\n## Zum Lesen\nText.\n:::\n\n::: callout-warning\nAchtung.\n:::\n"
    normalized = callouts.normalize(body)
    assert "## Zum Lesen" not in normalized
    html = callouts.render(normalized, "html")
    assert '::: {.callout .callout-note role="note"}' in html and "Zum Lesen" in html and "Warnung" in html
    typst = callouts.render(normalized, "typst")
    assert '#callout(art: "note")[' in typst and "**Zum Lesen**" in typst
    assert 'custom-style="Hinweis"' in callouts.render(normalized, "docx")


# --- the real book ----------------------------------------------------------------------------

@pytest.mark.slow
def test_real_book_builds_all_formats(tmp_path):
    """The repository's own book, with its data and notebooks (several minutes)."""
    out = tmp_path / "_book"
    result = run_build(REPO, "--engine", "python", "--output", str(out), env={"SOZIALBERICHT_BERICHTSJAHR": ""})
    assert result.returncode == 0, result.stderr[-5000:]
    output_file = yaml.safe_load((REPO / "_quarto.yml").read_text(encoding="utf-8"))["book"]["output-file"]
    check_book(REPO, out, output_file)
    # One time frame: the 2018 edition shows no later data year (the folder runs to 2023) and no Teil V.
    text = html_text(out)
    assert "Stand: 31.12.2018" in text and "Stichtag 31.12.2018" in text
    assert max(_years_in(_data_chapters_text(out))) == 2018
    assert "Teil V" not in text and not list(out.rglob("entwicklung.html"))
    assert _download_years(out) == {2018}
    check_generated_german(out)


def check_generated_german(out: Path) -> None:
    """The corpus of the book's sentences (HTML prose, without tables and headings): districts
    with their article after prepositions, no template phrases (issue 11, item 4)."""
    from test_sprache import corpus_problems

    from helpers import sprache
    from helpers.daten import laden

    artikel = sprache.artikel_aus(laden(REPO / "data").stadtteile)
    assert any(artikel.values())
    problems = []
    for page in sorted(out.rglob("*.html")):
        html = page.read_text(encoding="utf-8")
        html = re.sub(r"<(table|h[1-6]|figcaption|nav|script|style)\b.*?</\1>", " ", html, flags=re.S)
        # inline tags vanish without a space ("<a>Kapitel 2</a>." stays "Kapitel 2."), block tags separate words
        html = re.sub(r"</?(?:a|span|strong|em|code|sup|sub|b|i)\b[^>]*>", "", html)
        prose = " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())
        problems += [f"{page.relative_to(out)}: {p}" for p in corpus_problems(prose, artikel)]
    assert not problems, "\n".join(problems[:30])


def _years_in(text: str) -> list[int]:
    """Stichtag years written in the text ("31.12.2018"); source years such as "DJI (2019)" are not data."""
    return [int(j) for j in re.findall(r"31\.12\.(20\d\d)", text)]


def _data_chapters_text(out: Path) -> str:
    """Text of the Teil II data chapters (HTML)."""
    pages = [p for p in out.rglob("*.html") if "teil2" in p.as_posix()]
    assert pages
    return " ".join(html_text_of(p) for p in pages)


def _download_years(out: Path) -> set[int]:
    """Data years of the indicator download."""
    import pandas as pd

    csv = next(out.rglob("indikatoren.csv"))
    return {int(pd.read_csv(csv, sep=";", decimal=",", encoding="utf-8-sig")["jahr"].max())}


@pytest.mark.slow
def test_fortschreibung_builds_with_comparison_chapter(tmp_path):
    """``--berichtsjahr 2023`` on the same data: every chapter at 31.12.2023 plus Teil V."""
    out = tmp_path / "_book"
    result = run_build(REPO, "--engine", "python", "--output", str(out), "--berichtsjahr", "2023")
    assert result.returncode == 0, result.stderr[-5000:]
    text = html_text(out)
    assert "Stand: 31.12.2023" in text and "Teil V Fortschreibung" in text and list(out.rglob("entwicklung.html"))
    assert "Entwicklung seit dem letzten Bericht" in text and "Bericht 31.12.2018" in text
    assert "Er schreibt den Bericht zum 31.12.2018 fort" in text
    assert max(_years_in(_data_chapters_text(out))) == 2023
    assert _download_years(out) == {2023}
    for name in ("sozialbericht.pdf", "sozialbericht.docx"):
        assert (out / name).is_file()
    assert "Entwicklung seit dem letzten Bericht" in pdf_text(out / "sozialbericht.pdf")
    assert "Entwicklung seit dem letzten Bericht" in docx_text(out / "sozialbericht.docx")
    check_generated_german(out)
