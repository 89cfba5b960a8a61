"""Every module of the package imports where Unix-only modules do not exist (Windows).

CI runs only Linux, so a child Python hides from okta_wizard's own import statements the
modules that Windows does not have (fcntl, termios, tty, pty, pwd, grp, resource, posix, ...)
and the POSIX-only names of `os` and `signal` (os.fchmod, os.geteuid, os.O_NOFOLLOW,
signal.SIGHUP, signal.SIGKILL, ...), then imports every module of the package. A module that
needs one of them at import time fails here; code that uses them inside a function behind a
`sys.platform` check is what `mypy --platform win32` (make lint) checks. Third-party libraries
are left alone: they pick their platform code from `sys.platform`, which cannot be faked here.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

SYSTEM_PATH = "/usr/bin:/bin"  # path-ok: a minimal PATH for the child

REPO = Path(__file__).resolve().parents[1]

# Modules the Windows build of CPython does not ship.
UNIX_ONLY_MODULES = [
    "fcntl",
    "termios",
    "tty",
    "pty",
    "pwd",
    "grp",
    "resource",
    "posix",
    "syslog",
    "crypt",
    "spwd",
    "nis",
    "readline",
    "curses",
    "_curses",
]
# Names typeshed marks `sys.platform != "win32"` (CPython 3.11 on Windows lacks them).
POSIX_ONLY_NAMES = {
    "os": [
        "fchmod",
        "fchown",
        "lchown",
        "chroot",
        "geteuid",
        "getuid",
        "getegid",
        "getgid",
        "getgroups",
        "getpgid",
        "getpgrp",
        "getsid",
        "setsid",
        "setpgid",
        "setuid",
        "fork",
        "forkpty",
        "killpg",
        "nice",
        "sync",
        "mkfifo",
        "mknod",
        "openpty",
        "pipe2",
        "statvfs",
        "fstatvfs",
        "sysconf",
        "pathconf",
        "ttyname",
        "uname",
        "wait3",
        "wait4",
        "getloadavg",
        "get_blocking",
        "set_blocking",
        "O_NOFOLLOW",
        "O_NONBLOCK",
        "O_DIRECTORY",
        "O_CLOEXEC",
        "O_NOCTTY",
        "WNOHANG",
    ],
    "signal": [
        "SIGHUP",
        "SIGKILL",
        "SIGQUIT",
        "SIGUSR1",
        "SIGUSR2",
        "SIGALRM",
        "SIGCHLD",
        "SIGPIPE",
        "SIGTSTP",
        "SIGCONT",
        "SIGSTOP",
        "SIGWINCH",
        "SIGTTIN",
        "SIGTTOU",
        "alarm",
        "pause",
        "setitimer",
        "getitimer",
        "siginterrupt",
        "pthread_kill",
        "pthread_sigmask",
        "sigwait",
        "ITIMER_REAL",
    ],
}

CHILD = textwrap.dedent(
    """
    import builtins, importlib, json, pkgutil, sys, traceback, types

    UNIX_ONLY = set(json.loads(sys.argv[1]))
    HIDDEN = {name: set(attrs) for name, attrs in json.loads(sys.argv[2]).items()}
    real_import = builtins.__import__


    class WindowsView(types.ModuleType):
        # A module as okta_wizard would see it on Windows: the POSIX-only names missing.
        def __init__(self, real, hidden):
            super().__init__(real.__name__)
            self._real, self._hidden = real, hidden

        def __getattr__(self, attr):
            if attr in self._hidden:
                raise AttributeError(f"module {self.__name__!r} has no attribute {attr!r}")
            return getattr(self._real, attr)


    def ours(globals):
        name = (globals or {}).get("__name__") or ""
        return name == "okta_wizard" or name.startswith("okta_wizard.")


    def guarded_import(name, globals=None, locals=None, fromlist=(), level=0):
        if level == 0 and ours(globals):
            root = name.partition(".")[0]
            if root in UNIX_ONLY:
                raise ModuleNotFoundError(f"No module named {name!r} (not on Windows)")
            if root in HIDDEN:
                real = real_import(name, globals, locals, fromlist, level)
                return WindowsView(real, HIDDEN[root])
        return real_import(name, globals, locals, fromlist, level)


    builtins.__import__ = guarded_import
    import okta_wizard

    names = sorted(
        m.name
        for m in pkgutil.walk_packages(okta_wizard.__path__, "okta_wizard.")
        if m.name != "okta_wizard.__main__"  # runs the CLI when imported
    )
    failures = {}
    for name in names:
        try:
            importlib.import_module(name)
        except Exception as exc:
            frames = traceback.extract_tb(exc.__traceback__)
            where = next((f for f in reversed(frames) if "okta_wizard" in f.filename), None)
            at = f" at {where.filename}:{where.lineno}" if where else ""
            failures[name] = f"{type(exc).__name__}: {exc}{at}"
    print(json.dumps({"imported": names, "failures": failures}))
    """
)


def test_every_module_imports_without_unix_only_modules() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            CHILD,
            json.dumps(UNIX_ONLY_MODULES),
            json.dumps(POSIX_ONLY_NAMES),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["failures"] == {}, "\n".join(f"{m}: {e}" for m, e in report["failures"].items())
    package = REPO / "okta_wizard"
    on_disk = {
        ".".join(p.relative_to(REPO).with_suffix("").parts).removesuffix(".__init__")
        for p in package.rglob("*.py")
    } - {"okta_wizard.__main__", "okta_wizard"}
    assert on_disk <= set(report["imported"]), "every module was imported"


def test_the_check_bites_on_a_module_level_unix_import(tmp_path: Path) -> None:
    """The same child, given a module that imports fcntl at module level, reports it."""
    package = tmp_path / "okta_wizard"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "unix_only.py").write_text("import fcntl\n")
    (package / "posix_name.py").write_text("import os\nMODE = os.O_NOFOLLOW\n")
    (package / "portable.py").write_text(
        "import os, sys\nFLAG = getattr(os, 'O_NOFOLLOW', 0)\n"
        "def lock(fd):\n    import fcntl\n    fcntl.flock(fd, fcntl.LOCK_EX)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", CHILD, json.dumps(UNIX_ONLY_MODULES), json.dumps(POSIX_ONLY_NAMES)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={"PYTHONPATH": str(tmp_path), "PATH": SYSTEM_PATH},
    )
    assert result.returncode == 0, result.stderr
    failures = json.loads(result.stdout.strip().splitlines()[-1])["failures"]
    assert set(failures) == {"okta_wizard.unix_only", "okta_wizard.posix_name"}, failures
    assert "fcntl" in failures["okta_wizard.unix_only"]
    assert "O_NOFOLLOW" in failures["okta_wizard.posix_name"]
