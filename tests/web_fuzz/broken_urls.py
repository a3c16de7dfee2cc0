"""A URL whose view parses its query parameter without bounds (exemple fictif): the web
fuzzer must report it."""

from django.http import HttpRequest, HttpResponse
from django.urls import path


def unbounded(request: HttpRequest, n: int) -> HttpResponse:
    return HttpResponse(str(int(request.GET.get("nombre", "0")) + n))


urlpatterns = [path("casse/<int:n>/", unbounded)]
