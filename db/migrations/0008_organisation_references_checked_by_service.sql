-- The organisation's legal form and osiedle lose their foreign keys; the register's service checks
-- them instead (dashboard/services/register/organisations.py, inside the write's transaction).
--
-- Why: DuckDB executes an UPDATE of an indexed column (PRIMARY KEY, UNIQUE, FOREIGN KEY) or of a
-- LIST column as delete + insert, and the delete is refused while any row of another table points to
-- the row (bookings, enrolments, advisory, lockers, the survey), even when the id does not change. So
-- editing an organisation that had ever booked a room failed. The rule that keeps this from coming back
-- is in db/schema_rules.py and is checked by tests/unit/test_schema_rules.py.
--
-- DuckDB cannot drop a constraint (ALTER TABLE ... DROP CONSTRAINT is not implemented) nor drop a
-- table that others reference, so the organisation table is rebuilt together with every table that
-- references it (and the tables referencing those): each is copied aside, dropped, created again with
-- exactly its previous definition (only organisation's two foreign keys are gone) and refilled BY NAME.
-- Every row and every id is kept; the sequences are untouched, so new ids go on from where they were.
-- All of it runs in the migration's one transaction: a failure leaves the file at version 7.

create temp table m8_organisation as select * from organisation;
create temp table m8_booking_series as select * from booking_series;
create temp table m8_booking as select * from booking;
create temp table m8_locker_assignment as select * from locker_assignment;
create temp table m8_enrolment as select * from enrolment;
create temp table m8_attendance as select * from attendance;
create temp table m8_feedback as select * from feedback;
create temp table m8_advisory as select * from advisory;
create temp table m8_survey_response as select * from survey_response;
create temp table m8_survey_answer as select * from survey_answer;

-- Referencing tables first, organisation last.
drop table survey_answer;
drop table survey_response;
drop table advisory;
drop table feedback;
drop table attendance;
drop table enrolment;
drop table locker_assignment;
drop table booking;
drop table booking_series;
drop table organisation;

-- As in 0001, without "references legal_form (code)" and "references osiedle (id)".
create table organisation (
    id              bigint primary key default nextval('organisation_id_seq'),
    name            varchar not null,
    legal_form      varchar not null,          -- a legal_form code, checked by the service
    krs             varchar check (krs is null or regexp_full_match(krs, '[0-9]{10}')),
    nip             varchar check (nip is null or regexp_full_match(nip, '[0-9]{10}')),
    regon           varchar check (regon is null or regexp_full_match(regon, '[0-9]{9}|[0-9]{14}')),
    street          varchar,
    postal_code     varchar check (postal_code is null or regexp_full_match(postal_code, '[0-9]{2}-[0-9]{3}')),
    city            varchar,
    osiedle_id      integer,                   -- an osiedle id, checked by the service
    contact_person  varchar,
    email           varchar,
    phone           varchar,                  -- E.164
    first_served_on date,
    notes           varchar,
    created_at      timestamp not null,       -- UTC
    updated_at      timestamp not null        -- UTC
);

-- From here on exactly as in 0002 and 0003.
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

create table enrolment (
    id              bigint primary key default nextval('enrolment_id_seq'),
    event_id        bigint not null references event (id),
    full_name       varchar not null,
    email           varchar,
    phone           varchar,                  -- E.164
    organisation_id bigint references organisation (id),   -- null: a resident
    consent         boolean not null check (consent),
    consent_on      date not null,
    status          varchar not null check (status in ('enrolled', 'waitlisted', 'cancelled')),
    walk_in         boolean not null default false,
    enrolled_at     timestamp not null,       -- Europe/Warsaw wall clock
    promoted_at     timestamp,
    cancelled_at    timestamp,
    cancelled_by    varchar,
    cancel_reason   varchar,
    created_by      varchar not null,
    created_at      timestamp not null,       -- UTC
    check (email is not null or phone is not null)
);

create table attendance (
    session_id      bigint not null references event_session (id),
    enrolment_id    bigint not null references enrolment (id),
    present         boolean not null,
    marked_at       timestamp not null,       -- UTC
    marked_by       varchar not null,
    primary key (session_id, enrolment_id)
);

create table feedback (
    event_id        bigint not null references event (id),
    enrolment_id    bigint not null references enrolment (id),
    rating          integer not null check (rating between 1 and 5),
    comment         varchar,
    created_at      timestamp not null,       -- UTC
    created_by      varchar not null,
    primary key (event_id, enrolment_id)
);

create table advisory (
    id              bigint primary key default nextval('advisory_id_seq'),
    organisation_id bigint not null references organisation (id),
    advisor         varchar not null,
    topic_code      varchar not null references topic (code),
    held_on         date not null,
    duration_min    integer not null check (duration_min between 5 and 600),
    form            varchar not null check (form in ('in_person', 'phone', 'online')),
    question        varchar not null,
    outcome         varchar,
    created_at      timestamp not null,
    created_by      varchar not null
);

create table survey_response (
    organisation_id bigint primary key references organisation (id),
    answered_on     date not null,
    free_text       varchar,
    created_at      timestamp not null,
    created_by      varchar not null,
    updated_at      timestamp not null
);

create table survey_answer (
    organisation_id bigint not null references organisation (id),
    service_code    varchar not null references future_service (code),
    priority        integer not null check (priority between 1 and 5),
    primary key (organisation_id, service_code)
);

-- Referenced tables first.
insert into organisation by name select * from m8_organisation;
insert into booking_series by name select * from m8_booking_series;
insert into booking by name select * from m8_booking;
insert into locker_assignment by name select * from m8_locker_assignment;
insert into enrolment by name select * from m8_enrolment;
insert into attendance by name select * from m8_attendance;
insert into feedback by name select * from m8_feedback;
insert into advisory by name select * from m8_advisory;
insert into survey_response by name select * from m8_survey_response;
insert into survey_answer by name select * from m8_survey_answer;

drop table m8_organisation;
drop table m8_booking_series;
drop table m8_booking;
drop table m8_locker_assignment;
drop table m8_enrolment;
drop table m8_attendance;
drop table m8_feedback;
drop table m8_advisory;
drop table m8_survey_response;
drop table m8_survey_answer;
