"""pyproject.toml and environment.yml must list the same Python packages."""

import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _pyproject_deps() -> set[str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return {d.replace(" ", "").lower() for d in data["project"]["dependencies"]}


def _environment_pip_deps() -> set[str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d)
    return {d.replace(" ", "").lower() for d in pip if not d.startswith("-e")}


def test_environment_and_pyproject_agree():
    assert _environment_pip_deps() == _pyproject_deps()


def test_environment_brings_quarto_19_and_python_311():
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    assert "python=3.11" in conda
    assert any(d.replace(" ", "") in ("quarto>=1.9",) for d in conda)
    assert "conda-forge" in env["channels"]
