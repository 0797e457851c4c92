"""Words a screener reads: labels instead of stored codes, names instead of logins."""

from __future__ import annotations

from mash_tui.screens.intake_children import ChildForm
from team_support import decided
from test_ui_intake import open_intake
from ui_support import make_app, set_input, settle

from mash_tui.services import Services

SIZE = (100, 32)


async def test_earlier_contacts_say_the_next_step_in_words(services: Services) -> None:
    earlier = decided(services)  # Ava Jones, next step early help, still in screening
    app = make_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await open_intake(pilot)
        set_input(app, "#c0-first_name", "Ava")
        set_input(app, "#c0-last_name", "Jones")
        await pilot.pause()
        app.screen.query_one(ChildForm).lookup()
        await settle(pilot)
        text = str(app.screen.query_one("#c0-earlier").render())
        assert earlier.reference in text
        assert "Early help:" in text
        assert "early_help" not in text
