"""Make a self-signed certificate for signing report PDFs, as a PKCS#12 file.

    manage.py make_signing_certificate var/report-signing-demo.p12 [--password ...]
        [--common-name ...] [--organisation ...] [--days 3650] [--force]

For a demonstration or a test installation only: a self-signed certificate proves that a file
is unchanged since this installation signed it, not who the organisation is. In production set
REPORT_SIGNING_CERT to the organisation's own certificate."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from reports import signing


class Command(BaseCommand):
    help = "Make a self-signed report signing certificate (PKCS#12) for a demo or test installation."

    def add_arguments(self, parser):
        parser.add_argument("output", help="the PKCS#12 file to write (.p12)")
        parser.add_argument(
            "--password", default=None, help="protects the file; default: REPORT_SIGNING_PASSWORD from the environment"
        )
        parser.add_argument("--common-name", default="CDMO qualification report signing (demo)")
        parser.add_argument("--organisation", default="CDMO qualification demo")
        parser.add_argument("--days", type=int, default=3650, help="validity in days (default 3650)")
        parser.add_argument("--key-size", type=int, default=3072, choices=[2048, 3072, 4096])
        parser.add_argument("--force", action="store_true", help="replace an existing file")

    def handle(self, *args, output, password, common_name, organisation, days, key_size, force, **options):
        path = Path(output)
        if path.exists() and not force:
            raise CommandError(f"{path} exists; pass --force to replace it.")
        if days < 1:
            raise CommandError("--days must be at least 1.")
        if password is None:
            password = settings.REPORT_SIGNING_PASSWORD
        data = signing.make_certificate(common_name, organisation, password, days=days, key_size=key_size)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600, exist_ok=True)
        path.chmod(0o600)
        path.write_bytes(data)
        self.stdout.write(
            f"Wrote a self-signed report signing certificate to {path} ({common_name}, {organisation}, "
            f"valid {days} days). Self-signed: for a demo or test installation, not for production."
        )
