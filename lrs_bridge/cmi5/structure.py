"""cmi5 course structures (cmi5 spec sections 13 and 14): a ``cmi5.xml`` or a zip package
with one at its root, read safely and checked against the course structure's rules.

Every refusal is a ``BadRequest`` whose one detail names the element (an XPath-like path
such as ``courseStructure/block[1]/au[2]/@moveOn``) and the rule, with a catalogue key
(``cmi5.rule.<rule>`` in ``reports.texts``) for the Swedish and English text. Nothing here
writes anything: the caller saves the parsed package only when all of it is good.

Safety: the XML is parsed by ``defusedxml`` (no DTDs, entities or external references);
a zip package is read entry by entry within limits on the number of files, their total
size and each file's compression ratio, and every path is checked (relative, no ``..``,
no backslashes or drive letters, no links) before anything is read from it.
"""

from __future__ import annotations

import hashlib
import io
import mimetypes
import posixpath
import re
import stat
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit
from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

from statements.errors import BadRequest
from statements.models.base import check_iri

NAMESPACE = "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd"
MOVE_ON = ("Passed", "Completed", "CompletedAndPassed", "CompletedOrPassed", "NotApplicable")
LAUNCH_METHODS = ("AnyWindow", "OwnWindow")

MAX_XML_BYTES = 2 * 1024 * 1024
MAX_PACKAGE_BYTES = 50 * 1024 * 1024
"""The largest upload the import takes (a zip package)."""
MAX_FILES = 2_000
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_RATIO = 200
"""The largest compression ratio of one file (a zip bomb's is in the thousands)."""
MAX_AUS = 5_000
"""The spec asks an LMS to take more than 1,000 AUs."""
MAX_DEPTH = 20
MAX_TEXT = 2_000

_DRIVE = re.compile(r"^[A-Za-z]:")


@dataclass(frozen=True, slots=True)
class Block:
    index: int
    publisher_id: str
    title: dict[str, str]
    description: dict[str, str]
    parents: tuple[int, ...]
    """Indexes of the enclosing blocks, outermost first."""


@dataclass(frozen=True, slots=True)
class Au:
    index: int
    publisher_id: str
    title: dict[str, str]
    description: dict[str, str]
    url: str
    """As the structure gives it: fully qualified, or relative to the package's root."""
    packaged: bool
    """The URL names a file of the zip package (served by the service)."""
    launch_method: str
    move_on: str
    mastery_score: str | None
    """The decimal as written (0–1, at most 4 decimals), None when not given."""
    launch_parameters: str | None
    entitlement_key: str | None
    activity_type: str | None
    parents: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Structure:
    publisher_id: str
    title: dict[str, str]
    description: dict[str, str]
    blocks: tuple[Block, ...]
    aus: tuple[Au, ...]


@dataclass(frozen=True, slots=True)
class PackageFile:
    path: str
    content_type: str
    content: bytes


@dataclass(frozen=True, slots=True)
class Package:
    structure: Structure
    files: tuple[PackageFile, ...] = field(default=())
    """The zip package's files (none for a bare cmi5.xml)."""

    @property
    def packaged(self) -> bool:
        return bool(self.files)


def refusal(element: str, rule: str, message: str, **values: Any) -> BadRequest:
    """A 400 naming the element and the rule, with the catalogue key of its text."""
    return BadRequest(
        f"{element}: {message}",
        [
            {
                "path": element,
                "rule": rule,
                "message": message,
                "key": f"cmi5.rule.{rule}",
                "values": {"element": element, **values},
            }
        ],
    )


def title_of(texts: dict[str, str], language: str = "sv") -> str:
    """One text of a langstring set: the reader's language, else Swedish, English, the first."""
    for wanted in (language, "sv", "en"):
        for lang, value in texts.items():
            if lang.lower().split("-")[0] == wanted:
                return value
    return next(iter(texts.values()), "")


# --- packages ----------------------------------------------------------------------------


