"""Benchmark of the build and of the data pipeline: ``make bench`` (``python -m helpers.bench``).

Build (on a temporary copy of the repository, so the real chapters and data stay untouched;
the copy imports its own ``src/helpers`` through ``PYTHONPATH``):

a) cold build (``--fresh``), b) rebuild with nothing changed, c) rebuild after a sentence
was appended to a chapter, d) rebuild after one value in ``data/bestand/wohnen.csv`` changed,
f) cold build for a synthetic city with 150 districts × 10 years (``helpers.beispieldaten``;
issue 13: less than twice the time of a), peak memory under 2 GB), and the exponent of
build time ~ districts^b between a) and f).
Each as wall time, share of the cold build and peak memory: the sum over the build process
and its kernels (sampled with psutil, which ipykernel already installs) and the largest
single process (``getrusage(RUSAGE_CHILDREN).ru_maxrss`` of a wrapper process).

Data pipeline: ``helpers.daten.laden`` (reading, validation, disclosure control, indicators)
on synthetic data folders with many districts × years × all Merkmale of the demo data,
and the exponent of time ~ rows^b (least squares on log-log).

Notebooks: time per notebook beyond kernel start (the cells' own timing recorded by nbclient).

The result goes to ``.cache/bench.md`` and to the screen.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

IGNORED = {".venv", ".cache", ".pytest_cache", ".quarto", "__pycache__", ".ipynb_checkpoints"}
TARGETS = {"b": 0.10, "c": 0.20,  # issue 7: nothing changed < 10 %, prose-only edit < 20 % of the cold build
           "f": 2.00}  # issue 13: 150 districts < 2 × the cold build of the demo city
SCALE_DISTRICTS = 150
SCALE_MEMORY = 2 * 1024 ** 3  # issue 13: peak memory (all processes) of the 150-district build
SIZES = (50, 100, 200, 500, 1000)
YEARS = 20
LINEAR_LIMIT = 1.15  # exponent up to which growth counts as linear (measurement noise on a shared machine)

# Runs a command and writes, for it and all its (waited-for) descendants, the largest RSS
# of a single process (KiB on Linux) and the CPU seconds used.
WRAPPER = (
    "import json, resource, subprocess, sys\n"
    "code = subprocess.call(sys.argv[2:])\n"
    "r = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "open(sys.argv[1], 'w').write(json.dumps({'maxrss': r.ru_maxrss, 'cpu': r.ru_utime + r.ru_stime}))\n"
    "sys.exit(code)\n"
)


# --- German numbers ---------------------------------------------------------------------------

def de(x: float, stellen: int = 1) -> str:
    """12.5 -> "12,5"; 13036 -> "13.036"."""
    text = f"{x:,.{stellen}f}"
    return text.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")


def sekunden(x: float) -> str:
    return f"{de(x, 1)} s"


def megabyte(num_bytes: float | None) -> str:
    if num_bytes is None:
        return "–"
    if num_bytes >= 1024 ** 3:
        return f"{de(num_bytes / 1024 ** 3, 2)} GB"
    return f"{de(num_bytes / 1024 ** 2, 0)} MB"


# --- running one build -------------------------------------------------------------------------

@dataclass
class Lauf:
    """One measured build."""

    name: str
    beschreibung: str
    sekunden: float
    speicher_summe: float | None  # bytes, build process + kernels at the same time
    speicher_prozess: float | None  # bytes, the largest single process
    last: float  # load average (1 min) at the start
    cpu: float | None = None  # CPU seconds of the build and its kernels (less sensitive to other load)
    protokoll: str = ""
    wiederholungen: list[float] = field(default_factory=list)
    stadtteile: int | None = None  # districts of the data folder (f: the synthetic city)


class TreeMemory:
    """Samples the summed RSS of a process and its descendants (psutil; None without it)."""

    def __init__(self, pid: int, every: float = 0.1):
        self.peak: float | None = None
        self._stop = threading.Event()
        try:
            import psutil
        except ImportError:
            return
        self.peak = 0.0
        self._thread = threading.Thread(target=self._sample, args=(psutil, pid, every), daemon=True)
        self._thread.start()

    def _sample(self, psutil, pid: int, every: float) -> None:
        try:
            root = psutil.Process(pid)
        except psutil.Error:
            return
        while not self._stop.is_set():
            total = 0
            try:
                processes = [root, *root.children(recursive=True)]
            except psutil.Error:
                break
            for process in processes:
                try:
                    total += process.memory_info().rss
                except psutil.Error:
                    continue
            self.peak = max(self.peak or 0.0, float(total))
            self._stop.wait(every)

    def stop(self) -> float | None:
        self._stop.set()
        if hasattr(self, "_thread"):
            self._thread.join()
        return self.peak


def run_build(repo: Path, out: Path, env: dict, *extra: str, name: str = "", beschreibung: str = "") -> Lauf:
    """``python -m helpers.build --engine python --output out`` in ``repo``; time and memory."""
    maxrss_file = out.with_name(out.name + ".maxrss")
    command = [sys.executable, "-c", WRAPPER, str(maxrss_file),
               sys.executable, "-m", "helpers.build", "--engine", "python", "--output", str(out), *extra]
    last = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    started = time.perf_counter()
    proc = subprocess.Popen(command, cwd=repo, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    memory = TreeMemory(proc.pid)
    log, _ = proc.communicate()
    took = time.perf_counter() - started
    peak = memory.stop()
    if proc.returncode != 0:
        raise RuntimeError(f"Build fehlgeschlagen ({name}):\n{log[-4000:]}")
    try:
        usage = json.loads(maxrss_file.read_text())
        largest, cpu = float(usage["maxrss"]) * 1024, float(usage["cpu"])  # Linux: KiB
    except (OSError, ValueError, KeyError):
        largest = cpu = None
    return Lauf(name, beschreibung, took, peak, largest, last, cpu, log, [took])


# --- the repository copy -----------------------------------------------------------------------

def copy_repo(root: Path, target: Path) -> Path:
    """Copy the working tree (with .git, without .venv, .cache, built books) to ``target``."""
    def ignore(folder: str, names: list[str]) -> set[str]:
        return {n for n in names if n in IGNORED or n.startswith("_book") or n.endswith(".egg-info")}

    shutil.copytree(root, target, ignore=ignore, symlinks=True)
    return target


def bench_env(repo: Path) -> dict:
    """Environment for builds of the copy: its own helpers and data, nothing from the caller's book."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("SOZIALBERICHT_DATEN", "SOZIALBERICHT_AUSGABE", "SOZIALBERICHT_FRESH")}
    env["SOZIALBERICHT_ROOT"] = str(repo)
    env["PYTHONPATH"] = os.pathsep.join([str(repo / "src"), *filter(None, [os.environ.get("PYTHONPATH")])])
    return env


