"""Running the small programs the clipboard needs (tmux, wl-copy, xclip, osascript, pbpaste).

None of them is ever given a secret in its argv: values travel on stdin and come back on stdout.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Mapping, Sequence

Runner = Callable[..., "subprocess.CompletedProcess[bytes]"]
HELPER_TIMEOUT = 5.0


def ask(
    run: Runner, argv: Sequence[str], *, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[bytes] | None:
    """Run a program that only answers (no input), bounded in time; None if it could not run."""
    try:
        return run(
            list(argv),
            env=None if env is None else dict(env),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=HELPER_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
