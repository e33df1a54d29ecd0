"""Labels that never cover each other: each is tried at a few places around its anchor and kept
at the first where its box, as the renderer draws it, meets no label already placed and no
marker it is told to keep clear of. Layout only: nothing here reads a figure of the results."""

from __future__ import annotations

from dataclasses import dataclass

from matplotlib.axes import Axes
from matplotlib.transforms import Bbox

# Offsets in points and the alignment that keeps the text on that side of its anchor: right,
# left, above, below, then the four corners.
AROUND = [
    ((6, 0), "left", "center"),
    ((-6, 0), "right", "center"),
    ((0, 6), "center", "bottom"),
    ((0, -6), "center", "top"),
    ((5, 5), "left", "bottom"),
    ((-5, 5), "right", "bottom"),
    ((5, -5), "left", "top"),
    ((-5, -5), "right", "top"),
]
# A region's name goes on its label point, or just beside it when something is there.
CENTRED = [((0, 0), "center", "center"), *AROUND[2:4], *AROUND[:2]]


@dataclass(frozen=True)
class Label:
    """What to write (``text``) where (``x``, ``y`` in data coordinates), in which ``color``."""

    x: float
    y: float
    text: str
    color: str = "#111111"


def place(ax: Axes, labels: list[Label], *, spots=AROUND, keep_clear=(), fontsize: float = 7) -> list[Label]:
    """Write each label at the first of ``spots`` (offset, horizontal and vertical alignment)
    where it overlaps no label placed before it, no box of ``keep_clear`` (display
    coordinates: markers) and stays inside the axes. Returns the labels that found no place."""
    frame = ax.get_window_extent()
    taken: list[Bbox] = list(keep_clear)
    left_out = []
    for label in labels:
        for offset, ha, va in spots:
            text = ax.annotate(
                label.text,
                (label.x, label.y),
                xytext=offset,
                textcoords="offset points",
                ha=ha,
                va=va,
                fontsize=fontsize,
                color=label.color,
            )
            box = text.get_window_extent()
            if _fits(box, frame, taken):
                taken.append(box)
                break
            text.remove()
        else:
            left_out.append(label)
    return left_out


def _fits(box: Bbox, frame: Bbox, taken: list[Bbox]) -> bool:
    """Whether ``box`` lies inside ``frame`` and meets none of ``taken``."""
    inside = frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1
    return inside and not any(box.overlaps(other) for other in taken)