def edit_prose(repo: Path, run: int = 1) -> Path:
    """Append a sentence to the first chapter after ``index.qmd`` (a prose-only edit); return its path."""
    from helpers.build.config import load_book

    book = load_book(repo)
    entry = next(e for e in book.chapters if e.path != "index.qmd")
    path = repo / entry.path
    with open(path, "a", encoding="utf-8") as f:
        f.write(f"\n\nDiesen Satz hat der Benchmark angefügt (Durchgang {run}).\n")
    return path


def change_data_value(folder: Path, file: str = "bestand/wohnen.csv", factor: float = 1.01) -> tuple[str, str, str]:
    """Change one amount (a Merkmal with ``art: betrag``, so no sum or count rule is touched) in ``file``.

    Returns ``(row as before, new value, merkmal)``. Works on long-format CSV files.
    """
    import yaml

    catalog_file = folder / "indikatoren.yml"
    if not catalog_file.is_file():
        from helpers.daten.ordner import katalog_pfad

        catalog_file = katalog_pfad(folder)
    catalog = yaml.safe_load(catalog_file.read_text(encoding="utf-8"))
    amounts = {m["id"] for m in catalog.get("merkmale", []) if m.get("art") == "betrag"}
    path = folder / file
    lines = path.read_text(encoding="utf-8").split("\n")
    header = lines[0].split(";")
    column = {name.strip(): i for i, name in enumerate(header)}
    for index, line in enumerate(lines[1:], start=1):
        cells = line.split(";", len(header) - 1)
        if len(cells) < len(header) or cells[column["merkmal"]] not in amounts:
            continue
        old = cells[column["wert"]]
        try:
            value = float(old.replace(",", "."))
        except ValueError:
            continue
        new = str(round(value * factor)) if value.is_integer() else f"{value * factor:.2f}"
        if new == old:
            new = str(int(value) + 1) if value.is_integer() else f"{value + 1:.2f}"
        cells[column["wert"]] = new
        lines[index] = ";".join(cells)
        path.write_text("\n".join(lines), encoding="utf-8")
        return line, new, cells[column["merkmal"]]
    raise ValueError(f"{path}: keine Zeile mit einem Betrag (art: betrag) gefunden.")


