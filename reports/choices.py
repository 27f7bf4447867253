"""The report's words: draft or final, and where its rendering stands."""

from config.choices import Choices, gettext_noop


class ReportKind(Choices):
    DRAFT = "draft", gettext_noop("Draft")
    FINAL = "final", gettext_noop("Final")


class ReportStatus(Choices):
    QUEUED = "queued", gettext_noop("Queued")
    RENDERING = "rendering", gettext_noop("Rendering")
    READY = "ready", gettext_noop("Ready")
    FAILED = "failed", gettext_noop("Failed")


class ReportSignature(Choices):
    PADES = "pades-b-b", gettext_noop("Signed (PAdES B-B)")
    UNSIGNED = "unsigned", gettext_noop("Unsigned: no signing certificate configured")
