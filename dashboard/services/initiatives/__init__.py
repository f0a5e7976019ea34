"""Residents' local initiatives (seed S5; UDPP art. 19b–19h).

Public modules: ``records`` (the application and its money), ``stages`` (the procedure as a state
machine kept as data), ``extras`` (advisory scores, the support log, the documents checklist) and
``views`` (the pipeline, the filtered list, per osiedle, one card).
"""
