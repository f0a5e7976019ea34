"""The volunteer centre (seed S6).

Public modules: ``register`` (people, consents, agreements, safety records), ``work`` (opportunities,
matching, assignments, the hours log) and ``gdpr`` (certificates and references, the export of
everything held about a person, anonymisation and retention).
"""
