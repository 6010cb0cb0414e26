"""The shipped nginx caching proxy (data/deploy/nginx-pantau.conf) run locally as a user process,
in front of a `pantau serve` on loopback: for benchmarks/load_test.py --nginx and
tests/test_deploy_cache.py, so both run the configuration docs/deployment.md tells people to
install, with only its cache folder and ports swapped for temporary ones."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NGINX_CONF = ROOT / "data" / "deploy" / "nginx-pantau.conf"


class NginxError(RuntimeError):
    """nginx is missing, rejects the configuration, or does not start."""


def nginx_binary() -> str | None:
    """The nginx program (Debian puts it in /usr/sbin, often not on a user's PATH), or None."""
    return shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists()
                                     else None)


def render(folder: Path, listen: int, upstream: int) -> Path:
    """Write the shipped configuration with its cache folder in `folder`, listening on
    127.0.0.1:`listen` and proxying to 127.0.0.1:`upstream`, included from a main file that
    keeps every path of nginx's inside `folder`. Returns the main file."""
    shipped = NGINX_CONF.read_text(encoding="utf-8")
    for old, new in (("/var/cache/nginx/pantau", str(folder / "cache")),
                     ("server 127.0.0.1:8001;", f"server 127.0.0.1:{upstream};"),
                     ("listen 80;", f"listen 127.0.0.1:{listen};")):
        if old not in shipped:
            raise NginxError(f"{NGINX_CONF} no longer has {old!r}: update {__file__}")
        shipped = shipped.replace(old, new)
    site = folder / "pantau.conf"
    site.write_text(shipped, encoding="utf-8")
    # As root, nginx's workers would run as nobody, who cannot enter a private temp folder.
    user = "user root;" if os.geteuid() == 0 else ""
    main = folder / "nginx.conf"
    main.write_text(f"""{user}
daemon off;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {site};
}}
""", encoding="utf-8")
    return main


@contextmanager
def nginx_in_front(folder: Path, listen: int, upstream: int, timeout: float = 30):
    """Run nginx with the rendered configuration; yields its base URL, stops it after."""
    binary = nginx_binary()
    if binary is None:
        raise NginxError("nginx is not installed (make system-deps installs it)")
    folder.mkdir(parents=True, exist_ok=True)
    main = render(folder, listen, upstream)
    args = [binary, "-p", str(folder), "-c", str(main), "-e", str(folder / "error.log")]
    check = subprocess.run([*args, "-t"], capture_output=True, text=True)
    if check.returncode:
        raise NginxError(f"nginx rejects the configuration: {check.stderr.strip()}")
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{listen}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(base + "/-/versions.json", timeout=5):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise NginxError("nginx did not start: " + (folder / "error.log").read_text(
                        errors="replace")[-2000:]) from None
                time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)
