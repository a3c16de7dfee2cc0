"""URLs of the diagnostic pages."""

urlpatterns: list = []
