"""Jupyter for analysts (issue 12): notebooks run from ``jupyter nbconvert`` and from
JupyterLab (``make lab``) in ``notebooks/`` with the project's kernel and data and no set-up;
the git filter (nbstripout, configured in the Makefile) keeps committed notebooks clean.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import nbformat
import pytest

import nbtest

ROOT = Path(__file__).resolve().parents[1]
NB = ROOT / "notebooks"
NOTEBOOKS = sorted(NB.glob("*.ipynb"))
VENV_BIN = Path(sys.executable).parent
# What an analyst has: none of the variables the build and the other tests set.
PLAIN_ENV = {k: v for k, v in os.environ.items()
             if k not in ("SOZIALBERICHT_DATEN", "SOZIALBERICHT_ROOT", "SOZIALBERICHT_AUSGABE")}
# Cheap notebooks that still load and check the whole data folder (quiet machine: 6 s and 9 s;
# all 21 notebooks pass the same way but take minutes, and other tests execute them already).
NBCONVERT = ["datenbasis", "t3_fazit"]


def jupyter() -> str:
    exe = VENV_BIN / ("jupyter.exe" if os.name == "nt" else "jupyter")
    assert exe.exists(), f"{exe} fehlt: JupyterLab gehört zur Projektumgebung (pyproject.toml)"
    return str(exe)


# --- nbconvert --------------------------------------------------------------------------------

@pytest.mark.parametrize("name", NBCONVERT)
def test_nbconvert_executes_a_notebook_in_notebooks_dir(name, tmp_path):
    """``jupyter nbconvert --to notebook --execute`` from notebooks/, as the README says."""
    # Downloads go to tmp (not the checkout's .cache); data and root are found from the cwd.
    env = {**PLAIN_ENV, "SOZIALBERICHT_AUSGABE": str(tmp_path / "ausgabe")}
    result = subprocess.run([jupyter(), "nbconvert", "--to", "notebook", "--execute", "--output-dir",
                             str(tmp_path), f"{name}.ipynb"], cwd=NB, env=env, capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-4000:]
    nb = nbformat.read(tmp_path / f"{name}.ipynb", as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code)
    assert not [o for c in code for o in c.outputs if o.output_type == "error"]
    labelled = nbtest.ausgaben(nb)
    assert labelled and all(labelled.values()), [k for k, v in labelled.items() if not v]


# --- JupyterLab -------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def api(base: str, token: str, path: str, method: str = "GET", body: dict | None = None):
    request = urllib.request.Request(base + path, method=method, headers={"Authorization": f"token {token}"},
                                     data=None if body is None else json.dumps(body).encode())
    with urllib.request.urlopen(request, timeout=10) as response:
        raw = response.read()
        return response.status, (json.loads(raw) if raw and "json" in response.headers.get("content-type", "")
                                 else raw.decode("utf-8", "replace"))


async def execute(url: str, token: str, code: str, timeout: float) -> str:
    """Run ``code`` in a kernel over the server's websocket (Jupyter messaging); return stdout."""
    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    ws = await websocket_connect(HTTPRequest(url, headers={"Authorization": f"token {token}"}))
    msg_id = uuid.uuid4().hex
    header = {"msg_id": msg_id, "msg_type": "execute_request", "session": uuid.uuid4().hex,
              "username": "test", "version": "5.3", "date": ""}
    ws.write_message(json.dumps({"header": header, "parent_header": {}, "metadata": {}, "channel": "shell",
                                 "content": {"code": code, "silent": False, "store_history": False,
                                             "user_expressions": {}, "allow_stdin": False}}))
    out = []
    try:
        while True:
            raw = await asyncio.wait_for(ws.read_message(), timeout)
            assert raw is not None, "Websocket zum Kernel geschlossen"
            msg = json.loads(raw)
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind = msg["msg_type"]
            if kind == "stream":
                out.append(msg["content"]["text"])
            elif kind == "error":
                raise AssertionError("\n".join(msg["content"]["traceback"]))
            elif kind == "status" and msg["content"]["execution_state"] == "idle":
                return "".join(out)
    finally:
        ws.close()


