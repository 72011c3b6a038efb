"""Which device 'auto' picks: one rule for the trainer (resolve_device) and the Train panel's bf16 switch."""

import pytest

from playground.core.device import auto_device, available_devices, resolve_device


@pytest.mark.parametrize("ids, picked", [(["cpu"], "cpu"), (["cpu", "mps"], "mps"),
                                         (["cpu", "cuda:0", "cuda:1"], "cuda:0"), (["cpu", "cuda:0", "mps"], "cuda:0")])
def test_auto_picks_cuda_then_mps_then_the_cpu(ids, picked):
    assert auto_device(ids) == picked


def test_auto_here_is_what_the_trainer_resolves():
    assert torch_device_id(resolve_device("auto")) == auto_device([d for d, _name in available_devices()])


def torch_device_id(device) -> str:
    return device.type if device.index is None else f"{device.type}:{device.index}"
