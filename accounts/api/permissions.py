from rest_framework.permissions import DjangoObjectPermissions


class RulesPermission(DjangoObjectPermissions):
    """Maps each HTTP method to the model permission of accounts/permissions.py, reads included,
    so that the API enforces exactly what the web pages and the admin do."""

    perms_map = {
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "POST": ["%(app_label)s.add_%(model_name)s"],
        "PUT": ["%(app_label)s.change_%(model_name)s"],
        "PATCH": ["%(app_label)s.change_%(model_name)s"],
        "DELETE": ["%(app_label)s.delete_%(model_name)s"],
    }