@pytest.fixture
def lab(tmp_path):
    """``make lab`` on a free port without browser; yields (base URL, token); stopped afterwards."""
    make = shutil.which("make")
    if make is None:
        pytest.skip("make fehlt (Windows: der Befehl aus dem README)")
    port, token = free_port(), uuid.uuid4().hex
    args = f"--no-browser --ip=127.0.0.1 --port={port} --ServerApp.port_retries=0 --IdentityProvider.token={token}"
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args += " --allow-root"   # CI runs as root
    env = {**PLAIN_ENV, "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
           "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "workspaces")}
    # -o: never reinstall .venv from inside a test
    proc = subprocess.Popen([make, "-s", "-o", ".venv/.installed", "lab", f"LAB_ARGS={args}"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=open(tmp_path / "lab.log", "w"),
                            start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert proc.poll() is None, (tmp_path / "lab.log").read_text()[-3000:]
            try:
                if api(base, token, "/api/status")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "JupyterLab antwortet nicht:\n" + (tmp_path / "lab.log").read_text()[-3000:]
            time.sleep(0.5)
        yield base, token
    finally:
        try:
            api(base, token, "/api/shutdown", "POST")   # stops the kernels too
            proc.wait(timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            pass
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


def test_make_lab_opens_the_notebooks_with_project_kernel_and_data(lab):
    base, token = lab
    status, page = api(base, token, "/lab")
    assert status == 200 and "JupyterLab" in page
    _, listing = api(base, token, "/api/contents/")
    assert {Path(p).name for p in NOTEBOOKS} <= {e["name"] for e in listing["content"]}
    _, specs = api(base, token, "/api/kernelspecs")
    assert specs["default"] == "python3"
    # A notebook's kernel, as Lab starts it when one opens hf1_demografie.ipynb.
    _, session = api(base, token, "/api/sessions", "POST",
                     {"path": "hf1_demografie.ipynb", "type": "notebook", "name": "", "kernel": {"name": "python3"}})
    ws = base.replace("http", "ws") + f"/api/kernels/{session['kernel']['id']}/channels"
    code = ("import os, sys, helpers\nctx = helpers.setup()\n"
            "print(sys.prefix, os.getcwd(), ctx.ordner, len(ctx.stadtteile), sep='\\n')")
    prefix, cwd, ordner, stadtteile = asyncio.run(execute(ws, token, code, timeout=120)).split()
    assert Path(prefix).resolve() == Path(sys.prefix).resolve()       # the project's .venv
    assert Path(cwd).resolve() == NB.resolve()
    assert Path(ordner).resolve() == (ROOT / "data").resolve()
    assert int(stadtteile) == 11


# --- committing notebooks: nbstripout ---------------------------------------------------------

def nbstripout_args() -> list[str]:
    """The options of the git filter as ``make venv`` configures it (one place: the Makefile)."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    line = re.search(r"^NBSTRIPOUT\s*:=\s*\$\(BIN\)/python -m nbstripout (.*)$", makefile, re.M)
    assert line, "NBSTRIPOUT fehlt im Makefile"
    return shlex.split(line.group(1))


def test_committed_notebooks_are_what_the_filter_writes():
    """Committing a notebook changes nothing: nbstripout with the filter's options is a no-op."""
    result = subprocess.run([sys.executable, "-m", "nbstripout", *nbstripout_args(), "--verify",
                             *map(str, NOTEBOOKS)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, (
        f"{result.stdout}{result.stderr}\nbereinigen mit: make venv, dann git add (der Filter) oder "
        f".venv/bin/python -m nbstripout {' '.join(map(shlex.quote, nbstripout_args()))} notebooks/NAME.ipynb")


def test_git_filter_strips_what_a_run_adds(tmp_path):
    """``git add`` of an executed notebook stores it as committed: outputs, counts, timing
    metadata and the kernel's version go; cell ids and cell options stay."""
    original = NB / "hf1_demografie.ipynb"
    nb = nbformat.read(original, as_version=4)
    for i, cell in enumerate(c for c in nb.cells if c.cell_type == "code"):
        cell.execution_count = i + 1
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="x\n")]
        cell.metadata["execution"] = {"iopub.status.busy": "2026-01-01T00:00:00Z"}
    nb.metadata["language_info"] = {"name": "python", "version": "3.11.9", "mimetype": "text/x-python",
                                    "codemirror_mode": {"name": "ipython", "version": 3}, "file_extension": ".py",
                                    "nbconvert_exporter": "python", "pygments_lexer": "ipython3"}
    nb.metadata["widgets"] = {"state": {}}
    repo = tmp_path / "repo"
    (repo / "notebooks").mkdir(parents=True)
    shutil.copy(ROOT / ".gitattributes", repo / ".gitattributes")
    nbformat.write(nb, repo / "notebooks" / "hf1_demografie.ipynb")
    clean = " ".join(map(shlex.quote, [sys.executable, "-m", "nbstripout", *nbstripout_args()]))
    git = ["git", "-c", f"filter.nbstripout.clean={clean}", "-c", "filter.nbstripout.smudge=cat",
           "-c", "filter.nbstripout.required=true"]
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    subprocess.run([*git, "add", "notebooks/hf1_demografie.ipynb"], cwd=repo, check=True, timeout=60)
    stored = subprocess.run(["git", "show", ":notebooks/hf1_demografie.ipynb"], cwd=repo, check=True,
                            capture_output=True, text=True).stdout
    assert stored == original.read_text(encoding="utf-8")


@pytest.mark.skipif(shutil.which("make") is None, reason="make fehlt")
def test_make_venv_sets_up_nbstripout_for_the_notebooks():
    attributes = (ROOT / ".gitattributes").read_text(encoding="utf-8").split()
    assert attributes[:2] == ["notebooks/*.ipynb", "filter=nbstripout"]
    recipe = subprocess.run(["make", "-n", "-B", "venv"], cwd=ROOT, capture_output=True, text=True).stdout
    assert f"git config filter.nbstripout.clean \".venv/bin/python -m nbstripout {' '.join(map(shlex.quote, nbstripout_args()))}\"" in recipe
    assert "git config filter.nbstripout.required true" in recipe
    assert not (ROOT / "src" / "helpers" / "nbstrip.py").exists()
    # the README's lines for a .venv without make (Windows) set up the same filter and lab
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    options = re.search(r"^NBSTRIPOUT\s*:=\s*\$\(BIN\)/python -m nbstripout (.*)$", makefile, re.M).group(1)
    assert f'git config filter.nbstripout.clean ".venv/Scripts/python -m nbstripout {options}"' in readme
    assert "$(BIN)/jupyter lab --notebook-dir=notebooks" in makefile
    assert ".venv\\Scripts\\jupyter lab --notebook-dir=notebooks" in readme
