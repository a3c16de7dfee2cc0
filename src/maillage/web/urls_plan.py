"""URLs of the plan pages."""

urlpatterns: list = []
