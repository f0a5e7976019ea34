-- The volunteer register (ustawa o działalności pożytku publicznego i o wolontariacie, art. 42–46, and
-- RODO). Minimal by design: there is deliberately NO column for a PESEL, an ID-document number, health
-- data or the content of a criminal-record / sex-offender-register check — only that a check was done,
-- when, and that its result was OK.
--
-- No foreign key refers to volunteer or volunteer_opportunity: DuckDB executes an UPDATE of a LIST
-- column (skills, availability) as delete+insert, which referring rows would refuse. The services check
-- that the rows exist. Domain dates are Europe/Warsaw; created_at/updated_at are UTC.

-- Skills are data, so the Centre adds new ones without a migration.
create table volunteer_skill (
    code        varchar primary key,
    sort        integer not null,
    name_pl     varchar not null,
    name_en     varchar not null,
    active      boolean not null default true
);
insert into volunteer_skill (code, sort, name_pl, name_en) values
    ('events', 1, 'Organizacja wydarzeń', 'Organising events'),
    ('children', 2, 'Praca z dziećmi', 'Working with children'),
    ('seniors', 3, 'Praca z seniorami', 'Working with seniors'),
    ('it', 4, 'Komputery i IT', 'Computers and IT'),
    ('graphics', 5, 'Grafika i projektowanie', 'Graphic design'),
    ('photo', 6, 'Fotografia i wideo', 'Photography and video'),
    ('social_media', 7, 'Media społecznościowe', 'Social media'),
    ('translation', 8, 'Tłumaczenia', 'Translation'),
    ('tutoring', 9, 'Korepetycje', 'Tutoring'),
    ('first_aid', 10, 'Pierwsza pomoc', 'First aid'),
    ('driving', 11, 'Prawo jazdy kat. B', 'Driving licence (B)'),
    ('manual', 12, 'Prace ręczne i remonty', 'Manual work and repairs'),
    ('gardening', 13, 'Ogrodnictwo', 'Gardening'),
    ('fundraising', 14, 'Zbiórki i fundraising', 'Fundraising'),
    ('accounting', 15, 'Księgowość', 'Accounting'),
    ('law', 16, 'Prawo', 'Law');

create sequence volunteer_id_seq;
create table volunteer (
    id              bigint primary key default nextval('volunteer_id_seq'),
    first_name      varchar not null,
    last_name       varchar not null,
    email           varchar,
    phone           varchar,                  -- E.164
    -- Only to know whether the person is a minor: a full date, or just the year.
    birth_year      integer check (birth_year is null or birth_year between 1900 and 2100),
    birth_date      date,
    skills          varchar[] not null default [],   -- volunteer_skill codes
    tags            varchar[] not null default [],   -- free interests
    languages       varchar[] not null default [],   -- ISO 639-1
    availability    varchar[] not null default [],   -- 'mon_morning' … 'sun_evening'
    osiedle_id      integer,
    status          varchar not null check (status in ('candidate', 'active', 'inactive')),
    status_since    date not null,            -- for the retention review
    found_via       varchar,                  -- how they found the Centre
    notes           varchar,
    bhp_briefing_on date,                     -- art. 45: health and safety briefing
    child_check_on  date,                     -- RSPTS/KRK check done (work with children) …
    child_check_ok  boolean,                  -- … and its result was OK; never its content
    row_version     integer not null default 0,   -- bumped by assignment writes (one at a time per person)
    anonymised_at   timestamp,                -- UTC
    created_at      timestamp not null,
    created_by      varchar not null,
    updated_at      timestamp not null,
    check (birth_date is null or birth_year is null or year(birth_date) = birth_year),
    check (child_check_ok is null or child_check_on is not null)
);

