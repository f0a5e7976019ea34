"""Education and integration (seed S1, S3, S4).

Public modules: ``trainings`` (events, sessions and their room bookings, topics), ``enrolment``
(enrolment, waitlist, attendance, feedback), ``advisory`` (the advisory log and the expectations
survey) and ``certificates`` (attendance certificates and the signature sheet as PDF).
"""
