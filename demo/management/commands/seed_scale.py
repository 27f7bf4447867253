"""A supplier base at scale for the page benchmark (benchmarks/pages_bench.py): vendors with their
registry, assessments in every status with answers, findings, actions, signatures and the audit
trail. The load and what it bypasses for speed: demo/scale.py. Never for a production database.

    manage.py seed_scale [--vendors 5000] [--assessments 20000] [--seed 12] [--force]

Into an empty (migrated) database, or one with only the reference data. Run again with the same
arguments it does nothing; it refuses a database that holds another seed_scale load, or vendors
or assessments that it did not make (unless --force, which adds the load beside them)."""

from django.core.management.base import BaseCommand, CommandError

from demo import scale


def positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise ValueError(text)
    return value


class Command(BaseCommand):
    help = "Build a load of vendors and assessments at scale for the page benchmark (not for production)."

    def add_arguments(self, parser):
        parser.add_argument("--vendors", type=positive, default=scale.DEFAULT_VENDORS)
        parser.add_argument("--assessments", type=positive, default=scale.DEFAULT_ASSESSMENTS)
        parser.add_argument("--seed", type=int, default=scale.DEFAULT_SEED, help="the same seed builds the same load")
        parser.add_argument(
            "--force", action="store_true", help="add the load to a database that holds records of its own"
        )

    def handle(self, *args, vendors, assessments, seed, force, **options):
        size = scale.Size(vendors=vendors, assessments=assessments, seed=seed)
        try:
            scale.seed(size, force=force, say=self.stdout.write)
        except scale.SeedRefused as exc:
            raise CommandError(str(exc)) from exc
