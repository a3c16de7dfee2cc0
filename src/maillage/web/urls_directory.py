"""URLs of the directory pages."""

urlpatterns: list = []
