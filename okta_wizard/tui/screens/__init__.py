"""One module per step of the guide (panes of the main screen), plus resume and help screens."""
