"""Command line: ``python -m helpers.build [--fresh] [--jobs N] [--notebook NAME] [--engine …] [--output DIR]
[--profile NAME] [--berichtsjahr JAHR]``."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from helpers.build import profile, quarto, titelei
from helpers.build.book import chapter_source, referenced_notebooks
from helpers.build.config import load_book
from helpers.build.embed import find_embeds, find_cell, render_cell
from helpers.build.errors import BuildError
from helpers.build.notebooks import cell_label, cell_options
from helpers.build.pipeline import (
    CACHE,
    FRESH_ENV,
    build_python,
    cached_copy,
    default_jobs,
    execute_notebooks,
    find_root,
    notebook_env,
    staging,
)
from helpers.build.progress import Progress, seconds, summary


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m helpers.build",
        description="Baut den Sozialbericht (HTML, PDF, DOCX) aus _quarto.yml, Kapiteln und Notebooks.",
    )
    parser.add_argument("--fresh", action="store_true",
                        help="den Cache (.cache/) nicht benutzen: Daten neu prüfen, alle Notebooks neu ausführen, "
                             "alle Formate neu schreiben (der Cache wird dabei neu gefüllt)")
    parser.add_argument("--jobs", type=int, default=default_jobs(), metavar="N",
                        help="so viele Notebooks gleichzeitig ausführen, je ein Kernel "
                             "(Standard: Zahl der Kerne, hier %(default)s; 1 = alles nacheinander)")
    parser.add_argument("--notebook", metavar="NAME",
                        help="nur dieses Notebook ausführen und seine eingebetteten Ausgaben prüfen")
    parser.add_argument("--engine", choices=["auto", "quarto", "python"], default="auto",
                        help="auto: quarto, wenn es im PATH ist, sonst der Python-Build")
    parser.add_argument("--output", metavar="DIR", help="Zielordner (Standard: <Buch>/_book)")
    parser.add_argument("--berichtsjahr", metavar="JAHR",
                        help="das Berichtsjahr (Stichtag 31.12.) statt des Eintrags in bericht.yml, z. B. 2023 "
                             "für die Fortschreibung aus demselben Datenordner")
    parser.add_argument("--profile", metavar="NAME",
                        help="Quarto-Profil, z. B. entwurf: zeigt Redaktionshinweise und schreibt nach _entwurf/ "
                             "(wie quarto render --profile entwurf)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):  # German text on consoles that are not UTF-8
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    args = parse_args(argv)
    if args.profile:  # read by both engines: Quarto itself and helpers.build.profile
        os.environ[profile.ENV] = args.profile
    if args.berichtsjahr:  # read by helpers.daten in this process, the notebook kernels and Quarto's steps
        from helpers.daten.datenbestand import BERICHTSJAHR_ENV  # pandas only when needed (fast --help)

        os.environ[BERICHTSJAHR_ENV] = args.berichtsjahr
    progress = Progress()
    try:
        root = find_root()
        os.environ["SOZIALBERICHT_ROOT"] = str(root)  # helpers.daten finds the repo through it
        if edition_profile(root):
            os.environ[profile.ENV] = profile.with_profile(os.environ.get(profile.ENV, ""), profile.FORTSCHREIBUNG)
        if args.notebook:
            return run_one_notebook(root, args.notebook, progress)
        return build(root, args, progress)
    except BuildError as err:
        print(f"\nFEHLER: {err}", file=sys.stderr)
        if not args.notebook:
            print("Der Build wurde abgebrochen; der bisherige Ausgabeordner ist unverändert.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nAbgebrochen.", file=sys.stderr)
        return 130


def edition_profile(root: Path) -> bool:
    """True when this edition follows an earlier one (``ausgaben`` in bericht.yml): the build then
    adds the profile ``fortschreibung`` (chapter "Entwicklung seit dem letzten Bericht")."""
    bericht = titelei.bericht(root)
    return bericht is not None and bericht.vorbericht is not None


def build(root: Path, args: argparse.Namespace, progress: Progress) -> int:
    titelei.schreibe_ausgabe(root)  # title and edition of this Berichtsjahr, read through _quarto.yml
    book = load_book(root)
    out = Path(args.output) if args.output else root / book.output_dir
    engine = args.engine
    if engine == "auto":
        engine = "quarto" if quarto.available() else "python"
    progress.say(f"Baue „{book.title}“ ({len(book.chapters)} Kapitel) mit "
                 f"{'Quarto' if engine == 'quarto' else 'dem Python-Build (ohne Quarto)'} …")
    with staging(out) as tmp:
        if engine == "quarto":
            downloads = root / CACHE / "ausgabe" / "daten"  # Quarto empties its output folder first
            env = notebook_env(root, downloads)
            if args.fresh:
                env[FRESH_ENV] = "1"  # read by the pre-render step (helpers.execute)
            with progress.step("quarto render"):
                quarto.render(book, tmp, env)
        else:
            build_python(book, tmp, jobs=max(1, args.jobs), progress=progress, fresh=args.fresh)
    print(summary(out.resolve(), progress.elapsed()))
    return 0


def run_one_notebook(root: Path, name: str, progress: Progress) -> int:
    """Execute one notebook and report its labelled outputs and the embeds that use it."""
    path = notebook_path(root, name)
    downloads = root / CACHE / "ausgabe" / "daten"
    downloads.mkdir(parents=True, exist_ok=True)
    # The analyst asked for this notebook: run it even if the cache holds it (and refresh the cache).
    executed = execute_notebooks(root, [path], notebook_env(root, downloads), 1, progress, fresh=True)[path]
    progress.say(f"Ausgeführte Kopie: {cached_copy(root, path)}")
    progress.say("Zellen mit label:")
    for cell in executed.cells:
        label = cell_label(cell)
        if label:
            progress.say(f"  {label}: {describe_outputs(cell)}")
    problems = check_embeds(root, path, executed)
    if path not in referenced_notebooks(load_book(root)):
        progress.say(f"Hinweis: kein Kapitel bettet {path.name} ein; der Build führt es daher nicht aus.")
    for problem in problems:
        progress.say(f"  FEHLER {problem}")
    progress.say(f"Fertig in {seconds(progress.elapsed())}." if not problems else "Einbettungen fehlerhaft.")
    return 1 if problems else 0


def notebook_path(root: Path, name: str) -> Path:
    """``notebooks/<name>.ipynb``; ``name`` may carry the suffix or be a path."""
    candidates = [Path(name), root / name, root / "notebooks" / name, root / "notebooks" / f"{name}.ipynb"]
    for candidate in candidates:
        if candidate.suffix == ".ipynb" and candidate.is_file():
            return candidate.resolve()
    available = ", ".join(sorted(p.stem for p in (root / "notebooks").glob("*.ipynb"))) or "keine"
    raise BuildError(f"Notebook '{name}' nicht gefunden. Vorhanden in notebooks/: {available}.")


def describe_outputs(cell) -> str:
    """A short description of a cell's output for the analyst."""
    outputs = cell.get("outputs", [])
    kinds = []
    for output in outputs:
        data = output.get("data", {})
        if "image/png" in data:
            kinds.append("Abbildung (PNG)")
        elif "text/markdown" in data:
            kinds.append("Markdown")
        elif output.get("output_type") == "stream" and output.get("name") == "stdout":
            text = "".join(output.get("text", ""))
            kinds.append(f"Text: {' '.join(text.split())[:80]}…" if len(text) > 80 else f"Text: {text.strip()}")
        elif "text/plain" in data:
            kinds.append("Textausgabe")
    if cell_options(cell).get("output") == "asis" and not kinds:
        kinds.append("nichts ausgegeben")
    return "; ".join(kinds) or "keine Ausgabe"


def check_embeds(root: Path, path: Path, executed) -> list[str]:
    """Try every embed of this notebook in the book's chapters; return the problems."""
    book = load_book(root)
    problems = []
    for entry in book.chapters:
        _, body = chapter_source(book, entry)
        for embed in find_embeds(body, book.source(entry).parent):
            if embed.notebook != path:
                continue
            cell = find_cell(executed, embed.label)
            if cell is None:
                problems.append(f"{entry.path}: {embed.written}: kein label '{embed.label}' im Notebook.")
                continue
            try:
                render_cell(cell, embed.label, lambda png: "abbildung.png")
            except BuildError as err:
                problems.append(f"{entry.path}: {embed.written}: {err}")
    return problems


if __name__ == "__main__":
    raise SystemExit(main())
