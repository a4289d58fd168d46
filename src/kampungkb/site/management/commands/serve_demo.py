"""``kampungkb serve_demo``: what ``make demo`` runs after installing.

Migrates quietly, seeds the demo, starts the background worker and the web server as child
processes that log to ``var/worker.log`` and ``var/server.log``, waits until the server
answers, and only then prints the demo accounts and the login address, so they are the last
thing on the screen. Ctrl+C stops both children.
"""

import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils.translation import gettext_noop

from kampungkb.core.management.base import TranslatedCommand

SERVER_START_SECONDS = 60
#: prctl(2): the signal a process gets when its parent dies.
PR_SET_PDEATHSIG = 1


def _command_line(*args: str) -> list[str]:
    """The ``kampungkb`` command line for ``args`` (the interpreter that runs this one)."""
    return [sys.executable, "-m", "kampungkb.cli", *args]


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def _dies_with(parent: int):
    """What a child runs before its program (``preexec_fn``): on Linux, ask to be sent
    SIGTERM when ``parent`` (this command) dies, even killed outright (SIGKILL leaves it no
    chance to stop its children: the server would keep the port and the worker the
    database). Elsewhere nothing."""

    def prepare() -> None:
        if not sys.platform.startswith("linux"):
            return
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:  # it died before the request: nothing would tell us
            os._exit(1)

    return prepare


def _stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


class Command(TranslatedCommand):
    help = gettext_noop(
        "Run the local demo: migrate, seed the synthetic demo data and accounts, start the "
        "background worker and the web server (logs in var/), then print the accounts and the "
        "login address. Only with KAMPUNGKB_DEMO=1."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--port", type=int, default=8000, help=gettext_noop("Port on 127.0.0.1.")
        )

    def handle(self, *args, port: int, **options):
        if not settings.DEMO:
            raise CommandError("serve_demo hanya untuk demo lokal (KAMPUNGKB_DEMO=1).")
        if _answers(port):
            raise CommandError(
                f"Port {port} sudah dipakai program lain / already in use: make demo PORT=8080"
            )
        var = Path(settings.VAR_DIR)
        var.mkdir(parents=True, exist_ok=True)
        self.stdout.write("Menyiapkan basis data dan data demo (sekali jalan pertama: ~1 menit)…")
        call_command("migrate", interactive=False, verbosity=0)
        seeded = StringIO()
        call_command("seed_demo", stdout=seeded)
        processes = self._start(var, port)
        try:
            self._wait_until_up(processes, port, var)
            login = f"http://127.0.0.1:{port}{reverse('accounts:login')}"
            self.stdout.write(seeded.getvalue().rstrip("\n"))
            self.stdout.write("")
            self.stdout.write(f"Log: {var / 'server.log'}, {var / 'worker.log'}")
            self.stdout.write(f"KampungKB siap / ready: {login}  (Ctrl+C untuk berhenti / to stop)")
            self.stdout.flush()
            self._wait(processes)
        finally:
            _stop(processes)

    def _start(self, var: Path, port: int) -> list[subprocess.Popen]:
        worker_log = (var / "worker.log").open("ab")
        server_log = (var / "server.log").open("ab")
        # Our own interpreter and command with fixed arguments (the port is an int); the
        # children stop when this command does, however it ends.
        worker = subprocess.Popen(  # noqa: S603
            _command_line("db_worker", "--interval", "2"),
            stdout=worker_log,
            stderr=subprocess.STDOUT,
            preexec_fn=_dies_with(os.getpid()),
        )
        server = subprocess.Popen(  # noqa: S603
            _command_line("runserver", "--noreload", f"127.0.0.1:{port}"),
            stdout=server_log,
            stderr=subprocess.STDOUT,
            preexec_fn=_dies_with(os.getpid()),
        )
        return [server, worker]

    def _wait_until_up(self, processes, port: int, var: Path) -> None:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while not _answers(port):
            if processes[0].poll() is not None or time.monotonic() > deadline:
                tail = (var / "server.log").read_text(errors="replace").splitlines()[-20:]
                raise CommandError(
                    "Server web tidak mau jalan / the web server did not start:\n" + "\n".join(tail)
                )
            time.sleep(0.2)

    def _wait(self, processes) -> None:
        stop = {"now": False}

        def _on_signal(signum, frame):
            stop["now"] = True

        signal.signal(signal.SIGTERM, _on_signal)
        try:
            # The worker may stop (its log says why); the demo lasts as long as the server.
            while not stop["now"] and processes[0].poll() is None:
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
