"""Download the source files listed in a manifest into a local cache, resuming and verifying.

The manifest (``etl/manifest.json``) lists every file of the sources directory with its size and
sha256, and, for files that are byte-for-byte copies of a file at the same path in a public GitHub
repository at a known commit, a ``raw.githubusercontent.com`` URL. Every other file (curator-made
``derived_*`` files, ``pypi__*`` folders, renamed or bundled files, SOURCES.md) is fetched from
``base_url + path``: a mirror of the sources directory that the operator runs.

``fetch_all`` downloads to ``<file>.part``, resumes an interrupted download with an HTTP ``Range``
header, retries network errors and 5xx answers with backoff, checks size and sha256, and only then
moves the file into place with ``os.replace``. A checksum mismatch deletes the ``.part`` file and
replaces nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import json
import logging
import os
import re
import time
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from etl.errors import FetchError

log = logging.getLogger(__name__)

MANIFEST_VERSION = 1
DEFAULT_MANIFEST = Path(__file__).with_name("manifest.json")
DEFAULT_DEST = Path("data") / "sources"
BASE_URL_ENV = "GAOKAO_SOURCES_URL"
RAW_URL = "https://raw.githubusercontent.com/{owner}/{repo}/{commit}/{path}"
PART_SUFFIX = ".part"

# Files of the shared sources directory that are not a byte-for-byte copy at the same path of
# their repository (checked against the repositories' file lists), so they get no GitHub URL:
NOT_VERBATIM: frozenset[str] = frozenset(
    {
        # SOURCES.md #16: taken from data/derived/ and renamed from data/official/.../*.pdf.
        "cathyjay__hubei-gaokao-volunteer-2026/hubei-2023-physics-toudang-parsed.csv",
        "cathyjay__hubei-gaokao-volunteer-2026/hubei-2024-physics-toudang-parsed.csv",
        "cathyjay__hubei-gaokao-volunteer-2026/hubei-2023-physics-toudang-official.pdf",
        "cathyjay__hubei-gaokao-volunteer-2026/hubei-2024-physics-toudang-official.pdf",
        # SOURCES.md #17 and #6: tarballs the curator made of many raw repository files.
        "1052666__hb-gaokao-toudang/raw_data_chunks_and_index.tar.gz",
        "tiankongzhise__gaokao_school/temp_hunan_provincescore_raw.tar.gz",
        # In the repositories these live under public/ and data/.
        "666keke__Shanghai-Gaokao/data.json",
        "Gesrua__zhejiang-gaokao-application-selector/2020投档线.csv",
    }
)

_SHA256 = re.compile(r"[0-9a-f]{64}")
# "Repo `owner/name` @ `commit`", allowing a few words (e.g. a branch) between the two, but not
# running into the next "Repo `...`".
_REPO_AT_COMMIT = re.compile(
    r"Repo\s+`(?P<owner>[A-Za-z0-9-]+)/(?P<repo>[A-Za-z0-9._-]+)`"
    r"(?:(?!Repo\s+`)[^@]){0,300}?@\s*`(?P<commit>[0-9a-f]{40})`"
)


@dataclass(frozen=True, slots=True)
class ManifestEntry:
    """One file of the sources directory: where it goes, what it must hash to, where it comes from."""

    path: str
    sha256: str
    size: int
    url: str | None


@dataclass(frozen=True, slots=True)
class Manifest:
    """A whole manifest file: the mirror URL (if any) and its entries."""

    base_url: str | None
    entries: list[ManifestEntry]


@dataclass(frozen=True, slots=True)
class FetchReport:
    """What ``fetch_all`` did: files downloaded, files already present, bytes transferred."""

    downloaded: int
    skipped: int
    bytes: int


# --------------------------------------------------------------------------- manifest reading


def _bad(path: Path, problem: str) -> FetchError:
    return FetchError(f"manifest {path}: {problem}")


def _check_rel_path(value: str) -> bool:
    """True when `value` is a safe relative POSIX path (no '..', no absolute, no empty parts)."""
    if not value or "\\" in value or "\x00" in value or value.startswith("/"):
        return False
    parts = value.split("/")
    return all(p not in ("", ".", "..") for p in parts)


def read_manifest(path: Path) -> Manifest:
    """Read and validate a manifest file; raise FetchError naming the file and the problem."""
    try:
        raw = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise _bad(path, f"cannot read it ({exc.strerror or exc})") from exc
    except UnicodeDecodeError as exc:
        raise _bad(path, f"not UTF-8 ({exc.reason})") from exc
    try:
        doc: Any = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise _bad(path, f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from exc
    if not isinstance(doc, dict):
        raise _bad(path, "top level must be a JSON object")
    if doc.get("version") != MANIFEST_VERSION:
        raise _bad(path, f"unsupported version {doc.get('version')!r} (expected {MANIFEST_VERSION})")
    base_url = doc.get("base_url")
    if base_url is not None and (not isinstance(base_url, str) or not base_url):
        raise _bad(path, "base_url must be a non-empty string or null")
    files = doc.get("files")
    if not isinstance(files, list):
        raise _bad(path, "'files' must be a list")
    entries: list[ManifestEntry] = []
    seen: set[str] = set()
    for i, item in enumerate(files):
        where = f"files[{i}]"
        if not isinstance(item, dict):
            raise _bad(path, f"{where} must be an object")
        rel = item.get("path")
        if not isinstance(rel, str) or not _check_rel_path(rel):
            raise _bad(path, f"{where}: 'path' must be a relative path without '..' (got {rel!r})")
        where = f"{where} ({rel})"
        if rel in seen:
            raise _bad(path, f"{where}: duplicate path")
        seen.add(rel)
        sha = item.get("sha256")
        if not isinstance(sha, str) or not _SHA256.fullmatch(sha):
            raise _bad(path, f"{where}: 'sha256' must be 64 lowercase hex digits (got {sha!r})")
        size = item.get("size")
        if not isinstance(size, int) or isinstance(size, bool) or size < 0:
            raise _bad(path, f"{where}: 'size' must be a non-negative integer (got {size!r})")
        url = item.get("url")
        if url is not None and (not isinstance(url, str) or not url.startswith(("http://", "https://"))):
            raise _bad(path, f"{where}: 'url' must be an http(s) URL or null (got {url!r})")
        entries.append(ManifestEntry(path=rel, sha256=sha, size=size, url=url))
    return Manifest(base_url=base_url, entries=entries)


def load_manifest(path: Path | str) -> list[ManifestEntry]:
    """Return the entries of a manifest file; raise FetchError when it is malformed."""
    return read_manifest(Path(path)).entries


# --------------------------------------------------------------------------- manifest writing


def parse_repo_commits(sources_md: str) -> dict[str, str]:
    """Map ``owner/name`` to the commit named in SOURCES.md lines like "Repo `o/n` @ `sha`"."""
    commits: dict[str, str] = {}
    for m in _REPO_AT_COMMIT.finditer(sources_md):
        commits[f"{m['owner']}/{m['repo']}"] = m["commit"]
    return commits


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _walk(root: Path) -> Iterator[Path]:
    """Every regular file under `root`, skipping hidden files and folders and leftover .part files."""
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith(".") or name.endswith(PART_SUFFIX):
                continue
            path = Path(dirpath) / name
            if path.is_file():
                yield path


def raw_url(owner: str, repo: str, commit: str, path: str) -> str:
    """The raw.githubusercontent.com URL of `path` in `owner/repo` at `commit` (path percent-encoded)."""
    return RAW_URL.format(owner=owner, repo=repo, commit=commit, path=quote(path, safe="/"))


def _github_url(rel: str, commits: dict[str, str], not_verbatim: Collection[str]) -> str | None:
    """The raw GitHub URL of a sources file, or None when it must come from the mirror."""
    parts = rel.split("/")
    if len(parts) < 2 or rel in not_verbatim:
        return None
    folder, inner, name = parts[0], "/".join(parts[1:]), parts[-1]
    if folder.startswith("pypi__") or name.startswith("derived_") or "__" not in folder:
        return None
    owner, repo = folder.split("__", 1)  # GitHub user names cannot contain '_'
    commit = commits.get(f"{owner}/{repo}")
    if commit is None:
        return None
    return raw_url(owner, repo, commit, inner)


def build_manifest(
    sources: Path, base_url: str | None = None, *, not_verbatim: Collection[str] = NOT_VERBATIM
) -> Manifest:
    """Hash every (non-hidden) file under `sources` and attach a GitHub URL where one is known."""
    if not sources.is_dir():
        raise FetchError(f"sources directory {sources} not found")
    md = sources / "SOURCES.md"
    commits = parse_repo_commits(md.read_text(encoding="utf-8")) if md.is_file() else {}
    entries = []
    for path in _walk(sources):
        rel = path.relative_to(sources).as_posix()
        entries.append(
            ManifestEntry(
                path=rel,
                sha256=_sha256_file(path),
                size=path.stat().st_size,
                url=_github_url(rel, commits, not_verbatim),
            )
        )
    entries.sort(key=lambda e: e.path)
    return Manifest(base_url=base_url, entries=entries)


def dump_manifest(manifest: Manifest) -> str:
    """Serialise a manifest: one file entry per line, UTF-8 paths kept readable."""
    lines = [
        json.dumps({"path": e.path, "sha256": e.sha256, "size": e.size, "url": e.url}, ensure_ascii=False)
        for e in manifest.entries
    ]
    body = ",\n    ".join(lines)
    files = f"[\n    {body}\n  ]" if lines else "[]"
    return (
        "{\n"
        f'  "version": {MANIFEST_VERSION},\n'
        f'  "base_url": {json.dumps(manifest.base_url, ensure_ascii=False)},\n'
        f'  "files": {files}\n'
        "}\n"
    )


def write_manifest(
    sources: Path,
    out: Path,
    base_url: str | None = None,
    *,
    not_verbatim: Collection[str] = NOT_VERBATIM,
) -> int:
    """Write the manifest of `sources` to `out` (atomically); return the number of files listed.

    A file gets a raw GitHub URL when its folder is ``<owner>__<repo>``, SOURCES.md names the
    commit of that repository ("Repo `owner/repo` @ `commit`"), it is not a curator-made
    ``derived_*`` file, and it is not listed in `not_verbatim` (files whose local path differs
    from the repository path). Everything else is left to `base_url`.
    """
    manifest = build_manifest(sources, base_url, not_verbatim=not_verbatim)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp-{os.getpid()}")
    try:
        tmp.write_text(dump_manifest(manifest), encoding="utf-8")
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    with_url = sum(1 for e in manifest.entries if e.url)
    log.info("wrote %s: %d files, %d with a GitHub URL", out, len(manifest.entries), with_url)
    return len(manifest.entries)


# --------------------------------------------------------------------------- downloading


class _Retry(Exception):
    """A transient failure: worth another try (the .part file, if any, is kept for resuming)."""


def _entry_url(entry: ManifestEntry, base_url: str | None) -> str | None:
    if entry.url:
        return entry.url
    if base_url:
        return f"{base_url.rstrip('/')}/{quote(entry.path, safe='/')}"
    return None


def _is_present(entry: ManifestEntry, target: Path) -> bool:
    """True when `target` exists with the size and sha256 the manifest expects."""
    try:
        if not target.is_file() or target.stat().st_size != entry.size:
            return False
    except OSError:
        return False
    return _sha256_file(target) == entry.sha256


def _content_range_start(value: str | None) -> int | None:
    m = re.fullmatch(r"\s*bytes\s+(\d+)-\d+/(?:\d+|\*)\s*", value or "")
    return int(m.group(1)) if m else None


def _mismatch(entry: ManifestEntry, part: Path, problem: str) -> FetchError:
    part.unlink(missing_ok=True)
    return FetchError(f"{entry.path}: {problem}; the download was discarded and nothing was replaced")


@dataclass(slots=True)
class _Counter:
    """Bytes received for one file, across tries (a failed try's bytes are kept in the .part)."""

    bytes: int = 0


def _attempt(entry: ManifestEntry, url: str, part: Path, client: httpx.Client, counter: _Counter) -> None:
    """One try at completing `part`, counting received bytes in `counter`. Raise _Retry or FetchError."""
    offset = part.stat().st_size if part.exists() else 0
    if offset > entry.size:
        log.info("%s: stale partial file larger than expected, restarting", entry.path)
        part.unlink()
        offset = 0
    if offset == entry.size and offset > 0:
        return  # complete from an earlier run; the caller verifies it
    # identity: byte offsets (Range, size) must be those of the file, not of a compressed stream.
    headers = {"Accept-Encoding": "identity"}
    if offset:
        headers["Range"] = f"bytes={offset}-"
    transferred = 0
    try:
        with client.stream("GET", url, headers=headers) as resp:
            status = resp.status_code
            if status == 416:
                part.unlink(missing_ok=True)
                raise _Retry("HTTP 416 (range not satisfiable); restarting from scratch")
            if status >= 500 or status in (408, 429):
                raise _Retry(f"HTTP {status}")
            if status == 206 and offset:
                start = _content_range_start(resp.headers.get("content-range"))
                if start != offset:
                    part.unlink(missing_ok=True)
                    raise _Retry(f"server resumed at {start}, not {offset}; restarting from scratch")
                mode = "ab"
                log.info("%s: resuming at byte %d", entry.path, offset)
            elif status == 200:
                if offset:
                    log.info("%s: server ignored the Range header, restarting", entry.path)
                mode, offset = "wb", 0
            else:
                raise FetchError(f"{entry.path}: HTTP {status} from {url}")
            part.parent.mkdir(parents=True, exist_ok=True)
            too_long = False
            with part.open(mode) as fh:
                # No chunk size: write bytes as they arrive, so a dropped connection loses none.
                for chunk in resp.iter_bytes():
                    if offset + transferred + len(chunk) > entry.size:
                        too_long = True
                        break
                    fh.write(chunk)
                    transferred += len(chunk)
                    counter.bytes += len(chunk)
                fh.flush()
                os.fsync(fh.fileno())
            if too_long:  # the .part is closed before _mismatch deletes it
                raise _mismatch(entry, part, f"server sent more than the expected {entry.size} bytes")
    except httpx.TransportError as exc:
        raise _Retry(f"{type(exc).__name__}: {exc}") from exc
    got = offset + transferred
    if got < entry.size:
        raise _Retry(f"incomplete: got {got} of {entry.size} bytes")


def _download(
    entry: ManifestEntry,
    url: str,
    target: Path,
    client: httpx.Client,
    *,
    tries: int,
    backoff: float,
    sleep: Callable[[float], None],
) -> int:
    """Download `entry` to `target` via a .part file, with retries; return the bytes transferred."""
    part = target.with_name(target.name + PART_SUFFIX)
    counter = _Counter()
    for attempt in range(1, tries + 1):
        try:
            _attempt(entry, url, part, client, counter)
            break
        except _Retry as exc:
            if attempt >= tries:
                raise FetchError(f"{entry.path}: giving up after {tries} tries ({exc}); from {url}") from exc
            delay = backoff * 2 ** (attempt - 1)
            log.warning("%s: %s; retrying in %.1fs (try %d of %d)", entry.path, exc, delay, attempt + 1, tries)
            sleep(delay)
    size = part.stat().st_size
    if size != entry.size:
        raise _mismatch(entry, part, f"size mismatch: expected {entry.size} bytes, got {size}")
    digest = _sha256_file(part)
    if digest != entry.sha256:
        raise _mismatch(entry, part, f"checksum mismatch: expected sha256 {entry.sha256}, got {digest}")
    os.replace(part, target)
    return counter.bytes


def _select(manifest: Sequence[ManifestEntry], only: Sequence[str]) -> list[ManifestEntry]:
    """The entries named by `only` (exact paths or folder prefixes); all of them when it is empty."""
    if not only:
        return list(manifest)
    wanted = [o.strip("/") for o in only]
    unknown = [o for o in wanted if not any(e.path == o or e.path.startswith(o + "/") for e in manifest)]
    if unknown:
        raise FetchError(f"not in the manifest: {', '.join(unknown)}")
    return [e for e in manifest if any(e.path == o or e.path.startswith(o + "/") for o in wanted)]


def fetch_all(
    manifest: Sequence[ManifestEntry],
    dest: Path,
    *,
    base_url: str | None,
    client: httpx.Client,
    progress: Callable[[str], None] | None = None,
    only: Sequence[str] = (),
    tries: int = 3,
    backoff: float = 0.5,
    sleep: Callable[[float], None] = time.sleep,
) -> FetchReport:
    """Make `dest` hold every (selected) manifest file with the right sha256.

    Files already present and correct are skipped. Others are downloaded from their ``url``, or
    from ``base_url + path``, into ``<file>.part`` (resumed with a Range header when it exists),
    checked (size and sha256) and moved into place. Network errors, 408/429 and 5xx answers are
    retried up to `tries` times with exponential backoff (`backoff` seconds, doubled each time,
    waited with `sleep`). Raises FetchError when an entry has no URL, when a download keeps
    failing, or on a checksum mismatch (the .part is deleted and the old file left untouched).
    """
    if tries < 1:
        raise ValueError("tries must be at least 1")
    entries = _select(manifest, only)
    for e in entries:  # cheap check first: a path must stay inside dest
        if not _check_rel_path(e.path):
            raise FetchError(f"{e.path}: unsafe path in manifest")
    unreachable = [
        e.path
        for e in entries
        if _entry_url(e, base_url) is None and not _is_size_ok(dest / e.path, e.size)
    ]
    if unreachable:
        head = ", ".join(unreachable[:5]) + (f" (+{len(unreachable) - 5} more)" if len(unreachable) > 5 else "")
        raise FetchError(
            f"{len(unreachable)} file(s) have no URL in the manifest and no base URL was given "
            f"(set --base-url or ${BASE_URL_ENV} to a mirror of the sources): {head}"
        )
    downloaded = skipped = total = 0
    for i, entry in enumerate(entries, 1):
        target = dest / entry.path
        if _is_present(entry, target):
            skipped += 1
            log.debug("%s: present and verified", entry.path)
            if progress:
                progress(f"[{i}/{len(entries)}] {entry.path}: skipped, already present ({entry.size} bytes)")
            continue
        url = _entry_url(entry, base_url)
        if url is None:
            raise FetchError(f"{entry.path}: local copy is wrong and the manifest has no URL and no base URL was given")
        target.parent.mkdir(parents=True, exist_ok=True)
        n = _download(entry, url, target, client, tries=tries, backoff=backoff, sleep=sleep)
        downloaded += 1
        total += n
        if progress:
            progress(f"[{i}/{len(entries)}] {entry.path}: done, {n} bytes downloaded ({entry.size} bytes)")
    return FetchReport(downloaded=downloaded, skipped=skipped, bytes=total)


def _is_size_ok(path: Path, size: int) -> bool:
    """True when `path` is a file of `size` bytes (a cheap stand-in for "present")."""
    try:
        return path.is_file() and path.stat().st_size == size
    except OSError:
        return False


# --------------------------------------------------------------------------- command line


def add_fetch_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``python -m etl fetch``."""
    parser.add_argument(
        "--manifest",
        type=Path,
        default=DEFAULT_MANIFEST,
        help="manifest listing the files (path, size, sha256, url) (default: the packaged etl/manifest.json)",
    )
    parser.add_argument(
        "--dest",
        type=Path,
        default=DEFAULT_DEST,
        help=f"directory to download into; files already there and correct are kept (default: {DEFAULT_DEST})",
    )
    parser.add_argument(
        "--base-url",
        default=None,
        help=f"mirror of the sources directory for files without their own URL "
        f"(default: ${BASE_URL_ENV}, else the manifest's base_url)",
    )
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="PATH",
        help="fetch only this file or folder (path as in the manifest); repeatable",
    )


def run_fetch(args: argparse.Namespace) -> int:
    """Run ``python -m etl fetch``; return the exit code. Errors are raised as FetchError."""
    manifest = read_manifest(args.manifest)
    base_url = args.base_url or os.environ.get(BASE_URL_ENV) or manifest.base_url
    dest: Path = args.dest
    log.info("fetching %d file(s) listed in %s into %s", len(manifest.entries), args.manifest, dest)
    timeout = httpx.Timeout(60.0, connect=15.0)
    with httpx.Client(timeout=timeout, follow_redirects=True, headers={"User-Agent": "gaokao-etl-fetch"}) as client:
        report = fetch_all(
            manifest.entries, dest, base_url=base_url, client=client, progress=log.info, only=args.only
        )
    log.info(
        "fetch done: %d downloaded (%.1f MB), %d already present",
        report.downloaded,
        report.bytes / 1e6,
        report.skipped,
    )
    return 0


def add_manifest_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``python -m etl manifest``."""
    parser.add_argument(
        "--sources",
        type=Path,
        default=None,
        help="sources directory to list (default: $GAOKAO_SOURCES, else ../shared/data/sources, else data/sources)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_MANIFEST,
        help="manifest file to write (default: the packaged etl/manifest.json)",
    )
    parser.add_argument(
        "--base-url",
        default=None,
        help="mirror URL to record as the manifest's base_url (default: none)",
    )


def run_manifest(args: argparse.Namespace) -> int:
    """Run ``python -m etl manifest``; return the exit code."""
    sources: Path | None = args.sources
    if sources is None:
        # Same default as `build`; imported by name so this module does not pull in the build's imports.
        sources = Path(importlib.import_module("etl.build").default_sources())
    write_manifest(sources, args.out, args.base_url)  # logs the summary
    return 0
