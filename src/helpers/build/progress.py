"""Progress lines with timings, and the closing summary."""

from __future__ import annotations

import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path


def seconds(value: float) -> str:
    """German seconds: "5,2 s", "1 min 03 s"."""
    if value >= 60:
        minutes, rest = divmod(round(value), 60)
        return f"{minutes} min {rest:02d} s"
    return f"{value:.1f} s".replace(".", ",")


def size(num_bytes: int) -> str:
    """German file size: "812 KB", "1,4 MB"."""
    if num_bytes >= 1024 * 1024:
        return f"{num_bytes / 1024 / 1024:.1f} MB".replace(".", ",")
    return f"{max(1, round(num_bytes / 1024))} KB"


class Progress:
    """Writes what the build is doing and how long each step took (to stderr)."""

    def __init__(self, stream=None) -> None:
        self.stream = stream or sys.stderr
        self.start = time.perf_counter()
        self._lock = threading.Lock()  # notebooks report from worker threads

    def say(self, text: str) -> None:
        with self._lock:
            print(text, file=self.stream, flush=True)

    def done(self, what: str, took: float) -> None:
        self.say(f"  [{seconds(took):>9}] {what}")

    @contextmanager
    def step(self, what: str):
        """``with progress.step("PDF"):`` prints the step and its duration when it finishes."""
        self.say(f"  {what} …")
        started = time.perf_counter()
        yield
        self.done(what, time.perf_counter() - started)

    def elapsed(self) -> float:
        return time.perf_counter() - self.start


def summary(out: Path, took: float) -> str:
    """What was written: the main files with sizes, counts of pages and figures, total time."""
    lines = [f"Fertig in {seconds(took)}. Geschrieben nach {out}:"]
    pages = sorted(out.rglob("*.html"))
    if (out / "index.html").exists():
        lines.append(f"  index.html (+ {len(pages) - 1} weitere HTML-Seiten)  {size(sum(p.stat().st_size for p in pages))}")
    for path in sorted(out.iterdir()):
        if path.is_file() and path.suffix in (".pdf", ".docx"):
            lines.append(f"  {path.name}  {size(path.stat().st_size)}")
    figures = list(out.rglob("*.png"))
    if figures:
        lines.append(f"  {len(figures)} Abbildungen (PNG)")
    downloads = out / "daten"
    if downloads.is_dir():
        files = [p for p in downloads.rglob("*") if p.is_file()]
        lines.append(f"  daten/: {len(files)} Dateien zum Herunterladen")
    return "\n".join(lines)
