"""Headless Chromium for the dashboard's screenshot and tests, installed from Debian when it
is missing."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

APT_ENV = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
# Other apt users (a second job on the machine) hold the dpkg lock for a while: wait for it.
APT_LOCK_WAIT = ["-o", "DPkg::Lock::Timeout=600"]


def _apt_get(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["apt-get", *APT_LOCK_WAIT, *args], env=APT_ENV, capture_output=True, text=True, check=False
    )


def ensure_chromium() -> str:
    """The path of `chromium`, installing the Debian package first when it is missing.
    `apt-get update` runs only when the install fails without it (no package lists yet)."""
    found = shutil.which("chromium")
    if found:
        return found
    if shutil.which("apt-get") is None:
        raise RuntimeError("chromium is missing and there is no apt-get to install it")
    done = _apt_get("install", "-y", "--no-install-recommends", "chromium")
    if done.returncode != 0:
        updated = _apt_get("update")
        if updated.returncode != 0:
            raise RuntimeError(f"apt-get update failed:\n{updated.stderr[-3000:]}")
        done = _apt_get("install", "-y", "--no-install-recommends", "chromium")
    found = shutil.which("chromium")
    if done.returncode != 0 or not found:
        raise RuntimeError(
            f"apt-get install chromium failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
        )
    return found


def headless(chromium: str, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Runs headless Chromium with a throw-away profile (no network is needed: the page is
    self-contained)."""
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        return subprocess.run(
            [
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--hide-scrollbars",
                "--no-first-run",
                f"--user-data-dir={profile}",
                *args,
            ],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )


def screenshot(chromium: str, page: Path, png: Path, width: int = 1150, height: int = 6000) -> Path:
    """A screenshot of the whole page: taken tall, then the empty background below the
    content trimmed away."""
    from PIL import Image

    done = headless(
        chromium,
        f"--window-size={width},{height}",
        "--virtual-time-budget=5000",
        f"--screenshot={png}",
        page.resolve().as_uri(),
    )
    if done.returncode != 0 or not png.exists():
        raise RuntimeError(f"chromium --screenshot failed:\n{done.stderr[-3000:]}")
    with Image.open(png) as image:
        rgb = image.convert("RGB")
    background = rgb.getpixel((width - 1, height - 1))
    bottom = height
    while bottom > 1 and all(
        rgb.getpixel((x, bottom - 1)) == background for x in range(0, width, 7)
    ):
        bottom -= 1
    rgb.crop((0, 0, width, min(height, bottom + 24))).save(png, optimize=True)
    return png
