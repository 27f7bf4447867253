def roles(request):
    """Lets templates show navigation by role without repeating the rules. A user whose only role
    is vendor contact is offered the portal instead of the quality organisation's pages."""
    user = getattr(request, "user", None)
    names = list(getattr(user, "roles", []) or []) if user and user.is_authenticated else []
    return {"user_roles": names, "vendor_contact_only": names == ["vendor_contact"]}
