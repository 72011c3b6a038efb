"""The panels of the main window, in the order of the pipeline."""

from .data import DataPanel
from .generate import GeneratePanel
from .inspect import InspectPanel
from .model import ModelPanel
from .tokenize import TokenizePanel
from .train import TrainPanel

PANELS = [DataPanel, TokenizePanel, ModelPanel, TrainPanel, InspectPanel, GeneratePanel]
