"""Files the app ships beside its code (icons, translations), found from source or from an installer bundle.

    resource_path("icons/playground.svg")  # -> .../resources/icons/playground.svg

Every resource is loaded through ``resource_path``, so an installer only has to put the
``resources`` folder next to the code: PyInstaller unpacks it under ``sys._MEIPASS``.
"""

import sys
from pathlib import Path

_SOURCE_ROOT = Path(__file__).resolve().parent.parent  # the project folder, above the package


def resources_root() -> Path:
    """The ``resources`` folder: inside a PyInstaller bundle, else beside the package."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return _SOURCE_ROOT / "resources"


def resource_path(name: str) -> Path:
    """The path of the resource ``name`` (a relative path with ``/``); it may not exist."""
    return resources_root().joinpath(*name.split("/"))
