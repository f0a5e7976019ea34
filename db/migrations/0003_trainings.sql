-- Education and integration (seed S1, S3, S4): topics, the events catalogue with sessions booked
-- through the reservation rules, enrolments with seats and a waitlist, attendance, feedback, the
-- advisory log and the expectations survey. Domain times are Europe/Warsaw wall clock, stored
-- naive; created_at/updated_at are UTC.
--
-- The Centre's own organisation row (the booking side of its events) is NOT inserted here: the
-- register must stay empty on a new installation. The events service creates it on first use
-- and remembers its id in app_setting 'centre_organisation_id' (a primary key, so two first
-- events at once cannot create two).

-- Topics are data (T1–T6 of the seed, plus the Generator Wniosków of F3); an admin adds more.
create table topic (
    code        varchar primary key,
    sort        integer not null,
    name_pl     varchar not null,
    name_en     varchar not null,
    active      boolean not null default true
);
insert into topic (code, sort, name_pl, name_en) values
    ('T1', 1, 'Rozwój organizacji i planowanie działań', 'Developing NGOs and planning their work'),
    ('T2', 2, 'Pozyskiwanie środków', 'Raising funds'),
    ('T3', 3, 'Aspekty prawne i rejestracja organizacji', 'Legal aspects and registration of NGOs'),
    ('T4', 4, 'Przygotowanie ofert na zadania publiczne', 'Preparing offers for public tasks'),
    ('T5', 5, 'Księgowość', 'Accounting'),
    ('T6', 6, 'Inne', 'Other'),
    ('generator', 7, 'Generator Wniosków', 'Generator Wniosków (grant applications)');

create sequence event_id_seq;
create table event (
    id                  bigint primary key default nextval('event_id_seq'),
    title               varchar not null,
    event_type          varchar not null check (event_type in
                        ('training', 'advisory', 'specialist_meeting', 'integration_meeting', 'consultation_meeting')),
    -- With whom an integration/cooperation meeting is held (seed S3); null for other types.
    partner_kind        varchar check (partner_kind is null or partner_kind in
                        ('city_hall', 'council', 'dialogue_commission')),
    partner_name        varchar,
    description         varchar,
    trainer_name        varchar,
    trainer_organisation varchar,
    -- No foreign key here or on event_session.booking_id: DuckDB turns an UPDATE of an indexed
    -- (foreign-key) column into delete+insert, which the rows referring to the event or session
    -- then refuse. The service checks that the room exists.
    resource_id         bigint not null,
    capacity            integer not null check (capacity > 0),
    target_group        varchar,
    status              varchar not null check (status in ('planned', 'open', 'full', 'held', 'cancelled')),
    cancel_reason       varchar,
    cancelled_at        timestamp,            -- Europe/Warsaw wall clock
    cancelled_by        varchar,
    -- Bumped by every enrolment write, so two concurrent enrolments into one event collide on this
    -- row (write-write conflict, then a retry that sees the other one): seat, waitlist order and
    -- promotion are then decided one at a time.
    row_version         integer not null default 0,
    created_at          timestamp not null,
    created_by          varchar not null,
    updated_at          timestamp not null,
    check ((event_type = 'integration_meeting') = (partner_kind is not null))
);

create table event_topic (
    event_id    bigint not null references event (id),
    topic_code  varchar not null references topic (code),
    primary key (event_id, topic_code)
);

-- One row per session (a day's start and end); its room booking is a normal booking row
-- (organisation: the Centre itself) with its booking_slot rows.
create sequence event_session_id_seq;
create table event_session (
    id          bigint primary key default nextval('event_session_id_seq'),
    event_id    bigint not null references event (id),
    starts_at   timestamp not null,
    ends_at     timestamp not null,
    booking_id  bigint,                       -- the session's room booking (see event.resource_id)
    check (ends_at > starts_at)
);

create sequence enrolment_id_seq;
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

-- The seats of an event: one row per enrolled (not waitlisted) participant. The primary key is
-- what makes over-enrolment impossible under concurrency, as booking_slot does for rooms.
create table event_seat (
    event_id        bigint not null,
    seat_no         integer not null check (seat_no > 0),
    enrolment_id    bigint not null,
    primary key (event_id, seat_no)
);

-- One row per contact (normalised e-mail 'e:…', phone 'p:+48…') of every active enrolment: the
-- same person cannot be enrolled twice in one event, even by two desks at once.
create table enrolment_contact (
    event_id        bigint not null,
    contact_key     varchar not null,
    enrolment_id    bigint not null,
    primary key (event_id, contact_key)
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

-- The advisory log (doradztwo): one-to-one advice given to an organisation.
create sequence advisory_id_seq;
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

-- The expectations survey (seed S4): which future services (F1–F3, as data) an organisation
-- wants after the pilot, with a priority; one current answer per organisation.
create table future_service (
    code        varchar primary key,
    sort        integer not null,
    name_pl     varchar not null,
    name_en     varchar not null
);
insert into future_service values
    ('F1', 1, 'Aktywizacja społeczna mieszkańców', 'Social activation of residents'),
    ('F2', 2, 'Rozszerzone usługi dla organizacji', 'More services for NGOs'),
    ('F3', 3, 'Usługi Urzędu Miasta dla organizacji', 'City Hall services for NGOs');

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

insert into app_setting (key, value) values ('enrolment_close_hours', '24');
