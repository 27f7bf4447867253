"""The words of environmental monitoring (EU GMP Annex 1, 2022): cleanroom grades, the state a
room was in, what was measured and in which unit, and what a result is against its limits."""

from config.choices import Choices, gettext_noop


class Grade(Choices):
    A = "A", gettext_noop("Grade A")
    B = "B", gettext_noop("Grade B")
    C = "C", gettext_noop("Grade C")
    D = "D", gettext_noop("Grade D")


class RoomState(Choices):
    AT_REST = "at_rest", gettext_noop("At rest")
    IN_OPERATION = "in_operation", gettext_noop("In operation")


class SampleKind(Choices):
    PARTICLES_0_5 = "particles_0_5", gettext_noop("Particles ≥0.5 µm")
    PARTICLES_5_0 = "particles_5_0", gettext_noop("Particles ≥5.0 µm")
    AIR_VIABLE = "air_viable", gettext_noop("Air sample (viable)")
    SETTLE_PLATE = "settle_plate", gettext_noop("Settle plate (90 mm)")
    CONTACT_PLATE = "contact_plate", gettext_noop("Contact plate (55 mm)")
    GLOVE_PRINT = "glove_print", gettext_noop("Glove print (5 fingers)")


#: The unit of each kind's value.
UNITS = {
    SampleKind.PARTICLES_0_5: "particles/m³",
    SampleKind.PARTICLES_5_0: "particles/m³",
    SampleKind.AIR_VIABLE: "CFU/m³",
    SampleKind.SETTLE_PLATE: "CFU/4 h",
    SampleKind.CONTACT_PLATE: "CFU/plate",
    SampleKind.GLOVE_PRINT: "CFU/glove",
}
#: Viable (microbiological) monitoring: in grade A any growth is an excursion.
VIABLE_KINDS = (SampleKind.AIR_VIABLE, SampleKind.SETTLE_PLATE, SampleKind.CONTACT_PLATE, SampleKind.GLOVE_PRINT)


class Result(Choices):
    WITHIN = "within", gettext_noop("Within limits")
    ALERT = "alert", gettext_noop("Above the alert limit")
    EXCURSION = "excursion", gettext_noop("Excursion (above the action limit)")
    NO_LIMIT = "no_limit", gettext_noop("No limit set")


class ReviewOutcome(Choices):
    CONFIRMED = "confirmed", gettext_noop("Confirmed as a finding")
    DISMISSED = "dismissed", gettext_noop("Dismissed")


class SourceFormat(Choices):
    CSV = "csv", gettext_noop("CSV file")
    XLSX = "xlsx", gettext_noop("Excel workbook")
    JSON = "json", gettext_noop("JSON (API)")
