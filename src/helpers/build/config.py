"""Read the book structure from ``_quarto.yml`` and the chapter sources."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from helpers.build.errors import BuildError
from helpers.build.markdown import headings, plain_text

FRONT_MATTER_RE = re.compile(r"\A\ufeff?---[ \t]*\r?\n(?P<yaml>.*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S)


@dataclass(frozen=True)
class ChapterEntry:
    """One chapter file in book order."""

    path: str              # relative to the book root, with "/" (e.g. "chapters/teil1/anlass.qmd")
    part: str | None       # title of its part; the appendix title for appendices; None before Teil I
    appendix: bool = False

    @property
    def html_path(self) -> str:
        """Where Quarto puts the chapter's page: same path, ``.html``."""
        return str(Path(self.path).with_suffix(".html").as_posix())


@dataclass(frozen=True)
class Book:
    """What the build needs from ``_quarto.yml``."""

    root: Path
    title: str
    subtitle: str | None
    authors: tuple[str, ...]
    lang: str
    output_file: str
    output_dir: str
    appendix_title: str
    chapters: tuple[ChapterEntry, ...]
    bibliography: tuple[str, ...] = ()   # paths relative to the root, as in _quarto.yml
    csl: str | None = None

    @property
    def parts(self) -> list[str]:
        """Part titles in order, the appendix title last (if there are appendices)."""
        seen: list[str] = []
        for entry in self.chapters:
            if entry.part and entry.part not in seen:
                seen.append(entry.part)
        return seen

    def source(self, entry: ChapterEntry) -> Path:
        return self.root / entry.path


def load_book(root: Path) -> Book:
    """Parse ``<root>/_quarto.yml`` (a Quarto book project)."""
    path = root / "_quarto.yml"
    try:
        config = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise BuildError(f"{path} fehlt: das Buchverzeichnis braucht eine _quarto.yml.") from None
    except yaml.YAMLError as err:
        raise BuildError(f"{path} ist kein gültiges YAML:\n{err}") from None
    config = _with_metadata_files(root, config, path)
    for name in sorted(_profiles()):  # Quarto merges _quarto-<profile>.yml over _quarto.yml
        extra = root / f"_quarto-{name}.yml"
        if extra.is_file():
            try:
                config = _merge(config, yaml.safe_load(extra.read_text(encoding="utf-8")) or {})
            except yaml.YAMLError as err:
                raise BuildError(f"{extra} ist kein gültiges YAML:\n{err}") from None
    book = config.get("book") or {}
    if not book.get("title") or not book.get("chapters"):
        raise BuildError(f"{path}: unter 'book:' fehlen 'title' oder 'chapters'.")
    language = config.get("language") or {}
    appendix_title = language.get("section-title-appendices") or "Anhang"
    entries = list(_chapter_entries(book["chapters"], path))
    entries += [ChapterEntry(_chapter_path(p, path), appendix_title, True) for p in book.get("appendices") or []]
    _check_sources(root, entries, path)
    return Book(
        root=root,
        title=str(book["title"]),
        subtitle=book.get("subtitle"),
        authors=tuple(_authors(book.get("author"))),
        lang=str(config.get("lang") or "de"),
        output_file=str(book.get("output-file") or "book"),
        output_dir=str((config.get("project") or {}).get("output-dir") or "_book"),
        appendix_title=appendix_title,
        chapters=tuple(entries),
        bibliography=tuple(_paths(config.get("bibliography"), "bibliography", root, path)),
        csl=next(iter(_paths(config.get("csl"), "csl", root, path)), None),
    )


