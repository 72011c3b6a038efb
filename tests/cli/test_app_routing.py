"""Which arguments open the desktop app and which run a command."""

import pytest

from playground.cli import build_parser, opens_the_app

COMMANDS = build_parser().commands


@pytest.mark.parametrize("argv", [[], ["story.txt"], ["--lang", "zh_CN"], ["--self-test"],
                                  ["lesson.playground", "-platform", "offscreen"]])
def test_the_app_takes_files_and_its_own_options(argv):
    assert opens_the_app(argv, COMMANDS)


@pytest.mark.parametrize("argv", [["train", "--steps", "3"], ["--version"], ["-h"], ["--help"], ["demo"]])
def test_commands_and_cli_options_stay_with_the_cli(argv):
    assert not opens_the_app(argv, COMMANDS)


def test_every_command_is_known():
    assert {"demo", "datasets", "train", "sample", "tokenize", "inspect"} <= COMMANDS
