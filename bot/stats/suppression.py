"""Small-cell suppression, so that no published number points at a few people.

Primary suppression hides every count from 1 to threshold-1. Each list of counts is treated
as a group whose total is known (it can be read from another table or from the total of
messages), so secondary suppression keeps hiding the next-smallest cells until the hidden
cells can not be worked out from the total: at least two are hidden, and each of them could
hold `threshold` or more for all the total says (every hidden cell is at least 1, so one of
`k` hidden cells holding `s` in all can be anything from 1 to s - (k - 1)). When even that is impossible, the group's total is hidden as well.
Zero is not a count of anyone and is shown.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional, Sequence


@dataclass(frozen=True)
class Cell:
    value: int
    hidden: bool

    def show(self, threshold: int) -> str:
        return f"<{threshold}" if self.hidden else str(self.value)

    def number(self) -> Optional[int]:
        return None if self.hidden else self.value


@dataclass(frozen=True)
class Group:
    cells: List[Cell]
    total: Cell


def suppress(values: Sequence[int], threshold: int) -> Group:
    """Suppress one group of counts; the result keeps the order of `values`."""
    values = [int(v) for v in values]
    total = sum(values)
    if threshold <= 1:
        return Group([Cell(v, False) for v in values], Cell(total, False))
    hidden = [0 < v < threshold for v in values]
    if any(hidden):
        def resolved() -> bool:
            shown = [v for v, h in zip(values, hidden) if h]
            return len(shown) >= 2 and sum(shown) - (len(shown) - 1) >= threshold

        # Next-smallest visible, non-zero cells first (zeros hide nothing and reveal nothing).
        candidates = sorted((v, i) for i, v in enumerate(values) if not hidden[i] and v > 0)
        while not resolved() and candidates:
            _, index = candidates.pop(0)
            hidden[index] = True
        if not resolved():
            # Every non-zero cell is hidden and still too few: the total would give them away.
            return Group([Cell(v, h) for v, h in zip(values, hidden)], Cell(total, 0 < total))
    return Group([Cell(v, h) for v, h in zip(values, hidden)], Cell(total, 0 < total < threshold))