-- processing (art. 6(1)(a/b), required), photos, newsletter (optional), guardian (a minor's legal guardian, written).
create sequence volunteer_consent_id_seq;
create table volunteer_consent (
    id              bigint primary key default nextval('volunteer_consent_id_seq'),
    volunteer_id    bigint not null,
    kind            varchar not null check (kind in ('processing', 'photos', 'newsletter', 'guardian')),
    given_on        date not null,
    scope           varchar,
    guardian_name   varchar,
    withdrawn_on    date,
    created_at      timestamp not null,
    created_by      varchar not null,
    check (withdrawn_on is null or withdrawn_on >= given_on)
);

-- Porozumienie (art. 44). Written when longer than 30 days (ust. 4); NNW insurance or an admin waiver
-- for ≤30 days (art. 46). status: draft → active (checked) → ended.
create sequence volunteer_agreement_id_seq;
create table volunteer_agreement (
    id              bigint primary key default nextval('volunteer_agreement_id_seq'),
    volunteer_id    bigint not null,
    scope           varchar not null,
    starts_on       date not null,
    ends_on         date not null,
    form            varchar not null check (form in ('oral', 'written')),
    signed_on       date,
    terminated_on   date,
    status          varchar not null check (status in ('draft', 'active', 'ended')),
    nnw_policy      varchar,
    nnw_on          date,
    waiver_reason   varchar,
    waiver_by       varchar,
    waiver_on       date,
    created_at      timestamp not null,
    created_by      varchar not null,
    updated_at      timestamp not null,
    check (ends_on >= starts_on),
    check (terminated_on is null or terminated_on >= starts_on)
);

create sequence volunteer_opportunity_id_seq;
create table volunteer_opportunity (
    id              bigint primary key default nextval('volunteer_opportunity_id_seq'),
    title           varchar not null,
    description     varchar,
    host_kind       varchar not null check (host_kind in ('centre', 'organisation', 'initiative')),
    organisation_id bigint,
    initiative_id   bigint,                   -- no FK: the local-initiatives module comes later
    starts_at       timestamp not null,
    ends_at         timestamp not null,
    place           varchar,
    skills          varchar[] not null default [],
    slots           varchar[] not null default [],   -- weekday × part of day it needs people
    needed          integer not null check (needed > 0),
    with_children   boolean not null default false,
    status          varchar not null check (status in ('open', 'filled', 'closed', 'cancelled')),
    created_at      timestamp not null,
    created_by      varchar not null,
    updated_at      timestamp not null,
    check (ends_at > starts_at),
    check ((host_kind = 'organisation') = (organisation_id is not null))
);

create sequence volunteer_assignment_id_seq;
create table volunteer_assignment (
    id              bigint primary key default nextval('volunteer_assignment_id_seq'),
    opportunity_id  bigint not null,
    volunteer_id    bigint not null,
    agreement_id    bigint not null,
    starts_at       timestamp not null,
    ends_at         timestamp not null,
    status          varchar not null check (status in ('proposed', 'confirmed', 'declined')),
    created_at      timestamp not null,
    created_by      varchar not null,
    updated_at      timestamp not null
);

create sequence volunteer_hours_id_seq;
create table volunteer_hours (
    id              bigint primary key default nextval('volunteer_hours_id_seq'),
    assignment_id   bigint not null,
    volunteer_id    bigint not null,
    work_date       date not null,
    hours           decimal(5, 2) not null check (hours > 0 and hours <= 24),
    description     varchar,
    status          varchar not null check (status in ('pending', 'approved', 'rejected')),
    decided_by      varchar,
    decided_at      timestamp,
    created_at      timestamp not null,
    created_by      varchar not null
);

-- zaświadczenie (certificate) and opinia (reference): requested and issued on request (art. 44 ust. 3).
create sequence volunteer_document_id_seq;
create table volunteer_document (
    id              bigint primary key default nextval('volunteer_document_id_seq'),
    volunteer_id    bigint not null,
    kind            varchar not null check (kind in ('certificate', 'reference')),
    requested_on    date not null,
    issued_on       date,
    created_at      timestamp not null,
    created_by      varchar not null
);
