"""The UI layer: everything that draws with Streamlit, and the chart builders pages use.

Public modules: ``widgets`` (the database handle, the actor, fields with their errors, form messages,
the detail-page header), ``navigation`` (every page and the permission it needs), ``auth`` (login),
``cached`` (cached service reads), ``period_picker``, ``traceable`` (a figure and the rows behind it),
``charts`` (frame -> Altair chart, one theme), ``chart_images`` (PNG/SVG in a child process),
``forum_export`` (the Forum slides as Vega-Lite and PPTX) and ``forms`` (one form module per area).
Services never import from here.
"""
