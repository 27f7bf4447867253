"""The words of environmental monitoring (EU GMP Annex 1, 2022): cleanroom grades, the state a
room was in, what was measured and in which unit, and what a result is against its limits."""

from config.choices import Choices


class Grade(Choices):
    A = "A", "Grade A"
    B = "B", "Grade B"
    C = "C", "Grade C"
    D = "D", "Grade D"


class RoomState(Choices):
    AT_REST = "at_rest", "At rest"
    IN_OPERATION = "in_operation", "In operation"


class SampleKind(Choices):
    PARTICLES_0_5 = "particles_0_5", "Particles ≥0.5 µm"
    PARTICLES_5_0 = "particles_5_0", "Particles ≥5.0 µm"
    AIR_VIABLE = "air_viable", "Air sample (viable)"
    SETTLE_PLATE = "settle_plate", "Settle plate (90 mm)"
    CONTACT_PLATE = "contact_plate", "Contact plate (55 mm)"
    GLOVE_PRINT = "glove_print", "Glove print (5 fingers)"


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
    WITHIN = "within", "Within limits"
    ALERT = "alert", "Above the alert limit"
    EXCURSION = "excursion", "Excursion (above the action limit)"
    NO_LIMIT = "no_limit", "No limit set"


class ReviewOutcome(Choices):
    CONFIRMED = "confirmed", "Confirmed as a finding"
    DISMISSED = "dismissed", "Dismissed"


class SourceFormat(Choices):
    CSV = "csv", "CSV file"
    XLSX = "xlsx", "Excel workbook"
    JSON = "json", "JSON (API)"
