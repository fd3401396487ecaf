"""Thin web layers over the services: portal, auth, api, health (counter, department, archive, admin follow)."""
