def roles(request):
    """Lets templates show navigation by role without repeating the rules."""
    user = getattr(request, "user", None)
    return {"user_roles": list(getattr(user, "roles", []) or []) if user and user.is_authenticated else []}
