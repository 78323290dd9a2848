"""Small-cell suppression, so that no published number points at a few people.

Primary suppression hides every count from 1 to threshold-1. Each list of counts is treated
as a group whose total is known (it can be read from another table or from the total of
messages), so secondary suppression keeps hiding the next-smallest cells until the hidden
cells can not be worked out from the total: for every hidden cell, what the reader knows
(a "<5" cell holds 1 to 4, an "x" cell 5 or more, together they hold total - shown) still
leaves more than one possible value. When even that is impossible, the total is hidden too.
Zero is not a count of anyone and is shown.

A count hidden for being small shows as "<5"; one hidden only to protect another (it may be
large) shows as "x", so no report says "<5" of a count that is not small.

The same number can stand in two tables (a kind's count in one, the total of its items in
another). A caller that hid it in one asks for it hidden in the other with `also_hide` or
`hide_total`, and this group's suppression then counts it among its hidden cells.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Collection, List, Optional, Sequence


SECONDARY = "x"


@dataclass(frozen=True)
class Cell:
    value: int
    hidden: bool
    secondary: bool = False  # hidden only so that a small count can not be worked out

    def show(self, threshold: int) -> str:
        if not self.hidden:
            return str(self.value)
        return SECONDARY if self.secondary else f"<{threshold}"

    def number(self) -> Optional[int]:
        return None if self.hidden else self.value


@dataclass(frozen=True)
class Group:
    cells: List[Cell]
    total: Cell


def _pinned(values: Sequence[int], hidden: Sequence[bool], primary: Sequence[bool], threshold: int) -> bool:
    """Whether a reader who knows the total could pin down any hidden cell exactly.

    The reader knows a "<5" cell is 1..threshold-1, an "x" cell is at least `threshold`, and
    that the hidden cells add up to total - shown."""
    cells = [(1, threshold - 1) if p else (threshold, None) for v, h, p in zip(values, hidden, primary) if h]
    rest = sum(v for v, h in zip(values, hidden) if h)
    for index, (low, high) in enumerate(cells):
        others_low = sum(lo for i, (lo, _) in enumerate(cells) if i != index)
        others_high = [hi for i, (_, hi) in enumerate(cells) if i != index]
        top = rest - others_low if high is None else min(high, rest - others_low)
        bottom = low if None in others_high else max(low, rest - sum(others_high))
        if top <= bottom:
            return True
    return False


def suppress(values: Sequence[int], threshold: int, also_hide: Collection[int] = (), hide_total: bool = False) -> Group:
    """Suppress one group of counts; the result keeps the order of `values`.

    also_hide: positions of cells hidden elsewhere, hidden here too; hide_total: the same for
    the group's total."""
    values = [int(v) for v in values]
    total = sum(values)
    if threshold <= 1:
        return Group([Cell(v, False) for v in values], Cell(total, False))
    primary = [0 < v < threshold for v in values]
    hidden = [p or (i in also_hide and v > 0) for i, (p, v) in enumerate(zip(primary, values))]
    if any(hidden):
        # Next-smallest visible, non-zero cells first (zeros hide nothing and reveal nothing).
        candidates = sorted((v, i) for i, v in enumerate(values) if not hidden[i] and v > 0)
        while _pinned(values, hidden, primary, threshold) and candidates:
            _, index = candidates.pop(0)
            hidden[index] = True
        if _pinned(values, hidden, primary, threshold):
            # Even with every non-zero cell hidden the total would give one away: hide it too.
            return Group(_cells(values, hidden, primary), _hidden_total(total, threshold))
    if hide_total and total:
        return Group(_cells(values, hidden, primary), _hidden_total(total, threshold))
    return Group(_cells(values, hidden, primary), Cell(total, 0 < total < threshold))


def _hidden_total(total: int, threshold: int) -> Cell:
    # A large total hidden to protect its cells is an "x", never "<5".
    return Cell(total, 0 < total, secondary=total >= threshold)


def _cells(values: Sequence[int], hidden: Sequence[bool], primary: Sequence[bool]) -> List[Cell]:
    return [Cell(v, h, h and not p) for v, h, p in zip(values, hidden, primary)]
