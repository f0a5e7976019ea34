"""The core layer: facts and helpers every other layer uses, with no Streamlit and no DuckDB.

Public modules: ``errors`` (the DomainError family pages catch), ``roles`` (permissions as data),
``clock`` (Warsaw time, freezable by tests), ``i18n`` (``t``, plural forms and Polish/English formats),
``validators`` (NIP, REGON, KRS, phone, e-mail; the one set of converters ``as_int``, ``as_id``,
``as_date``, ``as_time``), ``privacy`` (masking contact data), ``settings`` and ``secrets_file``
(installation settings from the environment) and ``exports`` (formula-safe CSV and XLSX).
"""
