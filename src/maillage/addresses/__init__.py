"""Addresses of the Base Adresse Nationale (BAN) for the territory's communes, and geocoding:
local table first, then the IGN Géoplateforme when configured."""
