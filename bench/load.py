"""Load generation: wrk when it is installed (Debian package ``wrk``), else a small asyncio
HTTP/1.1 keep-alive client bundled here, so the bench runs anywhere (slower, and it says so).
"""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

CONNECTIONS = 16


@dataclass(frozen=True)
class Target:
    name: str
    url: str
    method: str = "GET"
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Result:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int


def tool() -> str:
    return "wrk" if shutil.which("wrk") else "bundled asyncio client"


def run(target: Target, seconds: float) -> Result:
    if shutil.which("wrk"):
        return _wrk(target, seconds)
    return asyncio.run(_python(target, seconds))


def _lua_string(data: bytes) -> str:
    return '"' + "".join(f"\\{b:03d}" for b in data) + '"'


def _wrk(target: Target, seconds: float) -> Result:
    lines = [f'wrk.method = "{target.method}"']
    if target.body:  # an empty wrk.body still sends Content-Length: 0, which no GET client does
        lines.append(f"wrk.body = {_lua_string(target.body)}")
    lines += [f'wrk.headers["{k}"] = {_lua_string(v.encode())}' for k, v in target.headers]
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write("\n".join(lines) + "\n")
    try:
        out = subprocess.run(
            [
                "wrk",
                "-t2",
                f"-c{CONNECTIONS}",
                f"-d{max(1, round(seconds))}s",
                "--latency",
                "-s",
                script.name,
                target.url,
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    finally:
        Path(script.name).unlink()
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    return Result(rps, _wrk_ms(out, "50%"), _wrk_ms(out, "99%"), errors)


def _wrk_ms(out: str, label: str) -> float:
    value, unit = re.search(rf"{label}\s+([\d.]+)(us|ms|s)", out).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


async def _python(target: Target, seconds: float) -> Result:
    parts = urlsplit(target.url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    head = [f"{target.method} {path} HTTP/1.1", f"Host: {parts.netloc}"]
    head += [f"{k}: {v}" for k, v in target.headers]
    head.append(f"Content-Length: {len(target.body)}")
    request = ("\r\n".join(head) + "\r\n\r\n").encode() + target.body
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            writer.write(request)
            status_line = await reader.readline()
            length = 0
            while (line := await reader.readline()) not in (b"\r\n", b""):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - started)
            if not status_line.split()[1].startswith(b"2"):
                errors += 1
        writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(CONNECTIONS)))
    elapsed = time.perf_counter() - started
    latencies.sort()
    pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000  # noqa: E731
    return Result(len(latencies) / elapsed, pick(0.5), pick(0.99), errors)
