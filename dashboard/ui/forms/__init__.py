"""Forms shared by a new-record page and the record's edit section, one module per area:
``organisation``, ``booking``, ``event``, ``volunteer``, ``initiative``."""
