"""Transformer Playground: a compact Transformer you can train, step through and sample from."""

__version__ = "0.1.0"
# The desktop and AppStream id (the .desktop file's name), the macOS bundle id. The domain is a
# placeholder until the project has one of its own.
APP_ID = "org.transformerplayground.Playground"
