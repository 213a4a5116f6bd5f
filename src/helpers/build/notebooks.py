"""Execute notebooks with nbclient and read Quarto cell options.

``execute(path)`` is the single unit of work: it runs one notebook in a fresh kernel
and returns the executed notebook, or raises ``NotebookError`` with a short, readable
report. Caching and parallel runs wrap this function (see ``execute_all``).
"""

from __future__ import annotations

import functools
import os
import re
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from pathlib import Path

import nbformat
import yaml
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

from helpers.build.errors import BuildError

KERNEL = "python3"
TIMEOUT = 600  # seconds per cell
TRACEBACK_LINES = 15
ANSI_RE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
OPTION_RE = re.compile(r"^#\|\s?(.*)$")


class NotebookError(BuildError):
    """A notebook failed; the message names the notebook and the cell."""


def cell_options(cell) -> dict:
    """Quarto cell options: the ``#| key: value`` lines at the top of a code cell (YAML)."""
    lines: list[str] = []
    for line in cell.get("source", "").splitlines():
        match = OPTION_RE.match(line)
        if not match:
            break
        lines.append(match.group(1))
    if not lines:
        return {}
    return dict(_parse_options("\n".join(lines)))


# The embed step looks up labels cell by cell for every embed (thousands of lookups in the
# book): parse each distinct option block once, with libyaml where PyYAML has it.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@functools.lru_cache(maxsize=4096)
def _parse_options(text: str) -> dict:
    try:
        options = yaml.load(text, Loader=_YAML_LOADER)  # noqa: S506 - a safe loader
    except yaml.YAMLError as err:
        raise BuildError(f"Zelloptionen (#|) sind kein gültiges YAML:\n{text}\n{err}") from None
    return options if isinstance(options, dict) else {}


def cell_label(cell) -> str | None:
    """The cell's ``label`` option, if any (code cells only)."""
    if cell.get("cell_type") != "code":
        return None
    label = cell_options(cell).get("label")
    return str(label) if label else None


def strip_ansi(text: str) -> str:
    return ANSI_RE.sub("", text)


def execute(path: Path, *, env: Mapping[str, str] | None = None, timeout: int = TIMEOUT):
    """Run the notebook at ``path`` in a fresh kernel (cwd = its folder) and return it executed.

    ``env`` is added to this process's environment for the kernel. Raises
    ``NotebookError`` when a cell fails, times out or the kernel dies.
    """
    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        kernel_name=KERNEL,
        timeout=timeout,
        resources={"metadata": {"path": str(path.parent)}},
    )
    try:
        client.execute(env={**os.environ, **(env or {})}, **_transport_options())
    except CellExecutionError:
        raise NotebookError(failure_report(path, nb)) from None
    except CellTimeoutError:
        raise NotebookError(failure_report(path, nb, f"Zeitüberschreitung: eine Zelle lief länger als {timeout} s.")) from None
    except DeadKernelError:
        raise NotebookError(failure_report(path, nb, "Der Python-Kernel ist abgestürzt (Speicher?).")) from None
    return nb


def _transport_options() -> dict:
    """Encrypt kernel traffic where jupyter_client supports it (and so avoid its warning)."""
    from jupyter_client.manager import KernelManager

    return {"transport_encryption": "auto"} if hasattr(KernelManager, "_transport_encryption_policy") else {}


def failure_report(path: Path, nb, reason: str | None = None) -> str:
    """German report: notebook, failing cell (index, label, first source lines) and short traceback."""
    index, cell = failing_cell(nb)
    where = f"Notebook {display_path(path)} ist fehlgeschlagen"
    if cell is None:
        return f"{where}.\n{reason or ''}".rstrip()
    label = cell_label(cell)
    lines = [f"{where}: Zelle {index + 1}" + (f" (label: {label})" if label else "") + "."]
    source = [line for line in cell.source.splitlines() if not line.startswith("#|")]
    lines += ["Code der Zelle:"] + [f"    {line}" for line in source[:6]]
    if len(source) > 6:
        lines.append("    …")
    if reason:
        lines.append(reason)
    error = next((o for o in cell.get("outputs", []) if o.get("output_type") == "error"), None)
    if error is not None:
        trace = strip_ansi("\n".join(error.get("traceback", []))).splitlines()
        trace = [line for line in trace if line.strip()]
        shown = trace[-TRACEBACK_LINES:]
        lines.append(f"Traceback ({'letzte ' + str(len(shown)) + ' Zeilen' if len(trace) > len(shown) else 'vollständig'}):")
        lines += [f"  {line}" for line in shown]
    return "\n".join(lines)


def failing_cell(nb):
    """``(index, cell)`` of the cell with an error output, else of the last executed cell."""
    last = (None, None)
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        if any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
            return index, cell
        if cell.get("execution_count") is not None or cell.get("outputs"):
            last = (index, cell)
    # A timeout or a dead kernel leaves no error output: the cell after the last finished one.
    if last[0] is not None:
        following = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and i > last[0]]
        if following:
            return following[0], nb.cells[following[0]]
    return last


def display_path(path: Path) -> str:
    """``notebooks/x.ipynb`` relative to the working directory when possible."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def execute_all(
    paths: Iterable[Path],
    *,
    jobs: int = 1,
    env: Mapping[str, str] | None = None,
    run: Callable[..., object] = execute,
    on_done: Callable[[Path, float], None] | None = None,
) -> dict[Path, object]:
    """Execute several notebooks, ``jobs`` at a time; return ``{path: executed notebook}``.

    Kernels are separate processes, so threads are enough to run them in parallel.
    On the first failure no further notebook starts; it is raised once the running ones end.
    """
    paths = list(paths)

    def one(path: Path):
        start = time.perf_counter()
        nb = run(path, env=env)
        if on_done:
            on_done(path, time.perf_counter() - start)
        return nb

    if jobs <= 1 or len(paths) <= 1:
        return {path: one(path) for path in paths}
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {path: pool.submit(one, path) for path in paths}
        wait(futures.values(), return_when=FIRST_EXCEPTION)
        failed = [f for f in futures.values() if f.done() and f.exception() is not None]
        if failed:
            for future in futures.values():
                future.cancel()  # notebooks not started yet; running ones finish first
            raise failed[0].exception()
        return {path: future.result() for path, future in futures.items()}
