from .models import Municipality


def municipality(request):
    return {"municipality": Municipality.current()}
