"""Provides the write side: the only code that writes, split by what people do.

Each use-case is a short public function over a `Tx` (see tx.py), so the app, the
command line, the importer and the demo all go through the same rules.
"""

from __future__ import annotations

from mash_tui.usecases.tx import Tx, unit_of_work

__all__ = ["Tx", "unit_of_work"]
