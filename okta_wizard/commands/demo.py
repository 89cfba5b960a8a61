"""`okta-wizard demo`: the wizard against the built-in sandbox org, on loopback.

Works on a fresh machine: with no Secret Service the demo says so and keeps the secret in an
explicitly labelled in-memory vault (the real commands never do). The demo can be quit and
resumed like a real setup: its saved progress and its sandbox org live in the demo's own folder
(commands/demo_state.py) and the next `okta-wizard demo` restores both, on the same port when
it is free (else on another, with the saved progress moved to the new address);
`okta-wizard demo --fresh` starts over.

The sandbox's API token is random for each run, never in argv or a file: the wizard fills it in
and shows it in its help screen (F1). The control API is never mounted. Every keyring entry the
demo made is removed when it ends, whether by quitting, Ctrl+C, SIGTERM or SIGHUP (a closed
terminal; Windows has no SIGHUP), and the closing line lists exactly what was kept and where.
A saved file of the demo that it did not write stops it with exit 2 and the fix, as any
saved file does.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

from okta_wizard.commands import demo_state
from okta_wizard.errors import ExitCode, UsageError
from okta_wizard.savedfile import SavedFileDamaged, remove

if TYPE_CHECKING:
    from okta_wizard.sandbox.server import RunningSandbox
    from okta_wizard.tui.app import WizardConfig
    from okta_wizard.vault import Vault

STATE_ENV = "OKTA_WIZARD_STATE_DIR"
# Windows has no SIGHUP: a closed console window ends the process there (CTRL_CLOSE_EVENT).
STOP_SIGNALS: tuple[signal.Signals, ...] = tuple(
    sig
    for sig in (signal.SIGTERM, getattr(signal, "SIGHUP", None), signal.SIGINT)
    if sig is not None
)


def choose_vault() -> tuple[Vault, str]:
    """The real Secret Service when it works (write probe), else the labelled memory vault."""
    from okta_wizard.vault import MemoryVault

    real = demo_state.DemoKeyring()
    try:
        real.ensure_usable()
        real.probe()
        return real, real.backend_name()
    except Exception:
        memory = MemoryVault()
        return memory, "IN-MEMORY (demo only; no secure keyring here)"


class DemoStopped(Exception):
    """A stop signal arrived before the wizard's screen was up."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