def _with_metadata_files(root: Path, config: dict, config_path: Path) -> dict:
    """Merge the files named by ``metadata-file``/``metadata-files`` over the configuration, as Quarto
    does (in that order; a file that does not exist is skipped, as Quarto skips it)."""
    files = [config.get("metadata-file")] if config.get("metadata-file") else []
    files += config.get("metadata-files") or []
    out = {k: v for k, v in config.items() if k not in ("metadata-file", "metadata-files")}
    for name in files:
        extra = root / str(name)
        if not extra.is_file():
            continue
        try:
            inhalt = yaml.safe_load(extra.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as err:
            raise BuildError(f"{extra} (metadata-files in {config_path.name}) ist kein gültiges YAML:\n{err}") from None
        if not isinstance(inhalt, dict):
            raise BuildError(f"{extra} (metadata-files in {config_path.name}) muss Schlüssel und Werte enthalten.")
        out = _merge(out, inhalt)
    return out


def _profiles() -> frozenset[str]:
    from helpers.build.profile import active

    return active()


def _merge(base: dict, extra: dict) -> dict:
    """Quarto's metadata merge: maps key by key, lists concatenated (entries kept once), else replaced.

    As Quarto's ``mergeArrayCustomizer``: a profile that lists chapters adds them to the book's.
    """
    out = dict(base)
    for key, value in extra.items():
        old = out.get(key)
        if isinstance(value, dict) and isinstance(old, dict):
            out[key] = _merge(old, value)
        elif isinstance(value, list) and isinstance(old, list):
            seen, merged = set(), []
            for item in [*old, *value]:
                mark = json.dumps(item, sort_keys=True, default=str)
                if mark not in seen:
                    seen.add(mark)
                    merged.append(item)
            out[key] = merged
        else:
            out[key] = value
    return out


def _chapter_entries(items: list, config_path: Path):
    part: str | None = None
    for item in items:
        if isinstance(item, dict) and "part" in item:
            part = str(item["part"])
            if part.endswith(".qmd"):
                raise BuildError(f"{config_path}: Teile als Datei ('part: {part}') unterstützt der Build "
                                 "ohne Quarto nicht; bitte den Titel des Teils als Text angeben.")
            for sub in item.get("chapters") or []:
                yield ChapterEntry(_chapter_path(sub, config_path), part)
        else:
            yield ChapterEntry(_chapter_path(item, config_path), part)


def _chapter_path(item, config_path: Path) -> str:
    if isinstance(item, dict) and "href" in item:
        item = item["href"]
    if not isinstance(item, str) or not item.endswith(".qmd"):
        raise BuildError(f"{config_path}: unerwarteter Kapiteleintrag {item!r} (erwartet: Pfad zu einer .qmd-Datei).")
    return item


def _paths(value, key: str, root: Path, config_path: Path) -> list[str]:
    """A file path or a list of them (Quarto's ``bibliography``/``csl``); each must exist."""
    values = [] if value is None else value if isinstance(value, list) else [value]
    for item in values:
        if not isinstance(item, str) or not (root / item).is_file():
            raise BuildError(f"{config_path}: '{key}: {item}' nennt keine vorhandene Datei. "
                             "Bitte den Pfad (vom Buchverzeichnis aus) prüfen.")
    return values


def _authors(value) -> list[str]:
    if not value:
        return []
    values = value if isinstance(value, list) else [value]
    return [str(v.get("name", v)) if isinstance(v, dict) else str(v) for v in values]


def _check_sources(root: Path, entries: list[ChapterEntry], config_path: Path) -> None:
    missing = [e.path for e in entries if not (root / e.path).is_file()]
    if missing:
        raise BuildError(f"{config_path} nennt Kapitel, die es nicht gibt:\n"
                         + "\n".join(f"  - {m}" for m in missing)
                         + "\nBitte die Datei anlegen oder den Eintrag entfernen.")
    paths = [e.path for e in entries]
    doubled = sorted({p for p in paths if paths.count(p) > 1})
    if doubled:
        raise BuildError(f"{config_path} nennt Kapitel mehrfach: {', '.join(doubled)}")


def split_front_matter(text: str, where: str = "") -> tuple[dict, str]:
    """Return ``(front matter, body)``; the front matter is ``{}`` when there is none."""
    match = FRONT_MATTER_RE.match(text)
    if not match:
        return {}, text
    try:
        meta = yaml.safe_load(match.group("yaml")) or {}
    except yaml.YAMLError as err:
        raise BuildError(f"{where}: der YAML-Kopf ist ungültig:\n{err}") from None
    if not isinstance(meta, dict):
        raise BuildError(f"{where}: der YAML-Kopf muss Schlüssel und Werte enthalten.")
    return meta, text[match.end():]


def read_chapter(book: Book, entry: ChapterEntry) -> tuple[dict, str]:
    """Front matter and Markdown body of a chapter file."""
    text = book.source(entry).read_text(encoding="utf-8")
    return split_front_matter(text, entry.path)


def chapter_title(meta: dict, body: str) -> str | None:
    """The chapter title: ``title`` of the front matter if present, else the first level-1 heading."""
    if meta.get("title"):
        return str(meta["title"])
    first = next((h for h in headings(body) if h.level == 1), None)
    return plain_text(first.text) if first else None
