"""The assessment fixtures live in tests/conftest.py; `compliant_answers` in tests/factories.py."""
from tests.factories import compliant_answers  # noqa: F401  (imported from here by older tests)
