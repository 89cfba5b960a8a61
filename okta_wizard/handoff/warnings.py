"""What the admin must know before pasting the one-time link anywhere (CLI and TUI)."""

from __future__ import annotations

LINK_PREVIEW_WARNING = (
    "Paste this link only into Upflow's support request. Chat and email apps (Slack, Teams, "
    "Outlook) may open links to build a preview, which can burn a one-time link before Upflow "
    "reads it. If that happens, revoke it with `okta-wizard send --revoke` and send a new one."
)
