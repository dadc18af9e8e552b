"""A real Dovecot 2.3 on loopback, run as a child process with a configuration of its own per instance."""

from __future__ import annotations

import base64
import grp
import itertools
import os
import pwd
import shutil
import signal
import smtplib
import socket
import ssl
import subprocess
import tempfile
import threading
import time
import weakref
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import TracebackType

import imapclient
from imapclient import imap_utf7

from tests.servers.ca import TestCA

DOVECOT = Path("/usr/sbin/dovecot")
DH_PARAMS = Path("/usr/share/dovecot/dh.pem")

# Dovecot refuses uid 0 for mail access, so as root the mail belongs to nobody:nogroup. As anyone else, Dovecot
# runs entirely as that user: every service, the mail and the files are theirs (no chroot, no user switching).
ROOT_MAIL_UID = 65534
ROOT_MAIL_GID = 65534

READY_TIMEOUT = 10.0
STOP_TIMEOUT = 5.0
STOP_GRACE = 0.25

SPECIAL_USE_FOLDERS = {
    "Drafts": r"\Drafts",
    "Sent": r"\Sent",
    "Trash": r"\Trash",
    "Junk": r"\Junk",
    "Archive": r"\Archive",
}

SEED_CHUNK_MESSAGES = 1000
# Keeps one MULTIAPPEND's buffer bounded when seeding big messages.
SEED_CHUNK_BYTES = 16 * 1024 * 1024

_instance_numbers = itertools.count(1)


class DovecotError(RuntimeError):
    """Dovecot did not start, stop or answer as a fixture needs."""


def free_ports(count: int) -> list[int]:
    """Ports the kernel considers free now; the sockets stay open together so the ports differ."""
    sockets = [socket.socket(socket.AF_INET, socket.SOCK_STREAM) for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def _private_parent() -> Path:
    """Where the private directory goes: tmpfs when there is one.

    Maildir makes a file per message, and creating a file on this machine's disk costs ~0.8 ms (1000 in
    0.8 s, against 0.008 s on /dev/shm), which is what seeding spends its time on.
    """
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK | os.X_OK):
        return shm
    return Path(tempfile.gettempdir())


def _check_config_value(name: str, value: str) -> str:
    if "\n" in value or "\r" in value:
        raise ValueError(f"{name} must be a single line: {value!r}")
    return value


class _Runtime:
    """What must not outlive its DovecotServer: the master process and the private directory.

    Kept apart from the server so that a weakref finalizer can clean up after a test that forgot to.
    """

    def __init__(self, private_dir: Path) -> None:
        self.private_dir = private_dir
        self.process: subprocess.Popen[bytes] | None = None

    def discard(self) -> None:
        if self.process is not None:
            _kill_group(self.process.pid)
            self.process.wait(timeout=STOP_TIMEOUT)
            self.process = None
        shutil.rmtree(self.private_dir, ignore_errors=True)


