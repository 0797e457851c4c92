"""Textual screens: start-up, the screener's list, intake, the screening steps, drafts.

Installed as `mash_tui.screens`. The manager's screens (files named `manager*` and
`report*`) plug into the app's "manager" mode through `mash_tui.screens.manager`.
"""
