"""Mounted at /budgets/ (see wegov/urls.py)."""

from django.urls import path  # noqa: F401

app_name = "budgeting"

urlpatterns: list = []
