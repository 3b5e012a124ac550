"""Tests of etl.fetch against a real HTTP server on 127.0.0.1 (no other network traffic)."""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

import httpx
import pytest

from etl.errors import FetchError
from etl.fetch import (
    DEFAULT_MANIFEST,
    FetchReport,
    ManifestEntry,
    add_fetch_arguments,
    add_manifest_arguments,
    fetch_all,
    load_manifest,
    read_manifest,
    run_fetch,
    run_manifest,
    write_manifest,
)

COMMIT = "0123456789abcdef0123456789abcdef01234567"


def _blob(n: int, seed: int) -> bytes:
    return random.Random(seed).randbytes(n)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --------------------------------------------------------------------------- loopback server


@dataclass
class _State:
    files: dict[str, bytes] = field(default_factory=dict)
    # Per path, what to do on successive requests: "ok", "500", "drop", "416", "ignore-range".
    actions: dict[str, list[str]] = field(default_factory=dict)
    requests: list[tuple[str, str | None]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def requests_for(self, path: str) -> list[str | None]:
        return [rng for p, rng in self.requests if p == path]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    state: _State


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
        pass

    def _empty(self, status: int, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self) -> None:
        state = self.server.state
        path = unquote(urlsplit(self.path).path).lstrip("/")
        rng = self.headers.get("Range")
        with state.lock:
            state.requests.append((path, rng))
            queue = state.actions.get(path)
            action = queue.pop(0) if queue else "ok"
        body = state.files.get(path)
        if body is None:
            self._empty(404)
            return
        if action == "500":
            self._empty(500)
            return
        if action == "416":
            self._empty(416, {"Content-Range": f"bytes */{len(body)}"})
            return
        start = 0
        status = 200
        if rng and action != "ignore-range":
            m = re.fullmatch(r"bytes=(\d+)-", rng)
            assert m, rng
            start = int(m.group(1))
            if start >= len(body):
                self._empty(416, {"Content-Range": f"bytes */{len(body)}"})
                return
            status = 206
        chunk = body[start:]
        self.send_response(status)
        if status == 206:
            self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
        self.send_header("Content-Length", str(len(chunk)))
        self.end_headers()
        if action == "drop":  # announce the full length, send half, hang up
            self.wfile.write(chunk[: len(chunk) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(chunk)


@pytest.fixture()
def server() -> Iterator[tuple[str, _State]]:
    srv = _Server(("127.0.0.1", 0), _Handler)
    srv.state = _State()
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{srv.server_address[1]}", srv.state
    finally:
        srv.shutdown()
        srv.server_close()
        thread.join(timeout=5)


@pytest.fixture()
def client() -> Iterator[httpx.Client]:
    # trust_env=False: never route loopback traffic through a proxy from the environment.
    with httpx.Client(trust_env=False, timeout=5.0) as c:
        yield c


class _Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def _entry(path: str, data: bytes, url: str | None = None) -> ManifestEntry:
    return ManifestEntry(path=path, sha256=_sha(data), size=len(data), url=url)


def _no_parts(dest: Path) -> bool:
    return not list(dest.rglob("*.part"))


# --------------------------------------------------------------------------- fetch_all


def test_fresh_download(server: tuple[str, _State], client: httpx.Client, tmp_path: Path) -> None:
    base, state = server
    a, b, c = _blob(70_000, 1), _blob(10, 2), b""
    state.files = {"o__r/数据/2020投档线.csv": a, "mirror/b.bin": b, "pypi__x/empty.txt": c, "direct/a.csv": a}
    manifest = [
        _entry("o__r/数据/2020投档线.csv", a),  # via base_url, non-ASCII path percent-encoded
        _entry("mirror/b.bin", b),
        _entry("pypi__x/empty.txt", c),
        _entry("own/a.csv", a, url=f"{base}/direct/a.csv"),  # via its own url
    ]
    messages: list[str] = []
    dest = tmp_path / "cache"
    report = fetch_all(manifest, dest, base_url=base + "/", client=client, progress=messages.append)
    assert report == FetchReport(downloaded=4, skipped=0, bytes=len(a) * 2 + len(b))
    assert (dest / "o__r/数据/2020投档线.csv").read_bytes() == a
    assert (dest / "own/a.csv").read_bytes() == a
    assert (dest / "mirror/b.bin").read_bytes() == b
    assert (dest / "pypi__x/empty.txt").read_bytes() == b""
    assert _no_parts(dest)
    assert len(messages) == 4 and all("done" in m for m in messages)
    assert all(rng is None for _, rng in state.requests)


def test_present_file_is_skipped(server: tuple[str, _State], client: httpx.Client, tmp_path: Path) -> None:
    base, state = server
    a, b = _blob(5000, 3), _blob(6000, 4)
    state.files = {"d/a.bin": a, "d/b.bin": b}
    (tmp_path / "d").mkdir()
    (tmp_path / "d/a.bin").write_bytes(a)
    messages: list[str] = []
    report = fetch_all([_entry("d/a.bin", a), _entry("d/b.bin", b)], tmp_path, base_url=base, client=client,
                       progress=messages.append)
    assert report == FetchReport(downloaded=1, skipped=1, bytes=len(b))
    assert state.requests_for("d/a.bin") == []
    assert "skipped" in messages[0] and "d/a.bin" in messages[0]
    # A second run downloads nothing.
    again = fetch_all([_entry("d/a.bin", a), _entry("d/b.bin", b)], tmp_path, base_url=base, client=client)
    assert again == FetchReport(downloaded=0, skipped=2, bytes=0)


def test_resume_from_partial_part_file(server: tuple[str, _State], client: httpx.Client, tmp_path: Path) -> None:
    base, state = server
    data = _blob(100_000, 5)
    state.files = {"big.bin": data}
    (tmp_path / "big.bin.part").write_bytes(data[:30_000])
    report = fetch_all([_entry("big.bin", data)], tmp_path, base_url=base, client=client)
    assert state.requests_for("big.bin") == ["bytes=30000-"]
    assert report == FetchReport(downloaded=1, skipped=0, bytes=70_000)
    assert (tmp_path / "big.bin").read_bytes() == data
    assert _no_parts(tmp_path)


def test_resume_ignored_by_server_restarts(server: tuple[str, _State], client: httpx.Client, tmp_path: Path) -> None:
    base, state = server
    data = _blob(20_000, 6)
    state.files = {"f.bin": data}
    state.actions = {"f.bin": ["ignore-range"]}
    (tmp_path / "f.bin.part").write_bytes(b"x" * 5000)  # wrong bytes: must be overwritten, not appended to
    report = fetch_all([_entry("f.bin", data)], tmp_path, base_url=base, client=client)
    assert state.requests_for("f.bin") == ["bytes=5000-"]
    assert report.bytes == len(data)
    assert (tmp_path / "f.bin").read_bytes() == data


def test_416_drops_part_and_restarts(server: tuple[str, _State], client: httpx.Client, tmp_path: Path) -> None:
    base, state = server
    data = _blob(20_000, 7)
    state.files = {"f.bin": data}
    state.actions = {"f.bin": ["416"]}
    (tmp_path / "f.bin.part").write_bytes(data[:1000])
    sleeps = _Sleeps()
    fetch_all([_entry("f.bin", data)], tmp_path, base_url=base, client=client, sleep=sleeps)
    assert state.requests_for("f.bin") == ["bytes=1000-", None]
    assert (tmp_path / "f.bin").read_bytes() == data


def test_complete_part_file_needs_no_request(server: tuple[str, _State], client: httpx.Client, tmp_path: Path) -> None:
    base, state = server
    data = _blob(3000, 8)
    (tmp_path / "f.bin.part").write_bytes(data)
    report = fetch_all([_entry("f.bin", data)], tmp_path, base_url=base, client=client)
    assert state.requests == []
    assert report == FetchReport(downloaded=1, skipped=0, bytes=0)
    assert (tmp_path / "f.bin").read_bytes() == data


def test_checksum_mismatch_replaces_nothing(server: tuple[str, _State], client: httpx.Client, tmp_path: Path) -> None:
    base, state = server
    old, expected, served = _blob(4000, 9), _blob(4000, 10), _blob(4000, 11)
    state.files = {"f.bin": served}  # the server serves bytes that do not match the manifest
    (tmp_path / "f.bin").write_bytes(old)  # an older copy already in the cache
    with pytest.raises(FetchError, match=r"f\.bin: checksum mismatch.*nothing was replaced"):
        fetch_all([_entry("f.bin", expected)], tmp_path, base_url=base, client=client)
    assert (tmp_path / "f.bin").read_bytes() == old
    assert _no_parts(tmp_path)


def test_too_many_bytes_is_a_mismatch(server: tuple[str, _State], client: httpx.Client, tmp_path: Path) -> None:
    base, state = server
    state.files = {"f.bin": _blob(5000, 12)}
    with pytest.raises(FetchError, match="more than the expected 100 bytes"):
        fetch_all([_entry("f.bin", _blob(100, 13))], tmp_path, base_url=base, client=client)
    assert not (tmp_path / "f.bin").exists()
    assert _no_parts(tmp_path)


def test_500_then_200_is_retried(server: tuple[str, _State], client: httpx.Client, tmp_path: Path) -> None:
    base, state = server
    data = _blob(8000, 14)
    state.files = {"f.bin": data}
    state.actions = {"f.bin": ["500"]}
    sleeps = _Sleeps()
    report = fetch_all([_entry("f.bin", data)], tmp_path, base_url=base, client=client, sleep=sleeps, backoff=0.25)
    assert len(state.requests_for("f.bin")) == 2
    assert sleeps == [0.25]
    assert report.downloaded == 1
    assert (tmp_path / "f.bin").read_bytes() == data


def test_persistent_500_gives_up_after_three_tries(
    server: tuple[str, _State], client: httpx.Client, tmp_path: Path
) -> None:
    base, state = server
    data = _blob(100, 15)
    state.files = {"f.bin": data}
    state.actions = {"f.bin": ["500"] * 5}
    sleeps = _Sleeps()
    with pytest.raises(FetchError, match=r"f\.bin: giving up after 3 tries \(HTTP 500\)"):
        fetch_all([_entry("f.bin", data)], tmp_path, base_url=base, client=client, sleep=sleeps, backoff=0.5)
    assert len(state.requests_for("f.bin")) == 3
    assert sleeps == [0.5, 1.0]
    assert not (tmp_path / "f.bin").exists()


def test_dropped_connection_is_retried_and_resumed(
    server: tuple[str, _State], client: httpx.Client, tmp_path: Path
) -> None:
    base, state = server
    data = _blob(200_000, 16)
    state.files = {"f.bin": data}
    state.actions = {"f.bin": ["drop"]}
    sleeps = _Sleeps()
    report = fetch_all([_entry("f.bin", data)], tmp_path, base_url=base, client=client, sleep=sleeps)
    first, second = state.requests_for("f.bin")
    assert first is None
    assert second == "bytes=100000-"  # the half received before the drop was kept and resumed from
    assert len(sleeps) == 1
    assert report == FetchReport(downloaded=1, skipped=0, bytes=len(data))
    assert (tmp_path / "f.bin").read_bytes() == data
    assert _no_parts(tmp_path)


def test_404_is_not_retried(server: tuple[str, _State], client: httpx.Client, tmp_path: Path) -> None:
    base, state = server
    sleeps = _Sleeps()
    with pytest.raises(FetchError, match=r"gone\.bin: HTTP 404"):
        fetch_all([_entry("gone.bin", b"abc")], tmp_path, base_url=base, client=client, sleep=sleeps)
    assert len(state.requests_for("gone.bin")) == 1
    assert sleeps == []


def test_missing_url_and_base_url(server: tuple[str, _State], client: httpx.Client, tmp_path: Path) -> None:
    base, state = server
    data = b"hello"
    state.files = {"has/url.txt": data}
    manifest = [_entry("has/url.txt", data, url=f"{base}/has/url.txt"), _entry("derived_x.csv", data)]
    with pytest.raises(FetchError, match=r"no URL.*no base URL.*GAOKAO_SOURCES_URL.*derived_x\.csv"):
        fetch_all(manifest, tmp_path, base_url=None, client=client)
    assert state.requests == []  # fails before downloading anything


def test_only_selects_files_and_folders(server: tuple[str, _State], client: httpx.Client, tmp_path: Path) -> None:
    base, state = server
    state.files = {"a/1.txt": b"1", "a/2.txt": b"2", "b/3.txt": b"3"}
    manifest = [_entry(p, d) for p, d in state.files.items()]
    report = fetch_all(manifest, tmp_path, base_url=base, client=client, only=["a/"])
    assert report.downloaded == 2 and not (tmp_path / "b").exists()
    report = fetch_all(manifest, tmp_path, base_url=base, client=client, only=["b/3.txt"])
    assert report.downloaded == 1
    with pytest.raises(FetchError, match="not in the manifest: c"):
        fetch_all(manifest, tmp_path, base_url=base, client=client, only=["c"])


# --------------------------------------------------------------------------- manifests


def _write(tmp_path: Path, doc: object) -> Path:
    path = tmp_path / "manifest.json"
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc), encoding="utf-8")
    return path


GOOD_FILE = {"path": "a/b.csv", "sha256": "0" * 64, "size": 3, "url": None}


@pytest.mark.parametrize(
    ("doc", "problem"),
    [
        ("{not json", "not valid JSON"),
        ([], "top level must be a JSON object"),
        ({"version": 2, "files": []}, "unsupported version 2"),
        ({"version": 1, "files": {}}, "'files' must be a list"),
        ({"version": 1, "base_url": 5, "files": []}, "base_url"),
        ({"version": 1, "files": [{**GOOD_FILE, "sha256": "xyz"}]}, r"files\[0\] \(a/b.csv\): 'sha256'"),
        ({"version": 1, "files": [{**GOOD_FILE, "size": -1}]}, "'size' must be a non-negative integer"),
        ({"version": 1, "files": [{**GOOD_FILE, "size": "3"}]}, "'size' must be a non-negative integer"),
        ({"version": 1, "files": [{**GOOD_FILE, "path": "../etc/passwd"}]}, "'path' must be a relative path"),
        ({"version": 1, "files": [{**GOOD_FILE, "path": "/abs"}]}, "'path' must be a relative path"),
        ({"version": 1, "files": [{**GOOD_FILE, "url": "ftp://x"}]}, "'url' must be an http"),
        ({"version": 1, "files": [GOOD_FILE, GOOD_FILE]}, "duplicate path"),
        ({"version": 1, "files": ["a/b.csv"]}, r"files\[0\] must be an object"),
    ],
)
def test_malformed_manifest(tmp_path: Path, doc: object, problem: str) -> None:
    path = _write(tmp_path, doc)
    with pytest.raises(FetchError, match=problem) as info:
        load_manifest(path)
    assert str(path) in str(info.value)


def test_missing_manifest(tmp_path: Path) -> None:
    with pytest.raises(FetchError, match="cannot read it"):
        load_manifest(tmp_path / "nope.json")


def test_manifest_url_is_optional(tmp_path: Path) -> None:
    item = {k: v for k, v in GOOD_FILE.items() if k != "url"}
    path = _write(tmp_path, {"version": 1, "base_url": "http://127.0.0.1:1/m", "files": [item]})
    manifest = read_manifest(path)
    assert manifest.base_url == "http://127.0.0.1:1/m"
    assert manifest.entries == [ManifestEntry("a/b.csv", "0" * 64, 3, None)]


def _tiny_sources(root: Path) -> dict[str, bytes]:
    files = {
        "alice__data-repo/sub/数据 1.csv": b"a,b\n1,2\n",
        "alice__data-repo/top.json": b"{}",
        "alice__data-repo/derived_flat.csv": b"x\n",
        "alice__data-repo/renamed.pdf": b"%PDF",
        "bob__nocommit/file.txt": b"bob",
        "pypi__pkg/data.db": b"db",
        "SOURCES.md": (
            "# Sources\n## 1. alice__data-repo\n- Repo `alice/data-repo`, branch `dev`\n"
            f"  @ `{COMMIT}` (2026-01-01). No license.\n## 2. bob__nocommit\n- Repo `bob/nocommit`.\n"
        ).encode(),
    }
    for rel, data in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    (root / ".hidden").write_bytes(b"h")
    (root / "alice__data-repo/.git").mkdir()
    (root / "alice__data-repo/.git/HEAD").write_bytes(b"ref")
    (root / "alice__data-repo/top.json.part").write_bytes(b"{")
    return files


def test_write_manifest_on_tiny_sources(tmp_path: Path) -> None:
    root = tmp_path / "sources"
    files = _tiny_sources(root)
    out = tmp_path / "out" / "manifest.json"
    n = write_manifest(root, out, not_verbatim={"alice__data-repo/renamed.pdf"})
    assert n == len(files)
    entries = {e.path: e for e in load_manifest(out)}
    assert sorted(entries) == sorted(files)  # no hidden files, no .git, no .part
    for rel, data in files.items():
        assert entries[rel].sha256 == _sha(data) and entries[rel].size == len(data)
    raw = f"https://raw.githubusercontent.com/alice/data-repo/{COMMIT}"
    assert entries["alice__data-repo/sub/数据 1.csv"].url == f"{raw}/sub/%E6%95%B0%E6%8D%AE%201.csv"
    assert entries["alice__data-repo/top.json"].url == f"{raw}/top.json"
    for rel in ("alice__data-repo/derived_flat.csv", "alice__data-repo/renamed.pdf", "bob__nocommit/file.txt",
                "pypi__pkg/data.db", "SOURCES.md"):
        assert entries[rel].url is None, rel
    assert read_manifest(out).base_url is None


def test_manifest_roundtrip_fetch(server: tuple[str, _State], client: httpx.Client, tmp_path: Path) -> None:
    """write_manifest of a folder, served as a mirror, fetched into an empty cache: same files."""
    base, state = server
    root = tmp_path / "sources"
    files = _tiny_sources(root)
    state.files = dict(files)
    out = tmp_path / "manifest.json"
    write_manifest(root, out, base_url=base)
    manifest = read_manifest(out)
    mirrored = [ManifestEntry(e.path, e.sha256, e.size, None) for e in manifest.entries]  # no GitHub here
    dest = tmp_path / "cache"
    report = fetch_all(mirrored, dest, base_url=manifest.base_url, client=client)
    assert report.downloaded == len(files)
    for rel, data in files.items():
        assert (dest / rel).read_bytes() == data


def test_packaged_manifest_is_valid() -> None:
    assert DEFAULT_MANIFEST.stat().st_size < 100_000
    manifest = read_manifest(DEFAULT_MANIFEST)
    assert manifest.entries
    urls = [e.url for e in manifest.entries if e.url]
    assert urls and all(u.startswith("https://raw.githubusercontent.com/") for u in urls)
    assert all(e.url is None for e in manifest.entries if e.path.split("/")[-1].startswith("derived_"))


# --------------------------------------------------------------------------- command line


@pytest.fixture()
def no_proxy_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)


