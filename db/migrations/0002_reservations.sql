-- Reservations: bookable resources, their opening hours, closures, bookings (single and
-- recurring), the slot table that makes double-booking impossible, and locker assignments.
-- Domain times are Europe/Warsaw wall clock, stored naive; created_at/updated_at are UTC.

create sequence resource_id_seq;
create table resource (
    id              bigint primary key default nextval('resource_id_seq'),
    kind            varchar not null check (kind in ('room', 'workstation', 'locker', 'equipment')),
    -- Unique by name, checked by the service: a UNIQUE index here would make DuckDB turn every
    -- UPDATE of the row into delete+insert, which the foreign keys onto resource then refuse.
    name            varchar not null,
    capacity        integer check (capacity is null or capacity > 0),   -- people; null: not relevant
    location        varchar,
    equipment_notes varchar,
    active          boolean not null default true,
    -- Bumped by every locker-assignment write, so two concurrent assignments of one locker
    -- collide on this row (write-write conflict, then a retry that sees the other one).
    row_version     integer not null default 0,
    created_at      timestamp not null,
    updated_at      timestamp not null
);

-- Weekly opening hours, versioned: the week in force on a day is the one with the latest
-- valid_from on or before it, so a past week's compliance keeps the hours it really had.
-- weekday: 0 = Monday … 6 = Sunday (Python's date.weekday()); null opens/closes: closed.
create table opening_hours (
    resource_id bigint not null references resource (id),
    valid_from  date not null,
    weekday     integer not null check (weekday between 0 and 6),
    opens       time,
    closes      time,
    primary key (resource_id, valid_from, weekday),
    check ((opens is null) = (closes is null)),
    check (opens is null or opens < closes)
);

-- Closures entered by staff (public holidays come from the `holidays` package, not from here).
-- resource_id null: the whole Centre. Never deleted; cancelled_at marks a withdrawn closure.
create sequence closure_id_seq;
create table closure (
    id              bigint primary key default nextval('closure_id_seq'),
    resource_id     bigint references resource (id),
    date_from       date not null,
    date_to         date not null,
    reason          varchar not null,
    created_at      timestamp not null,
    created_by      varchar not null,
    cancelled_at    timestamp,
    cancelled_by    varchar,
    check (date_from <= date_to)
);

create sequence booking_series_id_seq;
create table booking_series (
    id              bigint primary key default nextval('booking_series_id_seq'),
    resource_id     bigint not null references resource (id),
    organisation_id bigint not null references organisation (id),
    every_weeks     integer not null check (every_weeks between 1 and 52),
    first_day       date not null,
    until_day       date,
    occurrences     integer,
    start_time      time not null,
    end_time        time not null,
    created_at      timestamp not null,
    created_by      varchar not null,
    cancelled_at    timestamp,
    cancelled_by    varchar,
    cancel_reason   varchar
);

create sequence booking_id_seq;
create table booking (
    id                  bigint primary key default nextval('booking_id_seq'),
    resource_id         bigint not null references resource (id),
    organisation_id     bigint not null references organisation (id),
    series_id           bigint references booking_series (id),
    contact_person      varchar not null,
    purpose             varchar not null,
    statutory_declared  boolean not null check (statutory_declared),
    attendees           integer not null check (attendees > 0),
    starts_at           timestamp not null,   -- Europe/Warsaw wall clock
    ends_at             timestamp not null,
    status              varchar not null
                        check (status in ('requested', 'confirmed', 'checked_in', 'no_show', 'cancelled')),
    actual_attendance   integer check (actual_attendance is null or actual_attendance >= 0),
    checked_in_at       timestamp,            -- Europe/Warsaw wall clock
    cancel_reason       varchar,
    cancelled_at        timestamp,            -- Europe/Warsaw wall clock
    cancelled_by        varchar,
    created_at          timestamp not null,   -- UTC
    created_by          varchar not null,
    updated_at          timestamp not null,   -- UTC
    check (ends_at > starts_at),
    check (starts_at::date = ends_at::date or ends_at = starts_at::date + interval 1 day)
);

-- One row per occupied 30-minute slot of every active (requested, confirmed, checked_in)
-- booking, written in the booking's own transaction. The primary key is what makes a double
-- booking impossible: DuckDB enforces it across concurrent transactions (at the latest at COMMIT),
-- whereas a check-then-insert would double-book under snapshot isolation.
create table booking_slot (
    resource_id bigint not null,
    slot_start  timestamp not null,
    booking_id  bigint not null,
    primary key (resource_id, slot_start)
);

create sequence locker_assignment_id_seq;
create table locker_assignment (
    id              bigint primary key default nextval('locker_assignment_id_seq'),
    resource_id     bigint not null references resource (id),
    organisation_id bigint not null references organisation (id),
    date_from       date not null,
    date_to         date,                      -- null: until further notice
    key_handed_on   date,
    key_returned_on date,
    notes           varchar,
    created_at      timestamp not null,
    created_by      varchar not null,
    updated_at      timestamp not null,
    check (date_to is null or date_from <= date_to)
);

insert into app_setting (key, value) values
    ('booking_horizon_days', '90'),
    ('fair_use_weekly_hours', 'null');
