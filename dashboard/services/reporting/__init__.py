"""Figures about the pilot, for the screens, the report and the Forum.

Every figure is an indicator of one catalogue, ``indicators`` (its name, definition, value and rows), which
every surface reads. Public modules: ``utilisation`` (the live page), ``results`` (results against targets), ``budget``
(plan against actual), ``pilot_report`` (XLSX and PDF), ``forum`` (slides of aggregates) and
``overview`` (the home page).
"""
