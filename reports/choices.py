"""The report's words: draft or final, and where its rendering stands."""

from config.choices import Choices


class ReportKind(Choices):
    DRAFT = "draft", "Draft"
    FINAL = "final", "Final"


class ReportStatus(Choices):
    QUEUED = "queued", "Queued"
    RENDERING = "rendering", "Rendering"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


class ReportSignature(Choices):
    PADES = "pades-b-b", "Signed (PAdES B-B)"
    UNSIGNED = "unsigned", "Unsigned: no signing certificate configured"
