"""The evidence grid (predictions beside observations) for the discussion and the open
house: its cells (`cells`), the grid (`table`), the detail of a cell (`detail`) and
the view that holds them (`view`).
"""

from lessonstudy.tui.widgets.evidence_grid.cells import CRITICAL, cell_text, judgement_badge, legend
from lessonstudy.tui.widgets.evidence_grid.detail import EvidenceDetail
from lessonstudy.tui.widgets.evidence_grid.table import EvidenceTable, grid_width
from lessonstudy.tui.widgets.evidence_grid.view import EvidenceView

__all__ = [
    "CRITICAL",
    "EvidenceDetail",
    "EvidenceTable",
    "EvidenceView",
    "cell_text",
    "grid_width",
    "judgement_badge",
    "legend",
]