def read_package(data: bytes) -> Package:
    """A zip package (by its signature) or a bare ``cmi5.xml``."""
    if len(data) > MAX_PACKAGE_BYTES:
        raise refusal("$", "too_large", f"must be at most {MAX_PACKAGE_BYTES} bytes")
    if data[:4] == b"PK\x03\x04" or data[:4] == b"PK\x05\x06":
        return _read_zip(data)
    return Package(parse_structure(data, packaged_files=None))


def _safe_path(name: str) -> str | None:
    """The normalised relative path of a zip entry, None when it is unsafe."""
    if not name or "\\" in name or "\x00" in name or name.startswith("/") or _DRIVE.match(name):
        return None
    parts = name.split("/")
    if any(part == ".." for part in parts):
        return None
    cleaned = posixpath.normpath(name)
    if cleaned.startswith("../") or cleaned == ".." or cleaned.startswith("/"):
        return None
    return cleaned


def _checked_entries(infos: list[zipfile.ZipInfo]) -> list[tuple[zipfile.ZipInfo, str]]:
    """The package's files with their safe paths, refusing the whole package at the first
    unsafe path, link, encrypted entry, or size beyond the limits (before reading any)."""
    if len(infos) > MAX_FILES:
        raise refusal("$", "too_many_files", f"must hold at most {MAX_FILES} files")
    total = 0
    entries: list[tuple[zipfile.ZipInfo, str]] = []
    for info in infos:
        path = _safe_path(info.filename)
        if path is None:
            raise refusal(info.filename[:200], "unsafe_path", "is not a safe relative path")
        if stat.S_ISLNK(info.external_attr >> 16):
            raise refusal(path, "unsafe_path", "is a symbolic link")
        if info.flag_bits & 0x1:
            raise refusal(path, "encrypted", "is encrypted")
        if info.is_dir():
            continue
        total += info.file_size
        if total > MAX_UNPACKED_BYTES:
            raise refusal("$", "too_large", f"unpacks to more than {MAX_UNPACKED_BYTES} bytes")
        if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise refusal(path, "zip_bomb", f"is compressed more than {MAX_RATIO} times")
        entries.append((info, path))
    return entries


def _read_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: str) -> bytes:
    """One file's bytes, never more than its declared size (a lying header is refused)."""
    try:
        with archive.open(info) as stream:
            content = stream.read(info.file_size + 1)
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, EOFError):
        raise refusal(path, "zip", "cannot be read from the zip file") from None
    if len(content) != info.file_size:
        raise refusal(path, "zip", "is not the size the zip file says")
    return content


def _read_zip(data: bytes) -> Package:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise refusal("$", "zip", "is not a readable zip file") from None
    files: dict[str, PackageFile] = {}
    for info, path in _checked_entries(infos):
        if path in files:
            raise refusal(path, "duplicate_file", "is in the package twice")
        content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
        files[path] = PackageFile(path, content_type, _read_entry(archive, info, path))
    found = files.pop("cmi5.xml", None)
    if found is None:
        raise refusal("cmi5.xml", "missing_structure", "must be at the zip package's root")
    structure = parse_structure(found.content, packaged_files=set(files))
    return Package(structure, tuple(files.values()))


# --- the course structure ------------------------------------------------------------------


def _local(element: Element) -> tuple[str | None, str]:
    tag = element.tag
    if isinstance(tag, str) and tag.startswith("{"):
        namespace, _, name = tag[1:].partition("}")
        return namespace, name
    return None, str(tag)


