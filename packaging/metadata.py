"""The application's metadata, read from the one place each fact lives.

The version and the desktop id are ``playground.__version__`` and ``playground.APP_ID``; the name, description, licence and home page are
``pyproject.toml``'s. Every installer (the .deb's control file, the desktop entry, Inno Setup,
the macOS bundle) takes them from ``APP``.
"""

import ast
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class AppMetadata:
    package: str  # the distribution and Debian package name
    command: str  # the executable on PATH
    title: str  # what a person reads: window, menus, installers
    version: str
    description: str
    licence: str
    homepage: str
    maintainer: str
    bundle_id: str  # reverse-DNS: the .desktop and AppStream id, the macOS bundle id


def read_metadata() -> AppMetadata:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    author = (project.get("authors") or [{}])[0]
    return AppMetadata(
        package=project["name"], command=next(iter(project["scripts"])), title="Transformer Playground",
        version=read_constant("__version__"), description=project["description"], licence=project["license"]["text"],
        homepage=project.get("urls", {}).get("Homepage", ""),
        maintainer=f"{author.get('name', 'Transformer Playground')} <{author.get('email', 'noreply@localhost')}>",
        bundle_id=read_constant("APP_ID"))


def read_constant(name: str) -> str:
    """``playground.<name>`` (a string constant), read without importing the package and torch."""
    for line in (ROOT / "playground" / "__init__.py").read_text(encoding="utf-8").splitlines():
        if line.startswith(f"{name} ="):
            return ast.literal_eval(line.partition("=")[2].strip())
    raise RuntimeError(f"playground/__init__.py has no {name} line")


APP = read_metadata()