def bench_build(root: Path, repeats: int = 3, keep: Path | None = None) -> tuple[list[Lauf], list[dict]]:
    """Measurements a)–d) on a copy of ``root``; also the notebook timings of the cold build."""
    with tempfile.TemporaryDirectory(prefix="sozialbericht-bench-") as tmp:
        tmp = Path(tmp)
        repo = copy_repo(root, tmp / "repo")
        env = bench_env(repo)
        say("a) Kaltstart (--fresh) …")
        cold = run_build(repo, tmp / "a", env, "--fresh", name="a", beschreibung="Kaltstart (--fresh, leerer Cache)")
        save_log(keep, "a", cold)
        cold.stadtteile = len((repo / "data" / "stadtteile.csv").read_text(encoding="utf-8").strip().splitlines()) - 1
        timings = notebook_timings(repo, cold.protokoll)
        runs = [cold]

        def repeated(name: str, beschreibung: str, before=None) -> Lauf:
            results = []
            for i in range(repeats):
                if before:
                    before(i + 1)
                say(f"{name}) {beschreibung} ({i + 1}/{repeats}) …")
                results.append(run_build(repo, tmp / f"{name}{i}", env, name=name, beschreibung=beschreibung))
                save_log(keep, f"{name}{i + 1}", results[-1])
            best = sorted(results, key=lambda r: r.sekunden)[len(results) // 2]  # the median run
            best.wiederholungen = [r.sekunden for r in results]
            return best

        runs.append(repeated("b", "Neubau ohne Änderung"))
        runs.append(repeated("c", "Neubau nach Textänderung (ein Satz in einem Kapitel)",
                             before=lambda i: edit_prose(repo, i)))
        say("d) Neubau nach Änderung einer Datendatei …")
        row, new, merkmal = change_data_value(repo / "data")
        runs.append(run_build(repo, tmp / "d", env, name="d",
                              beschreibung=f"Neubau nach Änderung eines Werts in data/bestand/wohnen.csv ({merkmal})"))
        save_log(keep, "d", runs[-1])
        return runs, timings


def bench_scale(root: Path, districts: int = SCALE_DISTRICTS, keep: Path | None = None) -> Lauf:
    """f) cold build of a copy of ``root`` for a synthetic city with ``districts`` districts × 10 years."""
    from helpers import beispieldaten

    with tempfile.TemporaryDirectory(prefix="sozialbericht-scale-") as tmp:
        tmp = Path(tmp)
        repo = copy_repo(root, tmp / "repo")
        folder = tmp / "stadt"
        beispieldaten.schreiben(beispieldaten.erzeugen(stadt="Großstadt", stadtteile=districts), folder)
        env = bench_env(repo)
        env["SOZIALBERICHT_DATEN"] = str(folder)
        say(f"f) Kaltstart mit {districts} Stadtteilen …")
        run = run_build(repo, tmp / "f", env, "--fresh", name="f",
                        beschreibung=f"Kaltstart (--fresh) für eine synthetische Stadt mit {districts} Stadtteilen "
                                     "× 10 Jahren")
        run.stadtteile = districts
        save_log(keep, "f", run)
        return run


def save_log(folder: Path | None, name: str, run: Lauf) -> None:
    """The build's progress output, to see where the time went (``.cache/bench/<name>.log``)."""
    if folder is not None:
        (folder / "bench").mkdir(parents=True, exist_ok=True)
        (folder / "bench" / f"{name}.log").write_text(run.protokoll, encoding="utf-8")


# --- notebook timings -------------------------------------------------------------------------

def _stamp(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def cell_seconds(nb: dict) -> list[tuple[int, str | None, float]]:
    """``(cell number, label, seconds)`` from nbclient's timing metadata of an executed notebook."""
    from helpers.build.notebooks import cell_label

    found = []
    for number, cell in enumerate(nb.get("cells", []), start=1):
        timing = (cell.get("metadata") or {}).get("execution") or {}
        if cell.get("cell_type") != "code" or "iopub.execute_input" not in timing:
            continue
        end = timing.get("shell.execute_reply") or timing.get("iopub.status.idle")
        if not end:
            continue
        seconds = (_stamp(end) - _stamp(timing["iopub.execute_input"])).total_seconds()
        source = cell.get("source", "")
        label = cell_label({**cell, "source": "".join(source) if isinstance(source, list) else source})
        found.append((number, label, max(0.0, seconds)))
    return found


def notebook_timings(repo: Path, log: str = "") -> list[dict]:
    """Per executed notebook in ``repo/.cache/notebooks``: wall time in the build and cell times."""
    wall = {m.group("name"): parse_seconds(m.group("zeit"))
            for m in re.finditer(r"\[\s*(?P<zeit>[^\]]+?)\]\s+Notebook (?P<name>\S+\.ipynb)(?! aus)", log)}
    rows = []
    for path in sorted((repo / ".cache" / "notebooks" / "notebooks").glob("*.ipynb")):
        cells = cell_seconds(json.loads(path.read_text(encoding="utf-8")))
        if not cells:
            continue
        total = sum(s for _, _, s in cells)
        setup = cells[0][2]
        slowest = max(cells, key=lambda c: c[2])
        rows.append({"notebook": path.name, "wand": wall.get(path.name), "zellen": total, "setup": setup,
                     "rest": total - setup, "langsamste": slowest})
    return rows


def parse_seconds(text: str) -> float:
    """ "5,2 s" or "1 min 03 s" (progress format) -> seconds."""
    text = text.strip()
    match = re.fullmatch(r"(\d+) min (\d+) s", text)
    if match:
        return int(match.group(1)) * 60 + int(match.group(2))
    return float(text.removesuffix(" s").replace(",", "."))


# --- the data pipeline on large synthetic data ------------------------------------------------

def synthetic_folder(source: Path, target: Path, districts: int, years: int = YEARS, base=None) -> int:
    """A data folder with ``districts`` × ``years`` × all Merkmale of ``source``; return the number of rows.

    District k repeats district k mod n of ``source`` with all counts multiplied by the
    whole number 1 + (k // n) mod 3, and year y repeats the source year with the same
    position in its cycle: sums, zaehler <= nenner and completeness hold as in the source,
    so the folder passes validation and the disclosure control has real work to do.
    """
    import numpy as np
    import pandas as pd

    if base is None:
        from helpers.daten import laden

        base = laden(source)
    bestand = base.bestand
    names = base.stadtteile["name"].tolist()
    source_years = np.sort(bestand["jahr"].unique())
    wanted = np.arange(int(source_years.max()) - years + 1, int(source_years.max()) + 1)
    rows = pd.DataFrame({
        "i": bestand["stadtteil"].map({n: i for i, n in enumerate(names)}).to_numpy(),
        "jahr": bestand["jahr"].to_numpy(dtype=np.int64),
        "merkmal": bestand["merkmal"].astype(str).to_numpy(),
        "wert": bestand["wert"].to_numpy(dtype=float),
        "datei": bestand["datei"].astype(str).map(lambda d: Path(d).stem).to_numpy(),
    })
    per_year = []
    for year in wanted:
        same = source_years[(year - source_years[0]) % len(source_years)] if year not in source_years else year
        per_year.append(rows[rows["jahr"] == same].assign(jahr=year))
    cycle = pd.concat(per_year, ignore_index=True)
    groups = {i: g for i, g in cycle.groupby("i")}
    parts = []
    for k in range(districts):
        part = groups[k % len(names)].copy()
        part["stadtteil"] = f"Bezirk {k + 1:03d}"
        part["wert"] = part["wert"] * (1 + (k // len(names)) % 3)
        parts.append(part)
    data = pd.concat(parts, ignore_index=True)
    if np.all(np.mod(data["wert"].to_numpy(), 1) == 0):
        data["wert"] = data["wert"].astype(np.int64)

    (target / "bestand").mkdir(parents=True, exist_ok=True)
    for stem, group in data.groupby("datei", sort=True):
        group[["stadtteil", "jahr", "merkmal", "wert"]].to_csv(target / "bestand" / f"{stem}.csv", sep=";",
                                                                index=False, lineterminator="\n")
    pd.DataFrame({"schluessel": [f"{k + 1:03d}" for k in range(districts)],
                  "name": [f"Bezirk {k + 1:03d}" for k in range(districts)]}).to_csv(
        target / "stadtteile.csv", sep=";", index=False, lineterminator="\n")
    shutil.copyfile(source / "bericht.yml", target / "bericht.yml")
    from helpers.daten.ordner import katalog_pfad

    shutil.copyfile(katalog_pfad(Path(source)), target / "indikatoren.yml")
    return len(data)


def time_pipeline(folder: Path) -> dict:
    """Seconds for ``laden(folder)`` and its parts (disclosure control, indicators)."""
    from helpers.daten import datenbestand

    spent = {"sperrmaske": 0.0, "berechne": 0.0}
    originals = {"sperrmaske": datenbestand.geheimhaltung.sperrmaske, "berechne": datenbestand.indikatoren.berechne}

    def timed(name):
        def call(*args, **kwargs):
            started = time.perf_counter()
            try:
                return originals[name](*args, **kwargs)
            finally:
                spent[name] += time.perf_counter() - started
        return call

    datenbestand.geheimhaltung.sperrmaske = timed("sperrmaske")
    datenbestand.indikatoren.berechne = timed("berechne")
    try:
        started = time.perf_counter()
        result = datenbestand.laden(folder)
        total = time.perf_counter() - started
    finally:
        datenbestand.geheimhaltung.sperrmaske = originals["sperrmaske"]
        datenbestand.indikatoren.berechne = originals["berechne"]
    return {"gesamt": total, "geheimhaltung": spent["sperrmaske"], "indikatoren": spent["berechne"],
            "einlesen": total - spent["sperrmaske"] - spent["berechne"], "indikatorzeilen": len(result.indikatoren),
            "gesperrt": int(result.indikatoren["gesperrt"].sum())}


def fit_exponent(sizes: list[float], seconds: list[float]) -> tuple[float, float]:
    """Least-squares fit of log(seconds) = a + b·log(size): ``(b, r²)``."""
    xs = [math.log(s) for s in sizes]
    ys = [math.log(t) for t in seconds]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    b = sxy / sxx
    ss_res = sum((y - (my + b * (x - mx))) ** 2 for x, y in zip(xs, ys))
    ss_tot = sum((y - my) ** 2 for y in ys)
    return b, (1 - ss_res / ss_tot) if ss_tot else 1.0


def bench_pipeline(source: Path, sizes=SIZES, years: int = YEARS, repeats: int = 3) -> list[dict]:
    """``laden`` on synthetic folders of growing size (best of ``repeats`` per size)."""
    from helpers.daten import laden

    base = laden(source)
    results = []
    with tempfile.TemporaryDirectory(prefix="sozialbericht-pipeline-") as tmp:
        warm = Path(tmp) / "warm"
        synthetic_folder(source, warm, 5, years, base=base)
        time_pipeline(warm)  # imports and first-call costs out of the first measurement
        for n in sizes:
            say(f"e) Datenpipeline: {n} Stadtteile × {years} Jahre …")
            folder = Path(tmp) / f"n{n}"
            rows = synthetic_folder(source, folder, n, years, base=base)
            runs = []
            for r in range(repeats):
                copy = Path(tmp) / f"n{n}-{r}"
                shutil.copytree(folder, copy)  # a new path: laden's in-process cache does not apply
                runs.append(time_pipeline(copy))
                shutil.rmtree(copy)
            best = min(runs, key=lambda x: x["gesamt"])
            results.append({"stadtteile": n, "jahre": years, "zeilen": rows, **best})
            shutil.rmtree(folder)
    return results


# --- report -----------------------------------------------------------------------------------

def report(runs: list[Lauf], timings: list[dict], pipeline: list[dict], machine: str) -> str:
    lines = ["# Benchmark des Sozialbericht-Builds", "", machine, ""]
    if runs:
        cold = runs[0].sekunden
        lines += ["## Build (Python-Build ohne Quarto, auf einer Kopie des Repositorys)", "",
                  "Zeit = Wandzeit; CPU = Rechenzeit von Build und Kerneln zusammen (hängt kaum von anderer Last "
                  "auf dem Rechner ab); Speicher = Spitzenwert der Summe aller Prozesse (alle 0,1 s gemessen) und "
                  "des größten einzelnen Prozesses; Last = Load Average beim Start.", "",
                  "| Messung | Zeit | Anteil am Kaltstart | Ziel | CPU | CPU-Anteil | Speicher (Summe) | "
                  "größter Prozess | Last |",
                  "|---|---:|---:|---|---:|---:|---:|---:|---:|"]
        for run in runs:
            share = run.sekunden / cold
            goal = TARGETS.get(run.name)
            goal_text = "" if goal is None else (f"< {de(goal * 100, 0)} % " + ("✓" if share < goal else "✗"))
            timing = sekunden(run.sekunden)
            if len(run.wiederholungen) > 1:
                timing += " (Median aus " + ", ".join(de(t, 1) for t in run.wiederholungen) + ")"
            cpu = sekunden(run.cpu) if run.cpu is not None else "–"
            cpu_share = f"{de(run.cpu / runs[0].cpu * 100, 1)} %" if run.cpu and runs[0].cpu else "–"
            lines.append(f"| {run.name}) {run.beschreibung} | {timing} | {de(share * 100, 1)} % | {goal_text} | "
                         f"{cpu} | {cpu_share} | {megabyte(run.speicher_summe)} | {megabyte(run.speicher_prozess)} | "
                         f"{de(run.last, 1)} |")
        scale = next((r for r in runs if r.name == "f"), None)
        if scale is not None and scale.stadtteile:
            demo = runs[0].stadtteile or DEMO_DISTRICTS
            b = math.log(scale.sekunden / cold) / math.log(scale.stadtteile / demo)
            memory_ok = scale.speicher_summe is not None and scale.speicher_summe < SCALE_MEMORY
            lines += ["", f"Skalierung: {scale.stadtteile} statt {demo} Stadtteile brauchen das "
                      f"{de(scale.sekunden / cold, 2)}-Fache der Zeit (Ziel < 2: {'✓' if scale.sekunden < 2 * cold else '✗'}); "
                      f"Zeit ~ Stadtteile^b mit b = {de(b, 2)}. Speicher (Summe) {megabyte(scale.speicher_summe)} "
                      f"(Ziel < 2 GB: {'✓' if memory_ok else '✗'})."]
        lines.append("")
    if timings:
        lines += ["## Notebooks auf den Demodaten (Kaltstart)", "",
                  "Zellen = Laufzeit aller Zellen ohne Kernelstart; Setup = erste Zelle (`helpers.setup()`: "
                  "Importe, Daten laden und prüfen); im Build = Wandzeit im Build einschließlich Kernelstart "
                  "(bei parallelen Kerneln).", "",
                  "| Notebook | im Build | Zellen | davon Setup | übrige Zellen | langsamste Zelle |",
                  "|---|---:|---:|---:|---:|---|"]
        for row in sorted(timings, key=lambda r: -r["zellen"]):
            number, label, seconds = row["langsamste"]
            wall = sekunden(row["wand"]) if row["wand"] is not None else "–"
            lines.append(f"| {row['notebook']} | {wall} | {sekunden(row['zellen'])} | {sekunden(row['setup'])} | "
                         f"{sekunden(row['rest'])} | Zelle {number}{f' ({label})' if label else ''}: {sekunden(seconds)} |")
        lines.append("")
    if pipeline:
        b, r2 = fit_exponent([p["zeilen"] for p in pipeline], [p["gesamt"] for p in pipeline])
        lines += ["## Datenpipeline auf synthetischen Daten (`helpers.daten.laden`)", "",
                  "| Stadtteile × Jahre | Zeilen | gesamt | Einlesen + Prüfen | Geheimhaltung | Indikatoren | "
                  "µs je Zeile |", "|---|---:|---:|---:|---:|---:|---:|"]
        for p in pipeline:
            lines.append(f"| {p['stadtteile']} × {p['jahre']} | {de(p['zeilen'], 0)} | {sekunden(p['gesamt'])} | "
                         f"{sekunden(p['einlesen'])} | {sekunden(p['geheimhaltung'])} | {sekunden(p['indikatoren'])} | "
                         f"{de(p['gesamt'] / p['zeilen'] * 1e6, 1)} |")
        verdict = "linear" if b <= LINEAR_LIMIT else "stärker als linear"
        lines += ["", f"Angepasst: Zeit ~ Zeilen^b mit b = {de(b, 2)} (R² = {de(r2, 3)}): {verdict}.", ""]
    return "\n".join(lines)


DEMO_DISTRICTS = 11  # the Dorsten demo data of a)


def machine_line() -> str:
    import platform

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (f"Gemessen am {datetime.now():%d.%m.%Y %H:%M} auf {platform.node() or 'diesem Rechner'}: "
            f"{cores} Kerne, Python {platform.python_version()}, {platform.system()} {platform.machine()}.")


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--nur", choices=["build", "pipeline"], help="nur diesen Teil messen")
    parser.add_argument("--stadtteile", type=int, default=SCALE_DISTRICTS,
                        help="Stadtteile der synthetischen Stadt für f) (0 = f) auslassen; Standard: %(default)s)")
    parser.add_argument("--wiederholungen", type=int, default=3, help="Läufe für b) und c) (Median)")
    parser.add_argument("--groessen", default=",".join(map(str, SIZES)),
                        help="Zahl der Stadtteile für die Datenpipeline (Standard: %(default)s)")
    parser.add_argument("--jahre", type=int, default=YEARS)
    args = parser.parse_args(argv)

    from helpers.build.pipeline import find_root

    root = Path(os.environ.get("SOZIALBERICHT_ROOT") or find_root())
    out = root / ".cache"
    out.mkdir(parents=True, exist_ok=True)
    runs, timings, pipeline = [], [], []
    if args.nur in (None, "build"):
        runs, timings = bench_build(root, repeats=max(1, args.wiederholungen), keep=out)
        if args.stadtteile:
            runs.append(bench_scale(root, args.stadtteile, keep=out))
        say(f"Protokolle der Läufe: {out / 'bench'}/")
    if args.nur in (None, "pipeline"):
        data = Path(os.environ.get("SOZIALBERICHT_DATEN") or root / "data")
        pipeline = bench_pipeline(data, [int(s) for s in args.groessen.split(",")], args.jahre)
    text = report(runs, timings, pipeline, machine_line())
    (out / "bench.md").write_text(text, encoding="utf-8")
    print(text)
    say(f"Geschrieben: {out / 'bench.md'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
