"""Build Facteur's stand-alone bundle with PyInstaller, then archive it for download.

    python packaging/build.py [--dist DIR] [--work DIR]

Linux: ``dist/facteur/`` and ``dist/facteur-<version>-linux-<machine>.tar.gz`` (unpacks to ``facteur-<version>/``).
macOS: ``dist/Facteur.app`` and a zip of it. Windows: ``dist/facteur/`` and a zip of it.
Prints the archive's path last.
"""

from __future__ import annotations

import argparse
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


def build(dist: Path, work: Path) -> None:
    # The command is PyInstaller on this repository's spec: nothing untrusted reaches it.
    subprocess.run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",  # noqa: S603
                    "--distpath", str(dist), "--workpath", str(work), str(SPEC)], cwd=ROOT, check=True)


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
    args = parser.parse_args(argv)
    build(args.dist.resolve(), args.work.resolve())
    print(archive(args.dist.resolve()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
