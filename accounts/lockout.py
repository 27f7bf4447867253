from django.http import JsonResponse
from django.shortcuts import render


def locked_out_response(request, credentials, *args, **kwargs):
    """Tell a locked-out user what happened and what to do, in the page or the API's shape."""
    message = (
        "This account is locked after repeated failed log-ins. "
        "Ask a quality administrator to unlock it."
    )
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=403)
    return render(request, "registration/locked_out.html", {"message": message}, status=403)
