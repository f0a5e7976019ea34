"""Running the installation.

Public modules: ``users`` (accounts, roles, the login lockout), ``audit`` (the change history every
write appends to), ``app_settings`` (rules staff change at run time), ``backup`` (backups and a verified
restore) and ``importer`` (organisations, volunteers and bookings from a spreadsheet).
"""