def test_run_fetch_uses_env_base_url(
    server: tuple[str, _State], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_proxy_env: None
) -> None:
    base, state = server
    data = _blob(1000, 17)
    state.files = {"x/y.bin": data, "x/z.bin": b"z"}
    manifest = _write(tmp_path, {"version": 1, "base_url": "http://127.0.0.1:9/unused", "files": [
        {"path": "x/y.bin", "sha256": _sha(data), "size": len(data)},
        {"path": "x/z.bin", "sha256": _sha(b"z"), "size": 1},
    ]})
    monkeypatch.setenv("GAOKAO_SOURCES_URL", base)
    parser = argparse.ArgumentParser()
    add_fetch_arguments(parser)
    args = parser.parse_args(["--manifest", str(manifest), "--dest", str(tmp_path / "cache"), "--only", "x/y.bin"])
    assert run_fetch(args) == 0
    assert (tmp_path / "cache/x/y.bin").read_bytes() == data
    assert not (tmp_path / "cache/x/z.bin").exists()


def test_fetch_arguments_defaults() -> None:
    parser = argparse.ArgumentParser()
    add_fetch_arguments(parser)
    args = parser.parse_args([])
    assert args.manifest == DEFAULT_MANIFEST
    assert args.dest == Path("data/sources")
    assert args.base_url is None and args.only == []


def test_run_manifest(tmp_path: Path) -> None:
    root = tmp_path / "sources"
    files = _tiny_sources(root)
    parser = argparse.ArgumentParser()
    add_manifest_arguments(parser)
    out = tmp_path / "m.json"
    args = parser.parse_args(["--sources", str(root), "--out", str(out), "--base-url", "http://127.0.0.1:1/mirror"])
    assert run_manifest(args) == 0
    manifest = read_manifest(out)
    assert manifest.base_url == "http://127.0.0.1:1/mirror"
    assert len(manifest.entries) == len(files)
