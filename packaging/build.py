"""Build Facteur's stand-alone bundle with PyInstaller, then archive it for download.

    python packaging/build.py [--dist DIR] [--work DIR] [--oauth-clients FILE]

OAuth clients (as GNOME Online Accounts does it): a distributor who registered Facteur with Google and Microsoft
gives their client IDs at build time, from FACTEUR_GOOGLE_CLIENT_ID / FACTEUR_GOOGLE_CLIENT_SECRET /
FACTEUR_MICROSOFT_CLIENT_ID or a JSON file ``{"google": {"client_id": ..., "client_secret": ...}, "microsoft":
{"client_id": ...}}`` (the environment wins). The bundle carries them as ``resources/oauth_clients.json`` and its
people sign in with two clicks; a build without them asks for the person's own client.

Linux: ``dist/facteur/`` and ``dist/facteur-<version>-linux-<machine>.tar.gz`` (unpacks to ``facteur-<version>/``).
macOS: ``dist/Facteur.app`` and a zip of it. Windows: ``dist/facteur/`` and a zip of it.
Prints the archive's path last.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "packaging" / "facteur.spec"


def version() -> str:
    return str(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"])


_CLIENT_VARIABLES = {
    ("google", "client_id"): "FACTEUR_GOOGLE_CLIENT_ID",
    ("google", "client_secret"): "FACTEUR_GOOGLE_CLIENT_SECRET",
    ("microsoft", "client_id"): "FACTEUR_MICROSOFT_CLIENT_ID",
}


def oauth_clients(environ: dict[str, str] | os._Environ[str], file: Path | None = None) -> dict[str, dict[str, str]]:
    """The build's OAuth clients: the file's, then the environment's over them; providers without an ID left out."""
    clients: dict[str, dict[str, str]] = {}
    if file is not None:
        data = json.loads(file.read_text(encoding="utf-8"))
        for provider, fields in data.items():
            if provider in ("google", "microsoft") and isinstance(fields, dict):
                clients[provider] = {k: str(v) for k, v in fields.items() if k in ("client_id", "client_secret") and v}
    for (provider, key), variable in _CLIENT_VARIABLES.items():
        if environ.get(variable):
            clients.setdefault(provider, {})[key] = environ[variable].strip()
    return {provider: fields for provider, fields in clients.items() if fields.get("client_id")}


def build(dist: Path, work: Path, clients: dict[str, dict[str, str]] | None = None) -> None:
    env = dict(os.environ)
    env.pop("FACTEUR_BUNDLE_OAUTH_CLIENTS", None)
    if clients:
        work.mkdir(parents=True, exist_ok=True)
        carried = work / "oauth_clients.json"
        carried.write_text(json.dumps(clients, indent=2), encoding="utf-8")
        env["FACTEUR_BUNDLE_OAUTH_CLIENTS"] = str(carried)  # packaging/facteur.spec adds it to resources/
    # The command is PyInstaller on this repository's spec: nothing untrusted reaches it.
    subprocess.run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",  # noqa: S603
                    "--distpath", str(dist), "--workpath", str(work), str(SPEC)], cwd=ROOT, check=True, env=env)


def _as_root(info: tarfile.TarInfo) -> tarfile.TarInfo:
    # Whoever built it, the archive unpacks as the person's own files.
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    return info


def archive(dist: Path) -> Path:
    name = f"facteur-{version()}"
    machine = platform.machine().lower()
    if sys.platform == "darwin":
        target = dist / f"{name}-macos-{machine}.zip"
        target.unlink(missing_ok=True)
        # ditto keeps the framework symlinks and extended attributes a zip from Python would lose.
        subprocess.run(["ditto", "-c", "-k", "--keepParent",  # noqa: S603,S607 (macOS's own tool, our files)
                        str(dist / "Facteur.app"), str(target)], check=True)
        return target
    if sys.platform == "win32":
        return Path(shutil.make_archive(str(dist / f"{name}-windows-{machine}"), "zip", dist, "facteur"))
    target = dist / f"{name}-linux-{machine}.tar.gz"
    with tarfile.open(target, "w:gz", compresslevel=6) as tar:
        tar.add(dist / "facteur", arcname=name, filter=_as_root)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="where the bundle goes (default: dist/)")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "pyinstaller",
                        help="PyInstaller's scratch folder (default: build/pyinstaller/)")
    parser.add_argument("--oauth-clients", type=Path, default=None,
                        help="a JSON file of the OAuth client IDs the bundle carries (see above)")
    args = parser.parse_args(argv)
    build(args.dist.resolve(), args.work.resolve(), oauth_clients(os.environ, args.oauth_clients))
    print(archive(args.dist.resolve()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
