from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Users and roles"

    def ready(self):
        from . import lockout, permissions, signals  # noqa: F401  registers every permission rule and receiver

        lockout.connect()
