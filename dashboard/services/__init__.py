"""Domain services: plain functions taking the database and the acting user.

No module here imports streamlit. Each write checks the role, validates, and writes in one
transaction together with its audit row; errors are the named ones of ``dashboard.core.errors``.
"""
