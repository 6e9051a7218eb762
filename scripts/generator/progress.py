"""Progress bars of a generator run (tqdm when asked for, silent otherwise)."""

from __future__ import annotations

from typing import Protocol


class ProgressBar(Protocol):
    """What the generator uses of a tqdm bar (and NoBar)."""

    def update(self, n: int = 1) -> object: ...

    def set_description(self, desc: str) -> None: ...

    def close(self) -> None: ...


class NoBar:
    """A bar that shows nothing."""

    def update(self, n: int = 1) -> None:
        pass

    def set_description(self, desc: str) -> None:
        pass

    def close(self) -> None:
        pass


def progress_bar(progress: bool, total: int, desc: str) -> ProgressBar:
    """A tqdm bar counting days when progress is wanted, else a NoBar."""
    if not progress:
        return NoBar()
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit="day", dynamic_ncols=True)
