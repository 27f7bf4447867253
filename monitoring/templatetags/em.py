from django import template

register = template.Library()


@register.filter
def em_value(value) -> str:
    """A result or a limit as people write it: 3 520, 0.5; "none" when not set."""
    if value is None:
        return "none"
    text = f"{value.normalize():f}" if hasattr(value, "normalize") else str(value)
    whole, _, fraction = text.partition(".")
    grouped = f"{int(whole):,}".replace(",", " ") if whole.isdigit() else whole
    return f"{grouped}.{fraction}" if fraction else grouped
