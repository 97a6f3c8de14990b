"""Typed refusals of the OFD pipeline: each carries a stable code that the CLI prints and the UI words."""

from __future__ import annotations


class OfdError(ValueError):
    """Base of every error app.ofd raises about a document: `code` is stable, `detail` is for a log."""

    code = "ofd_error"

    def __init__(self, detail: str, *, code: str | None = None) -> None:
        super().__init__(detail)
        if code is not None:
            self.code = code
        self.detail = detail


class ContainerError(OfdError):
    """The ZIP container is unreadable, too large, or names members it must not."""

    code = "container_invalid"


class XmlError(OfdError):
    """An XML part is malformed, too large, or uses DTDs, entities or external references."""

    code = "xml_invalid"


class Asn1Error(OfdError):
    """A DER structure is malformed, too large or too deeply nested."""

    code = "asn1_invalid"


class StructureError(OfdError):
    """The OFD parts are well formed but do not form a document (missing root, bad reference)."""

    code = "structure_invalid"


class IssueError(OfdError):
    """A document cannot be issued as asked (no seal key, no certificate, bad fields)."""

    code = "issue_refused"