class _Reader:
    def __init__(self, packaged_files: set[str] | None) -> None:
        self.packaged_files = packaged_files
        self.blocks: list[Block] = []
        self.aus: list[Au] = []
        self.ids: dict[str, str] = {}

    def children(self, element: Element, path: str) -> list[tuple[str, str, Element]]:
        """The cmi5 children of ``element`` as (name, path, element); elements of other
        namespaces (vendor extensions, spec 13.1.5) are skipped."""
        counts: dict[str, int] = {}
        found = []
        for child in element:
            namespace, name = _local(child)
            if not isinstance(child.tag, str):
                continue  # a comment or processing instruction
            if namespace != NAMESPACE:
                if namespace is None:
                    raise refusal(
                        f"{path}/{name}", "namespace", f"must be in the namespace {NAMESPACE}"
                    )
                continue
            counts[name] = counts.get(name, 0) + 1
            found.append((name, f"{path}/{name}[{counts[name]}]", child))
        return found

    def iri(self, element: Element, path: str, kind: str) -> str:
        value = (element.get("id") or "").strip()
        where = f"{path}/@id"
        if not value:
            raise refusal(where, "required", "is required")
        try:
            check_iri(value)
        except ValueError:
            raise refusal(where, "iri", "must be a fully qualified IRI") from None
        if value in self.ids:
            raise refusal(where, "duplicate_id", f"is also the id of {self.ids[value]}")
        self.ids[value] = path
        return value

    def langstrings(self, element: Element, path: str, name: str) -> dict[str, str]:
        wanted = [
            (child_path, child)
            for child_name, child_path, child in self.children(element, path)
            if child_name == name
        ]
        if not wanted:
            raise refusal(f"{path}/{name}", "required", "is required")
        if len(wanted) > 1:
            raise refusal(wanted[1][0], "duplicate", "may appear only once")
        holder_path, holder = wanted[0]
        texts: dict[str, str] = {}
        for child_name, child_path, child in self.children(holder, holder_path):
            if child_name != "langstring":
                raise refusal(child_path, "unknown_element", "is not a langstring")
            value = " ".join((child.text or "").split())
            if len(value) > MAX_TEXT:
                raise refusal(child_path, "max_length", f"must be at most {MAX_TEXT} characters")
            lang = (child.get("lang") or "").strip()
            texts.setdefault(lang, value)
        if not texts:
            raise refusal(f"{holder_path}/langstring", "required", "is required")
        return texts

    def text(self, element: Element, path: str, name: str, *, required: bool) -> str | None:
        wanted = [
            (child_path, child)
            for child_name, child_path, child in self.children(element, path)
            if child_name == name
        ]
        if not wanted:
            if required:
                raise refusal(f"{path}/{name}", "required", "is required")
            return None
        if len(wanted) > 1:
            raise refusal(wanted[1][0], "duplicate", "may appear only once")
        child_path, child = wanted[0]
        value = (child.text or "").strip()
        if len(value) > MAX_TEXT:
            raise refusal(child_path, "max_length", f"must be at most {MAX_TEXT} characters")
        if required and not value:
            raise refusal(child_path, "required", "must not be empty")
        return value

    def course(self, element: Element, path: str) -> tuple[str, dict[str, str], dict[str, str]]:
        publisher_id = self.iri(element, path, "course")
        title = self.langstrings(element, path, "title")
        description = self.langstrings(element, path, "description")
        for name, child_path, _ in self.children(element, path):
            if name not in ("title", "description", "customExtensions"):
                raise refusal(child_path, "unknown_element", "is not an element of course")
        return publisher_id, title, description

    def members(self, element: Element, path: str, parents: tuple[int, ...]) -> int:
        """Read the blocks and AUs inside ``element``; how many there were."""
        if len(parents) > MAX_DEPTH:
            raise refusal(path, "max_depth", f"blocks may nest at most {MAX_DEPTH} deep")
        count = 0
        for name, child_path, child in self.children(element, path):
            if name == "au":
                self.au(child, child_path, parents)
                count += 1
            elif name == "block":
                self.block(child, child_path, parents)
                count += 1
            elif name in ("objectives",):
                continue
            elif path.endswith("]") and name in ("title", "description"):
                continue  # a block's own
            elif name in ("course",) and not parents:
                continue
            else:
                raise refusal(child_path, "unknown_element", f"is not an element of {path}")
        return count

    def block(self, element: Element, path: str, parents: tuple[int, ...]) -> None:
        publisher_id = self.iri(element, path, "block")
        index = len(self.blocks)
        self.blocks.append(
            Block(
                index=index,
                publisher_id=publisher_id,
                title=self.langstrings(element, path, "title"),
                description=self.langstrings(element, path, "description"),
                parents=parents,
            )
        )
        if self.members(element, path, (*parents, index)) == 0:
            raise refusal(path, "empty_block", "must hold at least one AU or block")

    def au(self, element: Element, path: str, parents: tuple[int, ...]) -> None:
        if len(self.aus) >= MAX_AUS:
            raise refusal(path, "too_many_aus", f"a course may have at most {MAX_AUS} AUs")
        publisher_id = self.iri(element, path, "au")
        move_on = (element.get("moveOn") or "NotApplicable").strip()
        if move_on not in MOVE_ON:
            raise refusal(
                f"{path}/@moveOn",
                "enum",
                f"must be one of {', '.join(MOVE_ON)}",
                allowed=", ".join(MOVE_ON),
            )
        launch_method = (element.get("launchMethod") or "AnyWindow").strip()
        if launch_method not in LAUNCH_METHODS:
            raise refusal(
                f"{path}/@launchMethod",
                "enum",
                f"must be one of {', '.join(LAUNCH_METHODS)}",
                allowed=", ".join(LAUNCH_METHODS),
            )
        mastery = element.get("masteryScore")
        mastery_score = None
        if mastery is not None:
            mastery_score = _mastery_score(mastery.strip(), f"{path}/@masteryScore")
        activity_type = element.get("activityType")
        if activity_type is not None:
            activity_type = activity_type.strip()
            try:
                check_iri(activity_type)
            except ValueError:
                raise refusal(
                    f"{path}/@activityType", "iri", "must be a fully qualified IRI"
                ) from None
        for name, child_path, _ in self.children(element, path):
            if name not in (
                "title",
                "description",
                "objectives",
                "url",
                "launchParameters",
                "entitlementKey",
            ):
                raise refusal(child_path, "unknown_element", "is not an element of au")
        url = self.text(element, path, "url", required=True) or ""
        packaged = self.check_url(url, f"{path}/url")
        self.aus.append(
            Au(
                index=len(self.aus),
                publisher_id=publisher_id,
                title=self.langstrings(element, path, "title"),
                description=self.langstrings(element, path, "description"),
                url=url,
                packaged=packaged,
                launch_method=launch_method,
                move_on=move_on,
                mastery_score=mastery_score,
                launch_parameters=self.text(element, path, "launchParameters", required=False),
                entitlement_key=self.text(element, path, "entitlementKey", required=False),
                activity_type=activity_type,
                parents=parents,
            )
        )

    def check_url(self, url: str, where: str) -> bool:
        """True for a relative URL naming a file of the package; refused when it names
        none, when there is no package (spec 14.2), or for a scheme a browser cannot open."""
        if any(char.isspace() for char in url) or len(url) > 2000:
            raise refusal(where, "url", "must be a URL without spaces, at most 2000 characters")
        parts = urlsplit(url)
        if parts.scheme:
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise refusal(where, "url_scheme", "must be an http or https URL")
            return False
        if url.startswith("//"):
            raise refusal(where, "url", "must be fully qualified or relative to the package")
        if self.packaged_files is None:
            raise refusal(
                where, "relative_url", "must be fully qualified (a cmi5.xml without a zip package)"
            )
        path = _safe_path(parts.path)
        if path is None:
            raise refusal(where, "unsafe_path", "is not a safe relative path")
        if path not in self.packaged_files:
            raise refusal(
                where, "missing_file", f"names {path}, which the package does not hold", file=path
            )
        return True


