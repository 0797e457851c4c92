"""The domain layer, rules included, loads without SQLAlchemy, SQLModel, Textual or Rich."""

from __future__ import annotations

import subprocess
import sys

MODULES = (
    "clock",
    "codes",
    "deadlines",
    "errors",
    "inputs",
    "levels",
    "matching",
    "oversight",
    "rules",
    "states",
    "widths",
)


def test_the_domain_imports_no_storage_or_ui_library() -> None:
    imports = "; ".join(f"import mash_tui.domain.{name}" for name in MODULES)
    probe = (
        f"import sys; {imports}; "
        "print(sorted({m.split('.')[0] for m in sys.modules} "
        "& {'sqlalchemy', 'sqlmodel', 'textual', 'rich'}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
