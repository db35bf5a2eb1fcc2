"""signage: make facial-recognition deployments visible and accountable.

The application factory lives in signage.app, so that importing a pure module of the package
(signage.rules, signage.vocabulary) never loads Flask or SQLAlchemy.
"""