def _mastery_score(value: str, where: str) -> str:
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise refusal(where, "mastery_score", "must be a decimal from 0 to 1") from None
    if not number.is_finite() or not 0 <= number <= 1:
        raise refusal(where, "mastery_score", "must be a decimal from 0 to 1")
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -4:
        raise refusal(where, "mastery_score", "must have at most 4 decimals")
    return value


def parse_structure(data: bytes, *, packaged_files: set[str] | None) -> Structure:
    """A course structure from the bytes of a ``cmi5.xml``; ``packaged_files`` are the
    paths of the zip package's other files (None: a bare ``cmi5.xml``)."""
    if len(data) > MAX_XML_BYTES:
        raise refusal("cmi5.xml", "too_large", f"must be at most {MAX_XML_BYTES} bytes")
    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise refusal("cmi5.xml", "xml_forbidden", "must not use a DTD or entities") from None
    except ParseError as error:
        line, column = getattr(error, "position", (0, 0))
        raise refusal(
            "cmi5.xml",
            "xml_syntax",
            f"is not well-formed XML (line {line}, column {column})",
            line=line,
            column=column,
        ) from None
    namespace, name = _local(root)
    if name != "courseStructure" or namespace != NAMESPACE:
        raise refusal(
            name or "cmi5.xml", "root", f"the root element must be courseStructure in {NAMESPACE}"
        )
    reader = _Reader(packaged_files)
    path = "courseStructure"
    courses = [(p, el) for n, p, el in reader.children(root, path) if n == "course"]
    if not courses:
        raise refusal(f"{path}/course", "required", "is required")
    if len(courses) > 1:
        raise refusal(courses[1][0], "duplicate", "may appear only once")
    publisher_id, title, description = reader.course(courses[0][1], courses[0][0])
    reader.members(root, path, ())
    if not reader.aus:
        raise refusal(f"{path}/au", "required", "the course must have at least one AU")
    return Structure(
        publisher_id=publisher_id,
        title=title,
        description=description,
        blocks=tuple(reader.blocks),
        aus=tuple(reader.aus),
    )


