def municipality(request):
    """The city this page belongs to (none on the platform host)."""
    return {"municipality": getattr(request, "municipality", None)}
