"""Domain errors raised by features/ and matching/; only api/ turns them into HTTP answers."""

from __future__ import annotations

from collections.abc import Sequence


class SSTCError(ValueError):
    """Base of every error a user can cause with bad input."""


class RowError(SSTCError):
    """A row of a catalogue file that cannot be loaded, located to the field."""

    def __init__(
        self,
        file: str,
        line: int,
        field: str,
        value: object,
        reason: str,
        closest: Sequence[str] = (),
    ) -> None:
        self.file, self.line, self.field, self.value = file, line, field, value
        self.reason, self.closest = reason, list(closest)
        message = f"{file}, line {line}, field '{field}': {value!r} {reason}"
        if self.closest:
            message += f"; closest valid values: {', '.join(self.closest)}"
        super().__init__(message)


class UnknownNameError(SSTCError):
    """A name (country, sector, modality…) that matched nothing above the cutoff."""

    def __init__(self, field: str, value: str, closest: Sequence[str] = (), ambiguous: bool = False) -> None:
        self.field, self.value, self.closest = field, value, list(closest)
        if ambiguous:
            message = f"{field}: {value!r} is ambiguous; it names: {', '.join(self.closest)}"
        else:
            message = f"{field}: {value!r} not found"
            if self.closest:
                message += f"; closest: {', '.join(self.closest)}"
        super().__init__(message)


class EmptyCatalogueError(SSTCError):
    """A catalogue a model cannot be trained on: it lacks providers, facilitators or the past
    partnerships the rankers learn from."""

    def __init__(self, missing: Sequence[str]) -> None:
        self.missing = list(missing)
        *others, last = self.missing
        listed = f"{', no '.join(others)} and no {last}" if others else last
        super().__init__(f"the catalogue has no {listed}: there is nothing to train on")
