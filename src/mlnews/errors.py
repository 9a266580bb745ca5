"""Errors a user can act on. The CLI prints their message as one line and exits non-zero."""


class MlnewsError(Exception):
    """Base class: the message names the input and what is wrong with it."""


class ConfigError(MlnewsError):
    pass


class WorkspaceNotFound(MlnewsError):
    pass


class ItemNotFound(MlnewsError):
    pass


class UsageError(MlnewsError):
    pass
