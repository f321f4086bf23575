"""The subsidies domain's errors, below every other module of the app (no imports back)."""

from django.core.exceptions import ValidationError


class TransitionError(ValidationError):
    """A refused move: a Japanese message, a stable ``code`` and, when it is about one
    input, the ``field`` it belongs to (so forms show it in place)."""

    def __init__(self, message: str, code: str, *, field: str | None = None, **params):
        error = ValidationError(message, code=code, params=params or None)
        super().__init__({field: [error]} if field else error)
        self.code = code
        self.field = field
        self.params = params
        self.text = message % params if params else message

    def __str__(self):
        return self.text
