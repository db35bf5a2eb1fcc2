"""Organisations, their users, API tokens and sign-in."""
