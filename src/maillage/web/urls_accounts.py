"""URLs of the accounts pages."""

urlpatterns: list = []