# --- the LMS's own ids (spec 8.1 activityId, 9.3.9: never the publisher's) ------------------

ID_PREFIX = "urn:lrs-bridge:cmi5:"


def _digest(publisher_id: str) -> str:
    return hashlib.sha256(publisher_id.encode()).hexdigest()[:16]


def course_activity(course_id: str) -> str:
    return f"{ID_PREFIX}{course_id}"


def block_activity(course_id: str, block: Block) -> str:
    return f"{ID_PREFIX}{course_id}:block:{_digest(block.publisher_id)}"


def au_activity(course_id: str, au: Au) -> str:
    return f"{ID_PREFIX}{course_id}:au:{_digest(au.publisher_id)}"


# --- stored form ---------------------------------------------------------------------------


def to_json(structure: Structure) -> dict[str, Any]:
    return {
        "publisher_id": structure.publisher_id,
        "title": structure.title,
        "description": structure.description,
        "blocks": [
            {
                "publisher_id": b.publisher_id,
                "title": b.title,
                "description": b.description,
                "parents": list(b.parents),
            }
            for b in structure.blocks
        ],
        "aus": [
            {
                "publisher_id": a.publisher_id,
                "title": a.title,
                "description": a.description,
                "url": a.url,
                "packaged": a.packaged,
                "launch_method": a.launch_method,
                "move_on": a.move_on,
                "mastery_score": a.mastery_score,
                "launch_parameters": a.launch_parameters,
                "entitlement_key": a.entitlement_key,
                "activity_type": a.activity_type,
                "parents": list(a.parents),
            }
            for a in structure.aus
        ],
    }


def from_json(data: dict[str, Any]) -> Structure:
    return Structure(
        publisher_id=data["publisher_id"],
        title=dict(data["title"]),
        description=dict(data["description"]),
        blocks=tuple(
            Block(
                index=i,
                publisher_id=b["publisher_id"],
                title=dict(b["title"]),
                description=dict(b["description"]),
                parents=tuple(b["parents"]),
            )
            for i, b in enumerate(data["blocks"])
        ),
        aus=tuple(
            Au(
                index=i,
                publisher_id=a["publisher_id"],
                title=dict(a["title"]),
                description=dict(a["description"]),
                url=a["url"],
                packaged=a["packaged"],
                launch_method=a["launch_method"],
                move_on=a["move_on"],
                mastery_score=a["mastery_score"],
                launch_parameters=a["launch_parameters"],
                entitlement_key=a["entitlement_key"],
                activity_type=a["activity_type"],
                parents=tuple(a["parents"]),
            )
            for i, a in enumerate(data["aus"])
        ),
    )
