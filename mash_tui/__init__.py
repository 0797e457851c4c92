"""mash-tui: MASH front-door screening in the terminal.

Kept free of imports so that `mash-tui --help` and the app's first paint stay fast.
"""

__version__ = "0.1.0"
