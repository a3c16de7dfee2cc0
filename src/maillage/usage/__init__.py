"""Audience measurement without a consent banner: aggregated daily counters only.

What the public directory is used for (fiche views, searches by criteria, searches without
result, guide downloads, contact clicks) is counted per territory, day, kind and key — one
integer per row, nothing about the visitor (no cookie, no IP address, no user agent, no
referrer): the conditions under which the CNIL exempts audience measurement from consent.
"""
