"""What the installers may carry: the runtime dependencies and theirs, read from installed metadata.

The build environment also holds the ``test`` and ``package`` extras (pytest, transformers,
PyInstaller, ...), and PyInstaller bundles any installed module that some bundled code imports,
even behind a ``try``: torch's ONNX exporter imports transformers, which pulls in hf_xet, regex
and yaml. So the build excludes every installed package outside the runtime set
(``excluded_modules``), and afterwards fails when the bundle holds one all the same
(``unexpected_packages``)::

    python packaging/bundle_contents.py build/dist/playground   # check a built bundle again

The runtime set is ``[project] dependencies`` in pyproject.toml, followed through each installed
distribution's ``Requires-Dist`` (markers evaluated for this machine, extras only where asked).
"""

import importlib.machinery
import importlib.metadata as metadata
import re
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
# Folders in the bundle that are not Python packages: the standard library's extension modules
# (python3.11/lib-dynload, or lib-dynload) and the data that build.py adds with --add-data.
NOT_PACKAGES = re.compile(r"python\d+\.\d+|lib-dynload|resources")
# Modules that every frozen app holds and sys.stdlib_module_names does not list: PyInstaller's
# bootstrap and runtime hooks, and the interpreter's build settings (_sysconfigdata__linux_...).
BUILT_IN_PREFIXES = ("pyimod", "pyiboot", "pyi_", "_pyi_", "_sysconfigdata_")


def normalize(name: str) -> str:
    """A distribution's name as PEP 503 compares them: PySide6_Essentials -> pyside6-essentials."""
    return re.sub(r"[-_.]+", "-", name).lower()


def project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def runtime_distributions(requirements: list[str] | None = None) -> set[str]:
    """The installed distributions the requirements need, transitively (normalized names).

    ``requirements`` defaults to the project's own ``[project] dependencies``. A requirement whose
    marker is false here (another platform, an extra nobody asked for) is not followed.
    """
    pending = [Requirement(r) for r in (project()["dependencies"] if requirements is None else requirements)]
    found: dict[str, set[str]] = {}  # distribution -> the extras asked of it
    while pending:
        req = pending.pop()
        name = normalize(req.name)
        if name in found and req.extras <= found[name]:
            continue
        try:
            requires = metadata.requires(req.name) or []
        except metadata.PackageNotFoundError:
            continue  # not installed, so it cannot be bundled either
        extras = found.setdefault(name, set())
        extras |= req.extras
        for line in requires:
            sub = Requirement(line)
            wanted = [{"extra": e} for e in sorted(extras)] or [{"extra": ""}]
            if sub.marker is None or any(sub.marker.evaluate(env) for env in wanted):
                pending.append(sub)
    return set(found)


def top_level_names() -> dict[str, set[str]]:
    """Each installed distribution (normalized name) -> the top-level modules it installs."""
    names: dict[str, set[str]] = {}
    for module, dists in metadata.packages_distributions().items():
        for dist in dists:
            names.setdefault(normalize(dist), set()).add(module)
    return names


def allowed_modules(distributions: set[str]) -> set[str]:
    """The top-level modules a bundle may hold: the distributions', the project's, the standard library's."""
    by_dist = top_level_names()
    modules = {m for d in distributions for m in by_dist.get(d, ())}
    return modules | {"playground"} | set(sys.stdlib_module_names)


def excluded_modules(distributions: set[str]) -> list[str]:
    """Top-level modules of the installed distributions outside ``distributions``, for --exclude-module.

    A module that an allowed distribution also installs is kept (namespace packages share names).
    """
    allowed = allowed_modules(distributions)
    ours = normalize(project()["name"])
    return sorted({m for d, mods in top_level_names().items() if d not in distributions and d != ours
                   for m in mods if m not in allowed and m.isidentifier()})


def _extension_module(name: str) -> str | None:
    """``regex.cpython-311-x86_64-linux-gnu.so`` -> ``regex``; a plain shared library -> None."""
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        if suffix != ".so" and name.endswith(suffix):  # plain .so: libz.so and friends, not modules
            return name[: -len(suffix)].split(".")[0]
    return None


def unexpected_packages(contents: Path, frozen: list[str], distributions: set[str]) -> list[str]:
    """What the bundle holds outside the runtime set, one line each (empty: nothing).

    ``contents`` is the folder beside the executable (``_internal``, or ``Contents/Frameworks`` in
    a macOS .app); ``frozen`` is the module names in the executable's PYZ archive.
    ``distributions`` is the allowed set (see ``runtime_distributions``).
    """
    modules, dists = allowed_modules(distributions), {normalize(d) for d in distributions}
    found = []
    for entry in sorted(contents.iterdir()):
        name = entry.name
        if entry.is_dir() and name.endswith((".dist-info", ".egg-info")):
            dist = name.rsplit(".", 1)[0].split("-")[0]
            if normalize(dist) not in dists and normalize(dist) != normalize(project()["name"]):
                found.append(f"{name}/ (metadata of the distribution {dist})")
        elif entry.is_dir() and name.endswith(".libs"):  # auditwheel's vendored libraries: numpy.libs
            stem = name[: -len(".libs")]
            if stem not in modules and normalize(stem) not in dists:
                found.append(f"{name}/ (shared libraries vendored by {stem})")
        elif entry.is_dir() and not NOT_PACKAGES.fullmatch(name) and name not in modules:
            found.append(f"{name}/")
        elif entry.is_file() and (module := _extension_module(name)) and module not in modules:
            found.append(name)
    for module in sorted({m.split(".")[0] for m in frozen}):
        if module not in modules and not module.startswith(BUILT_IN_PREFIXES):
            found.append(f"{module} (Python modules in the executable)")
    return found


def frozen_modules(executable: Path) -> list[str]:
    """The module names in a PyInstaller executable's PYZ archive (needs PyInstaller)."""
    from PyInstaller.archive.readers import PKG_ITEM_PYZ, CArchiveReader

    archive = CArchiveReader(str(executable))
    names = []
    for entry, (*_, typecode) in archive.toc.items():
        if typecode == PKG_ITEM_PYZ:
            names += list(archive.open_embedded_archive(entry).toc)
    return names


def contents_folder(bundle: Path) -> Path:
    """Where PyInstaller put the libraries: ``_internal``, or a macOS .app's ``Contents/Frameworks``."""
    for folder in (bundle / "_internal", bundle / "Contents" / "Frameworks"):
        if folder.is_dir():
            return folder
    raise FileNotFoundError(f"{bundle} has neither _internal nor Contents/Frameworks: is it a PyInstaller bundle?")


def check(bundle: Path, executable: Path) -> list[str]:
    return unexpected_packages(contents_folder(bundle), frozen_modules(executable), runtime_distributions())


def failure_message(bundle: Path, found: list[str]) -> str:
    listed = "\n".join(f"  {line}" for line in found)
    return (f"the bundle {bundle} holds packages that are not runtime dependencies of the app "
            f"(pyproject.toml [project] dependencies, or theirs):\n{listed}\n"
            "Add them to EXCLUDES in packaging/build.py, or, if the app needs one, to the dependencies.")


def main(argv: list[str]) -> int:
    bundle = Path(argv[0]) if argv else ROOT / "build" / "dist" / "playground"
    exe = bundle / ("playground.exe" if sys.platform == "win32" else "playground")
    if not exe.exists():
        exe = bundle / "Contents" / "MacOS" / "playground"
    found = check(bundle, exe)
    if found:
        print(failure_message(bundle, found), file=sys.stderr)
        return 1
    print(f"{bundle}: only runtime dependencies")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