class DovecotServer:
    """One Dovecot instance on 127.0.0.1 with IMAP (STARTTLS and implicit TLS) and LMTP on a unix socket.

    Several instances can run at once: each has its own base_dir, state_dir, instance_name and ports.

    The configuration, log and certificate live in `workdir`. What Dovecot's unprivileged processes must
    reach (mail, users file, sockets) lives in a private directory, on /dev/shm when there is one, linked
    from `workdir/mail` and `workdir/run`. As root the mail processes run as nobody, and pytest's tmp_path
    sits below a directory that every pytest start resets to 0700, so nobody could not reliably reach it
    there. As an ordinary user every Dovecot process runs as that user, with no chroot. The short path also
    keeps socket paths under the 107-byte AF_UNIX limit. close(), leaving the `with` block, or the object
    being garbage-collected removes the private directory; stop() keeps it.
    """

    host: str = "127.0.0.1"

    def __init__(
        self,
        workdir: Path,
        ca: TestCA,
        users: dict[str, str],
        *,
        introspection_url: str | None = None,
        imap_capability: str | None = None,
        ssl: bool = True,
        special_use_folders: dict[str, str] | None = None,
    ) -> None:
        if not DOVECOT.exists():
            raise DovecotError(f"{DOVECOT} not found: apt-get install -y dovecot-core dovecot-imapd dovecot-lmtpd")
        self.privileged = os.geteuid() == 0
        if self.privileged:
            self.mail_uid, self.mail_gid = ROOT_MAIL_UID, ROOT_MAIL_GID
        else:
            self.mail_uid, self.mail_gid = os.geteuid(), os.getegid()
        for user, password in users.items():
            if not user or any(c in user for c in ":/\n\r\0"):
                raise ValueError(f"user name not usable in a passwd-file: {user!r}")
            if any(c in password for c in "\n\r\0"):
                raise ValueError(f"password for {user} contains a line break or NUL")
        self.workdir = workdir.resolve()
        self.ca = ca
        self.users = dict(users)
        self.introspection_url = (
            _check_config_value("introspection_url", introspection_url) if introspection_url else None
        )
        self.imap_capability = (
            _check_config_value("imap_capability", imap_capability) if imap_capability is not None else None
        )
        self.ssl = ssl
        # Folders Dovecot creates with a SPECIAL-USE attribute ({} for an account with no Trash, Sent...).
        self.special_use_folders = dict(SPECIAL_USE_FOLDERS if special_use_folders is None else special_use_folders)
        self.instance_name = f"facteur-test-{os.getpid()}-{next(_instance_numbers)}"

        self.config_path = self.workdir / "dovecot.conf"
        self.log_path = self.workdir / "dovecot.log"
        self.stderr_path = self.workdir / "dovecot.stderr"
        self.private_dir = Path(tempfile.mkdtemp(prefix="fdv-", dir=_private_parent()))
        self._runtime = _Runtime(self.private_dir)
        self._finalizer = weakref.finalize(self, self._runtime.discard)
        self.base_dir = self.private_dir / "run"
        self.state_dir = self.private_dir / "state"
        self.mail_dir = self.private_dir / "mail"
        self.users_path = self.private_dir / "users"
        self.oauth2_config_path = self.private_dir / "oauth2.conf.ext"
        self.lmtp_socket = self.base_dir / "lmtp"

        self.imap_port, self._imaps_port = free_ports(2)
        self._prepare_files()

    # --- public API -------------------------------------------------------------------------------------

    @property
    def imaps_port(self) -> int:
        if not self.ssl:
            raise DovecotError("this Dovecot runs with ssl=False: it has no implicit TLS port")
        return self._imaps_port

    @property
    def running(self) -> bool:
        process = self._runtime.process
        return process is not None and process.poll() is None

    def start(self) -> None:
        if self._runtime.process is not None:
            raise DovecotError("Dovecot is already running")
        if not self._finalizer.alive:
            raise DovecotError("this DovecotServer was closed; make a new one")
        # A port picked free can be taken by someone else before Dovecot binds it: pick again, a few times.
        for attempt in range(3):
            self._write_config()
            try:
                self._launch_and_wait()
                return
            except _PortInUse:
                if attempt == 2:
                    raise DovecotError(f"ports stayed busy after 3 tries\n{self._log_tail()}") from None
                self.imap_port, self._imaps_port = free_ports(2)

    def stop(self) -> None:
        """Stop Dovecot, keeping the mail for a later start()."""
        process = self._runtime.process
        if process is None:
            return
        self._runtime.process = None
        if process.poll() is None:
            process.terminate()
            # The master exits about a second after SIGTERM at best (a fixed sleep for its log process), and
            # imap processes with a client still connected outlive it until that client hangs up. So wait
            # only until every process but the log one is gone, or a short grace, then kill the group.
            grace_end = time.monotonic() + STOP_GRACE
            while process.poll() is None and time.monotonic() < grace_end:
                if _live_group_members(process.pid) <= {process.pid}:
                    break
                time.sleep(0.005)
        _kill_group(process.pid)
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            raise DovecotError(f"Dovecot (pid {process.pid}) survived SIGKILL") from None

    def close(self) -> None:
        """Stop Dovecot and delete its mail and sockets; the log and configuration stay in workdir."""
        self.stop()
        self._finalizer()

    def restart(self) -> None:
        """Stop and start again on the same ports, keeping the mail."""
        self.stop()
        self._write_config()
        try:
            self._launch_and_wait()
        except _PortInUse:
            raise DovecotError(
                f"cannot restart: port {self.imap_port} or {self._imaps_port} was taken meanwhile\n"
                f"{self._log_tail()}"
            ) from None

    def __enter__(self) -> DovecotServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def deliver(self, recipient: str, message: bytes, sender: str = "sender@example.test") -> None:
        """Deliver `message` to `recipient`'s INBOX the way an MTA would."""
        with smtplib.LMTP(str(self.lmtp_socket), timeout=10) as lmtp:
            refused = lmtp.sendmail(sender, [recipient], message)
        if refused:
            raise DovecotError(f"LMTP refused {recipient}: {refused}")

    def ssl_context(self) -> ssl.SSLContext:
        """A client context that trusts exactly this run's CA."""
        return ssl.create_default_context(cafile=str(self.ca.cert_path))

    def client(self, user: str) -> imapclient.IMAPClient:
        """A logged-in IMAPClient over implicit TLS (cleartext if ssl=False): "another client" for tests."""
        if self.ssl:
            imap = imapclient.IMAPClient(
                self.host, port=self.imaps_port, ssl=True, ssl_context=self.ssl_context(), timeout=10
            )
        else:
            imap = imapclient.IMAPClient(self.host, port=self.imap_port, ssl=False, timeout=10)
        try:
            # AUTHENTICATE PLAIN sends UTF-8; imaplib's LOGIN cannot encode a non-ASCII password.
            imap.plain_login(user, self.users[user])
        except imapclient.exceptions.LoginError as error:
            imap.shutdown()
            raise DovecotError(f"fixture login as {user} failed: {error}\n{self._log_tail()}") from error
        except BaseException:
            imap.shutdown()
            raise
        return imap

    def seed(self, user: str, folder: str, messages: Sequence[bytes], flags: tuple[str, ...] = ()) -> None:
        """Append `messages` to `folder` (created if missing) with MULTIAPPEND and LITERAL+.

        One APPEND per message took 40 s for 10k messages here; a thousand per command takes under one.
        """
        mailbox = _literal(imap_utf7.encode(folder))
        flag_list = b"(" + " ".join(flags).encode("ascii") + b") " if flags else b""
        # The cleartext port even when TLS is on: this is loopback test data, and TLS would only cost time.
        with _RawIMAP(self.host, self.imap_port) as imap:
            imap.command(b"LOGIN " + _literal(user.encode()) + b" " + _literal(self.users[user].encode()))
            status, text = imap.command(b"CREATE " + mailbox, check=False)
            if status != "OK" and b"[ALREADYEXISTS]" not in text:
                raise DovecotError(f"CREATE {folder!r} failed: {text.decode(errors='replace')}")
            for chunk in _chunks(messages):
                parts = [b"APPEND ", mailbox]
                for message in chunk:
                    parts += [b" ", flag_list, b"{%d+}\r\n" % len(message), message]
                imap.command(b"".join(parts))
            imap.command(b"LOGOUT", check=False)

    def log_text(self) -> str:
        """Everything Dovecot said: its stderr (configuration errors) and its log file."""
        texts = []
        for path in (self.stderr_path, self.log_path):
            if path.exists():
                texts.append(path.read_text(errors="replace"))
        return "".join(texts)

    # --- internals --------------------------------------------------------------------------------------

    def _prepare_files(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        # Others may pass through the private directory (Dovecot's mail and auth processes) but not list it.
        self.private_dir.chmod(0o711)
        for directory in (self.base_dir, self.state_dir, self.mail_dir):
            directory.mkdir()
        homes = [self.mail_dir] + [self.mail_dir / user for user in self.users]
        for home in homes:
            home.mkdir(exist_ok=True)
            if self.privileged:
                os.chown(home, self.mail_uid, self.mail_gid)
        for name, target in (("mail", self.mail_dir), ("run", self.base_dir)):
            link = self.workdir / name
            link.unlink(missing_ok=True)
            link.symlink_to(target)
        certificate = self.ca.issue(f"dovecot-{self.instance_name}")
        self._cert_path, self._key_path = certificate.cert_path, certificate.key_path
        # PLAIN.B64 lets any password (colons, non-ASCII) sit in the colon-separated passwd-file.
        self.users_path.write_text(
            "".join(
                f"{user}:{{PLAIN.B64}}{base64.b64encode(password.encode()).decode()}"
                f":{self.mail_uid}:{self.mail_gid}::{self.mail_dir / user}::\n"
                for user, password in self.users.items()
            )
        )
        if self.privileged:
            # Dovecot's auth process runs as the dovecot user, not root.
            os.chown(self.users_path, 0, grp.getgrnam("dovecot").gr_gid)
            self.users_path.chmod(0o640)
        else:
            self.users_path.chmod(0o600)
        if self.introspection_url:
            self.oauth2_config_path.write_text(
                f"introspection_mode = post\n"
                f"introspection_url = {self.introspection_url}\n"
                "force_introspection = yes\n"
                "username_attribute = username\n"
                "active_attribute = active\n"
                "active_value = true\n"
                # A hung endpoint must fail the login, not the whole test run.
                "timeout_msecs = 5000\n"
                f"tls_ca_cert_file = {self.ca.cert_path}\n"
            )

    def _write_config(self) -> None:
        mechanisms = "plain login" + (" xoauth2 oauthbearer" if self.introspection_url else "")
        special_use = "".join(
            f"  mailbox {name} {{\n    special_use = {flag}\n    auto = subscribe\n  }}\n"
            for name, flag in self.special_use_folders.items()
        )
        if self.ssl:
            ssl_settings = (
                f"ssl = yes\nssl_cert = <{self._cert_path}\nssl_key = <{self._key_path}\nssl_dh = <{DH_PARAMS}\n"
            )
            imaps_listener = (
                f"  inet_listener imaps {{\n    address = {self.host}\n    port = {self._imaps_port}\n"
                "    ssl = yes\n  }\n"
            )
        else:
            ssl_settings = "ssl = no\n"
            imaps_listener = ""
        oauth_passdb = (
            f"passdb {{\n  driver = oauth2\n  mechanisms = xoauth2 oauthbearer\n"
            f"  args = {self.oauth2_config_path}\n}}\n"
            if self.introspection_url
            else ""
        )
        capability = f"imap_capability = {self.imap_capability}\n" if self.imap_capability is not None else ""
        config = f"""\
# Generated by tests/servers/dovecot.py for one test run; not a template for production.
base_dir = {self.base_dir}
state_dir = {self.state_dir}
instance_name = {self.instance_name}
log_path = {self.log_path}
protocols = imap lmtp
listen = {self.host}
{ssl_settings}
# The client library, not the server, is what refuses cleartext passwords.
disable_plaintext_auth = no
auth_mechanisms = {mechanisms}
auth_failure_delay = 0
auth_verbose = yes
{self._identity_settings()}mail_location = maildir:~/Maildir:LAYOUT=fs
mail_fsync = never
# Tests open many connections per user from one address; the default of 10 would refuse some.
mail_max_userip_connections = 1000
# No address-space cap: a million-message folder's index cache (355 MB in bench/header_sync.py) cannot be mapped
# under the 256 MB default ("mmap() failed: Cannot allocate memory", then "Out of memory" mid-FETCH).
default_vsz_limit = 0
{capability}
# Runs first so every login carries nodelay: wrong passwords then fail at once instead of after the auth
# penalty (0.5 to 15 s), and continue-fail still leaves the verdict to the passdbs below.
passdb {{
  driver = static
  args = nopassword=y nodelay=y
  result_success = continue-fail
}}
{oauth_passdb}
passdb {{
  driver = passwd-file
  mechanisms = plain login
  args = scheme=PLAIN username_format=%u {self.users_path}
}}
# A static userdb breaks LMTP lookups once passdbs filter by mechanism.
userdb {{
  driver = passwd-file
  args = username_format=%u {self.users_path}
}}

namespace inbox {{
  inbox = yes
  separator = /
{special_use}}}

service imap-login {{
{self._chroot_setting()}  inet_listener imap {{
    address = {self.host}
    port = {self.imap_port}
  }}
{imaps_listener}}}
service lmtp {{
  unix_listener lmtp {{
    mode = 0666
  }}
}}
service auth {{
  unix_listener auth-client {{
    mode = 0666
  }}
}}
{self._unprivileged_services()}"""
        self.config_path.write_text(config)

    def _identity_settings(self) -> str:
        if self.privileged:
            return "default_internal_user = dovecot\ndefault_login_user = dovenull\n"
        user = pwd.getpwuid(self.mail_uid).pw_name
        group = grp.getgrgid(self.mail_gid).gr_name
        # Dovecot's own users do not exist for us: every service runs as the current user and group, and mail
        # uids below 500 (system accounts) must be accepted as well.
        return (
            f"default_internal_user = {user}\ndefault_internal_group = {group}\ndefault_login_user = {user}\n"
            f"first_valid_uid = {min(self.mail_uid, 500)}\nfirst_valid_gid = {min(self.mail_gid, 1)}\n"
        )

    def _chroot_setting(self) -> str:
        # chroot() needs root.
        return "" if self.privileged else "  chroot =\n"

    def _unprivileged_services(self) -> str:
        if self.privileged:
            return ""
        return "".join(f"service {name} {{\n  chroot =\n}}\n" for name in ("anvil", "ipc", "old-stats"))

    def _launch_and_wait(self) -> None:
        # Earlier runs' lines stay in the log (restart); only this launch's are evidence of a port clash.
        log_start = len(self.log_text())
        with self.stderr_path.open("ab") as stderr:
            # A session of its own so that stop() can reach every Dovecot child by process group.
            self._runtime.process = subprocess.Popen(
                [*_die_with_parent(), str(DOVECOT), "-F", "-c", str(self.config_path)],
                stdin=subprocess.DEVNULL,
                stdout=stderr,
                stderr=stderr,
                start_new_session=True,
            )
        try:
            self._wait_until_ready(log_start)
        except BaseException:
            self.stop()
            raise

    def _wait_until_ready(self, log_start: int) -> None:
        process = self._runtime.process
        assert process is not None
        deadline = time.monotonic() + READY_TIMEOUT
        pending = [self._imap_ready, self._lmtp_ready]
        if self.ssl:
            pending.append(self._imaps_ready)
        while pending:
            if process.poll() is not None:
                if "Address already in use" in self.log_text()[log_start:]:
                    raise _PortInUse
                raise DovecotError(
                    f"Dovecot exited with status {process.returncode} while starting\n{self._log_tail()}"
                )
            pending = [probe for probe in pending if not probe()]
            if not pending:
                return
            if time.monotonic() > deadline:
                raise DovecotError(f"Dovecot not ready within {READY_TIMEOUT:.0f} s\n{self._log_tail()}")
            time.sleep(0.01)

    def _imap_ready(self) -> bool:
        try:
            with socket.create_connection((self.host, self.imap_port), timeout=1) as sock:
                return sock.recv(64).startswith(b"* OK")
        except OSError:
            return False

    def _imaps_ready(self) -> bool:
        try:
            with (
                socket.create_connection((self.host, self._imaps_port), timeout=1) as raw,
                self.ssl_context().wrap_socket(raw, server_hostname=self.host) as sock,
            ):
                return sock.recv(64).startswith(b"* OK")
        except OSError:
            return False

    def _lmtp_ready(self) -> bool:
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
                sock.settimeout(1)
                sock.connect(str(self.lmtp_socket))
                return sock.recv(64).startswith(b"220")
        except OSError:
            return False

    def _log_tail(self, lines: int = 40) -> str:
        tail = self.log_text().splitlines()[-lines:]
        return "--- dovecot log (tail) ---\n" + "\n".join(tail) if tail else "(dovecot wrote no log)"


def _die_with_parent() -> list[str]:
    """A prefix that makes Dovecot get SIGTERM when the test process dies without stopping it (a crash, or
    pytest-timeout's os._exit), instead of running on as an orphan.

    The signal follows the thread that started the process, so only the main thread asks for it.
    """
    setpriv = shutil.which("setpriv")
    if setpriv is None or threading.current_thread() is not threading.main_thread():
        return []
    return [setpriv, "--pdeathsig", "TERM", "--"]


def _kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _live_group_members(pgid: int) -> set[int]:
    """Processes in process group `pgid` that are neither zombies nor Dovecot's log process."""
    members = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat_line = (entry / "stat").read_text()
        except OSError:
            continue
        comm = stat_line[stat_line.index("(") + 1 : stat_line.rindex(")")]
        state, _ppid, pgrp = stat_line[stat_line.rindex(")") + 2 :].split()[:3]
        if int(pgrp) == pgid and state != "Z" and comm != "log":
            members.add(int(entry.name))
    return members


class _PortInUse(Exception):
    pass


def _literal(data: bytes) -> bytes:
    # LITERAL+ needs no continuation round trip and copes with any bytes, so it beats quoting rules.
    return b"{%d+}\r\n" % len(data) + data


def _chunks(messages: Sequence[bytes]) -> Iterator[Sequence[bytes]]:
    start = 0
    while start < len(messages):
        end, size = start, 0
        while end < len(messages) and end - start < SEED_CHUNK_MESSAGES and (end == start or size < SEED_CHUNK_BYTES):
            size += len(messages[end])
            end += 1
        yield messages[start:end]
        start = end


class _RawIMAP:
    """Just enough IMAP to pipeline huge APPENDs that imaplib and IMAPClient would send one by one."""

    def __init__(self, host: str, port: int) -> None:
        self._sock = socket.create_connection((host, port), timeout=60)
        self._reader = self._sock.makefile("rb")
        self._tags = itertools.count(1)
        greeting = self._reader.readline()
        if not greeting.startswith(b"* OK"):
            self.close()
            raise DovecotError(f"unexpected IMAP greeting: {greeting!r}")

    def command(self, command: bytes, *, check: bool = True) -> tuple[str, bytes]:
        tag = b"S%d" % next(self._tags)
        self._sock.sendall(tag + b" " + command + b"\r\n")
        while True:
            line = self._reader.readline()
            if not line:
                raise DovecotError("Dovecot closed the connection during seeding")
            if line.startswith(tag + b" "):
                status, _, text = line[len(tag) + 1 :].partition(b" ")
                if check and status != b"OK":
                    verb = command.split(b" ", 1)[0].decode()
                    raise DovecotError(f"{verb} failed: {line.decode(errors='replace').strip()}")
                return status.decode(), text

    def close(self) -> None:
        self._reader.close()
        self._sock.close()

    def __enter__(self) -> _RawIMAP:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
