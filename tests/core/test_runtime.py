"""The OpenMP waiting policy reaches torch: set before torch is imported, the user's own settings left alone."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from playground.core.runtime import SPIN_COUNT, openmp_environment

ROOT = Path(__file__).resolve().parents[2]
OPENMP = ("OMP_WAIT_POLICY", "GOMP_SPINCOUNT")

# Records the two variables at the moment torch is first imported, then starts the CLI as the
# ``playground`` command does (``--version`` imports torch).
AT_TORCH_IMPORT = """
import json, os, sys
seen = {}
class Watch:
    def find_spec(self, name, path=None, target=None):
        if name == "torch" and not seen:
            seen.update({k: os.environ.get(k) for k in %r})
        return None
sys.meta_path.insert(0, Watch())
sys.argv = ["playground", "--version"]
from playground.__main__ import main
try:
    main()
except SystemExit:
    pass
print(json.dumps(seen))
""" % (OPENMP,)


def seen_by_torch(**given) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in OPENMP}
    env.update(given, PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-c", AT_TORCH_IMPORT], env=env, capture_output=True, text=True,
                         timeout=120, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def test_the_command_sets_bounded_passive_waiting_before_torch_starts():
    assert seen_by_torch() == {"OMP_WAIT_POLICY": "PASSIVE", "GOMP_SPINCOUNT": str(SPIN_COUNT)}


@pytest.mark.parametrize("given", [{"GOMP_SPINCOUNT": "0"}, {"OMP_WAIT_POLICY": "ACTIVE"}])
def test_the_users_own_setting_is_kept(given):
    seen = seen_by_torch(**given)
    assert seen == {k: given.get(k) for k in OPENMP}


def test_openmp_environment_on_a_mapping():
    fresh = {"PATH": "/bin"}
    assert openmp_environment(fresh) == {"OMP_WAIT_POLICY": "PASSIVE", "GOMP_SPINCOUNT": str(SPIN_COUNT)}
    assert fresh["GOMP_SPINCOUNT"] == str(SPIN_COUNT)
    chosen = {"OMP_WAIT_POLICY": "PASSIVE"}
    assert openmp_environment(chosen) == {} and chosen == {"OMP_WAIT_POLICY": "PASSIVE"}
