"""Errors whose message is meant for the user: it says what went wrong and what to do."""


class PlaygroundError(Exception):
    """A problem the user can fix; ``str(error)`` is a clear, translated message."""


class TextFileError(PlaygroundError):
    """A text file that cannot be used as a corpus (empty, binary, undecodable, too large)."""


class CheckpointError(PlaygroundError):
    """A checkpoint or session file that is missing, corrupt or not one of ours."""


class ConfigError(PlaygroundError):
    """A model or training setting that is out of range or inconsistent."""


class SaveError(PlaygroundError):
    """A file that could not be written; the previous file of that name is unchanged."""


class DiskFullError(SaveError):
    """A save that ran out of disk space (or hit a size limit or a quota)."""