class StopSignals:
    """SIGTERM, SIGHUP and SIGINT end the demo through its normal exit, so that it cleans up.

    While the wizard runs, a signal asks it to exit (from the event loop, like ctrl+q); before,
    it unwinds the start; during the cleanup it is noted and otherwise ignored.
    """

    def __init__(self) -> None:
        self.app: Any = None
        self.received: int | None = None
        self.cleaning = False
        self._previous: dict[int, Any] = {}

    def __enter__(self) -> StopSignals:
        for sig in STOP_SIGNALS:
            self._previous[sig] = signal.signal(sig, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        for sig, previous in self._previous.items():
            signal.signal(sig, previous)

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self.received is None:
            self.received = signum
        if signum == getattr(signal, "SIGHUP", None):
            _no_restart_after_hangup()
        if self.cleaning:
            return
        if self.app is not None:
            try:
                loop = asyncio.get_running_loop()  # the wizard's, if it runs (this thread)
            except RuntimeError:
                pass
            else:
                # Textual honours an exit asked for even while it is still starting up.
                loop.call_soon_threadsafe(self.app.exit, 128 + signum)
                return
        raise DemoStopped(signum)


def _no_restart_after_hangup() -> None:
    """A hung-up terminal also sends SIGCONT, on which Textual's driver restarts application
    mode: from this signal handler it would start a second writer thread on the dead terminal,
    which dies at its first write, and the exit then blocks for ever on that thread's full queue.
    The signals run in number order, so SIGHUP (1) takes SIGCONT's handler away before it runs."""
    if hasattr(signal, "SIGCONT"):
        signal.signal(signal.SIGCONT, signal.SIG_DFL)


@contextlib.contextmanager
def _state_dir(folder: Path) -> Iterator[None]:
    """The engine writes saved progress under OKTA_WIZARD_STATE_DIR: the demo's folder here."""
    previous = os.environ.get(STATE_ENV)
    os.environ[STATE_ENV] = str(folder)
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(STATE_ENV, None)
        else:
            os.environ[STATE_ENV] = previous


class DemoOrg:
    """The demo's sandbox org: restored from the demo's folder or made new, saved as it changes."""

    def __init__(self, folder: Path, vault: Vault) -> None:
        self.folder = folder
        self.vault = vault
        self.path = folder / demo_state.ORG_FILE
        self.sandbox: RunningSandbox | None = None
        self.notes: list[str] = []
        self.save_failed = ""

    # -- start
    def check(self, *, fresh: bool, groups: int) -> None:
        """Bad input, before anything changes: --groups on a saved demo, a damaged saved file
        (exit 2, naming it; --fresh deletes it)."""
        if groups and not fresh and os.path.lexists(self.path):
            raise UsageError(
                f"--groups sets up a new demo org, but a saved demo exists ({self.path}).",
                remedy="Add --fresh to start over with that many groups, or leave out --groups "
                "to resume the saved demo.",
            )
        if not fresh:
            demo_state.read_progress(self.folder).usable()

    def start(self, *, fresh: bool, groups: int) -> RunningSandbox:
        from okta_wizard.sandbox.persist import load_org

        progress = demo_state.read_progress(self.folder)
        files = progress.files if fresh else progress.usable()
        self._remove_stale_keyring_entries(files)
        saved = None
        if fresh:
            self._discard(progress.paths(), "started over (--fresh)")
            self._forget_org()
        else:
            try:
                saved = load_org(self.path)
            except SavedFileDamaged as exc:
                aside = self.path.with_name(f"sandbox-org.unreadable-{os.getpid()}.json")
                self.path.rename(aside)
                self.notes.append(
                    f"the saved demo org could not be used ({exc.problem}); set aside"
                )
            if saved is None and files:
                self._discard([f.path for f in files], "its sandbox org is gone")
        if saved is None:
            return self._start_new(groups)
        return self._restore(saved.origin, saved.org, files)

    def _remove_stale_keyring_entries(self, files: list[demo_state.SavedFile]) -> None:
        """An earlier demo that was killed may have left entries; their secrets are stale."""
        entries = {e for f in files if f.journal for e in demo_state.entries_of(f.journal)}
        removed = demo_state.remove_entries(self.vault, entries).removed
        if removed:
            self.notes.append(
                f"removed {len(removed)} keyring entr{'y' if len(removed) == 1 else 'ies'} an "
                "earlier demo left behind"
            )

    def _discard(self, paths: list[Path], why: str) -> None:
        demo_state.discard(paths)
        if paths:
            self.notes.append(f"saved demo progress removed: {why}")

    def _forget_org(self) -> None:
        from okta_wizard.sandbox.persist import REMEDY

        remove(self.path, REMEDY)

    def _start_new(self, groups: int) -> RunningSandbox:
        from okta_wizard.sandbox.server import start_sandbox

        sandbox = start_sandbox(host="127.0.0.1", port=0, groups=groups)
        # A group with no members, so the group picker's "0 members" flag can be seen.
        sandbox.org.add_group("Finance Interns", "Summer interns (none yet)", users_count=0)
        return self._serving(sandbox)

    def _restore(self, origin: str, org: Any, files: list[demo_state.SavedFile]) -> RunningSandbox:
        """Serve the saved org again. The address to reuse is the saved progress's (what the
        admin will resume); its files follow the org if it must answer elsewhere."""
        from okta_wizard.sandbox.server import start_sandbox

        origin = demo_state.progress_origin(files) or origin
        port = demo_state.sandbox_port(origin)
        if port is None:
            self.notes.append(f"the saved org was served at {origin!r}, not on 127.0.0.1")
            port = 0
        try:
            sandbox = start_sandbox(host="127.0.0.1", port=port)
        except OSError:
            sandbox = start_sandbox(host="127.0.0.1", port=0)
            self.notes.append(f"port {port} was taken: the saved demo org now answers elsewhere")
        sandbox.state.org = org  # before any client knows the address
        self._discard([f.path for f in files if f.origin != origin], "its sandbox org is gone")
        if sandbox.base_url != origin:
            kept = [f for f in files if f.origin == origin]
            demo_state.move_origin(self.folder, kept, origin, sandbox.base_url)
        self.notes.insert(0, f"the saved demo org, restored from {self.folder}")
        self._serving(sandbox)
        self.save()  # the org file names the address it answers at now
        return sandbox

    def _serving(self, sandbox: RunningSandbox) -> RunningSandbox:
        self.sandbox = sandbox
        sandbox.state.on_change = self.save
        return sandbox

    # -- while it runs, and at the end
    def save(self) -> None:
        from okta_wizard.sandbox.persist import save_org

        if self.sandbox is None:
            return
        try:
            save_org(self.path, self.sandbox.org, self.sandbox.base_url)
        except OSError as exc:
            self.save_failed = exc.strerror or type(exc).__name__

    def stop(self) -> None:
        """Stop serving; keep the org only if there is saved progress that refers to it."""
        if self.sandbox is None:
            return
        self.sandbox.stop()
        if demo_state.read_progress(self.folder).journals:
            self.save()
        else:
            self._forget_org()


def run(args: argparse.Namespace) -> int:
    folder = demo_state.demo_folder()  # before OKTA_WIZARD_STATE_DIR points at it
    demo_state.prepare_folder(folder)
    lock = demo_state.DemoLock(folder)
    lock.acquire()
    try:
        with _state_dir(folder), StopSignals() as signals:
            ending = _run(args, folder, signals)
    except DemoStopped as stopped:  # before anything was started: nothing to clean up
        return 128 + stopped.signum
    finally:
        lock.release()
        _remove_if_empty(folder)
    for line in demo_state.closing_lines(folder, ending.keyring):
        _say(line, err=True)
    if ending.save_failed:
        _say(f"  The demo org could not be saved ({ending.save_failed}).", err=True)
    return ending.exit_code


@dataclass
class Ending:
    exit_code: int
    keyring: demo_state.KeyringCleanup | None  # None: the in-memory store
    save_failed: str


def _run(args: argparse.Namespace, folder: Path, signals: StopSignals) -> Ending:
    from concurrent.futures import ThreadPoolExecutor

    from okta_wizard.secret import Secret
    from okta_wizard.tui.app import make_app
    from okta_wizard.tui.demo import DemoInfo

    vault, keyring_label = choose_vault()
    demo = DemoOrg(folder, vault)
    groups = max(0, int(args.groups or 0))
    demo.check(fresh=bool(args.fresh), groups=groups)  # bad input: nothing has changed yet
    result: int | None = None
    # The sandbox org starts in the background while the wizard's first screen is drawn.
    starter = ThreadPoolExecutor(max_workers=1, thread_name_prefix="okta-wizard-demo-start")
    try:
        starting = starter.submit(_wizard_config, demo, args, folder, keyring_label)
        app = make_app(
            sandbox=True,
            demo=DemoInfo("", Secret(""), str(folder)),  # its address: once it answers
            keyring_label=keyring_label,
            starting=starting,
        )
        signals.app = app
        result = app.run()
    except DemoStopped:
        pass
    finally:
        signals.cleaning = True
        starter.shutdown(wait=True)  # a sandbox still starting is up before it is stopped
        if demo.sandbox is not None:
            where = f" ({'; '.join(demo.notes)})" if demo.notes else ""
            _say(
                f"okta-wizard demo: sandbox org at {demo.sandbox.base_url}{where}; "
                f"keyring: {keyring_label}"
            )
        demo.stop()
        keyring = _empty_keyring(vault, folder)
    if signals.received is not None:
        code = 128 + signals.received
    else:
        code = int(ExitCode.OK if result is None else result)
    return Ending(code, keyring, demo.save_failed)


def _wizard_config(
    demo: DemoOrg, args: argparse.Namespace, folder: Path, keyring_label: str
) -> WizardConfig:
    """Start (or restore) the sandbox org, then the wizard's configuration for it. Runs in the
    background: the engine and the sandbox are imported here, not before the first screen."""
    from okta_wizard.clipboard import configured_clear_after
    from okta_wizard.secret import Secret
    from okta_wizard.setup.engine import ProgressCallback, Setup, SetupOptions, forget_saved_setup
    from okta_wizard.setup.saved import SavedSetup, list_saved_setups
    from okta_wizard.tui.app import WizardConfig
    from okta_wizard.tui.demo import DemoInfo

    sandbox = demo.start(fresh=bool(args.fresh), groups=max(0, int(args.groups or 0)))
    vault = demo.vault

    def load_saved() -> list[SavedSetup]:
        """The demo's own saved setups: its folder also holds the org, which is no journal."""
        return list_saved_setups(demo_state.read_progress(folder).journals)

    def setup_factory(options: SetupOptions, on_progress: ProgressCallback) -> Setup:
        return Setup(options, on_progress=on_progress, vault=vault)

    return WizardConfig(
        org_url=sandbox.base_url,
        token=Secret(sandbox.token),
        sandbox=True,
        demo=DemoInfo(sandbox.base_url, Secret(sandbox.token), str(folder)),
        keyring_label=keyring_label,
        secrets_url=sandbox.secrets_url,
        setup_factory=setup_factory,
        forget=lambda origin: forget_saved_setup(origin, vault),
        clear_after=configured_clear_after(),
        load_saved=load_saved,
    )


def _empty_keyring(vault: Vault, folder: Path) -> demo_state.KeyringCleanup | None:
    """Remove what this demo wrote, and what its saved progress points to."""
    if not isinstance(vault, demo_state.DemoKeyring):
        return None  # the in-memory store dies with the process
    entries = set(vault.written)
    for journal in demo_state.read_progress(folder).journals:  # damaged ones name nothing
        entries.update(demo_state.entries_of(journal))
    return demo_state.remove_entries(vault, entries)


def _remove_if_empty(folder: Path) -> None:
    with contextlib.suppress(OSError):
        folder.rmdir()  # only when empty


def _say(line: str, *, err: bool = False) -> None:
    """Print, unless the terminal is gone (SIGHUP): the cleanup must go on regardless."""
    with contextlib.suppress(OSError, ValueError):
        print(line, file=sys.stderr if err else sys.stdout, flush=True)
