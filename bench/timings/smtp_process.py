"""The tests' SMTP server (``tests/servers/smtp.py``, aiosmtpd delivering into Dovecot by LMTP) in a process of its
own, for the timing benches: in the test process its event loop holds the interpreter lock while it takes a 25 MB
message (joining and de-quoting 330,000 lines), and the GUI stall probe then measured the server, not Facteur. A
real server is another process; so is this one.

The parent issues the server's certificate from the run's CA and starts ``python -m bench.timings.smtp_process
<json>``; the child prints its port once listening and serves until its standard input closes (the parent ends,
or calls :meth:`SMTPProcess.stop`).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.servers.ca import ServerCertificate, TestCA


class _IssuedCA:
    """What SMTPServer asks of its CA, with the certificate the parent issued."""

    def __init__(self, ca_path: str, certificate: ServerCertificate) -> None:
        self.cert_path = Path(ca_path)
        self._certificate = certificate

    def issue(self, _name: str, _hostnames: tuple[str, ...] = ()) -> ServerCertificate:
        return self._certificate


class SMTPProcess:
    """An SMTP server in a child process; ``port`` like :class:`tests.servers.smtp.SMTPServer`'s."""

    host = "127.0.0.1"

    def __init__(self, ca: TestCA, users: dict[str, str], *, lmtp_socket: Path) -> None:
        self.ca = ca
        certificate = ca.issue(f"smtp-process-{os.getpid()}")
        config = {"ca": str(ca.cert_path), "cert": str(certificate.cert_path), "key": str(certificate.key_path),
                  "users": users, "lmtp": str(lmtp_socket)}
        root = Path(__file__).resolve().parents[2]
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(root), os.environ.get("PYTHONPATH", "")])}
        self._child = subprocess.Popen([sys.executable, "-m", "bench.timings.smtp_process", json.dumps(config)],
                                       stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=root, env=env, text=True)
        assert self._child.stdout is not None
        line = self._child.stdout.readline()
        if not line.strip().isdigit():
            self.stop()
            raise RuntimeError(f"the SMTP server process did not start: {line!r}")
        self.port = int(line)

    def stop(self) -> None:
        if self._child.poll() is None:
            assert self._child.stdin is not None
            self._child.stdin.close()
            try:
                self._child.wait(10)
            except subprocess.TimeoutExpired:
                self._child.kill()
                self._child.wait()


def main(argument: str) -> None:
    from tests.servers.smtp import SMTPServer

    config: dict[str, Any] = json.loads(argument)
    ca: Any = _IssuedCA(config["ca"], ServerCertificate(Path(config["cert"]), Path(config["key"])))
    server = SMTPServer(ca, config["users"], lmtp_socket=Path(config["lmtp"]))
    server.start()
    print(server.port, flush=True)
    try:
        sys.stdin.read()  # until the parent closes it (or ends)
    finally:
        server.stop()


if __name__ == "__main__":
    main(sys.argv[1])
