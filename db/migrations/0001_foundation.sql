-- Foundation: users, audit log, reference data (legal forms, osiedla) and the
-- organisations register that every other page refers to.

create sequence audit_log_id_seq;
create table audit_log (
    id          bigint primary key default nextval('audit_log_id_seq'),
    at_utc      timestamp not null,           -- UTC, unlike domain times (Europe/Warsaw wall clock)
    username    varchar,                      -- null only for a failed login with an unknown name
    action      varchar not null,             -- create, update, cancel, delete, anonymise, login_ok, ...
    entity      varchar not null,
    entity_id   varchar,
    before      json,
    after       json
);

create table app_user (
    username        varchar primary key,
    full_name       varchar not null,
    email           varchar,
    role            varchar not null check (role in ('admin', 'staff', 'coordinator')),
    password_hash   varchar not null,
    active          boolean not null default true,
    failed_logins   integer not null default 0,
    locked_until    timestamp,                -- UTC
    language        varchar check (language in ('pl', 'en')),
    created_at      timestamp not null,       -- UTC
    last_login_at   timestamp                 -- UTC
);

-- Settings that staff may change at run time (the environment holds the rest).
create table app_setting (
    key     varchar primary key,
    value   json not null
);

create table legal_form (
    code    varchar primary key,
    sort    integer not null
);
insert into legal_form values
    ('stowarzyszenie', 1), ('fundacja', 2), ('stowarzyszenie_zwykle', 3),
    ('grupa_nieformalna', 4), ('spoldzielnia_socjalna', 5), ('inna', 6);

-- Łódź's 36 osiedla (BIP UMŁ, 2019), grouped by the former dzielnice. Kept with validity
-- dates, not as an enum: the city may split or rename one (a 2021 consultation proposed it).
create table osiedle (
    id          integer primary key,
    name        varchar not null,
    district    varchar not null,
    valid_from  date not null,
    valid_to    date
);
insert into osiedle (id, name, district, valid_from) values
    (1,  'Bałuty-Centrum', 'Bałuty', date '1990-01-01'),
    (2,  'Bałuty-Doły', 'Bałuty', date '1990-01-01'),
    (3,  'Bałuty Zachodnie', 'Bałuty', date '1990-01-01'),
    (4,  'Julianów-Marysin-Rogi', 'Bałuty', date '1990-01-01'),
    (5,  'Łagiewniki', 'Bałuty', date '1990-01-01'),
    (6,  'Radogoszcz', 'Bałuty', date '1990-01-01'),
    (7,  'Teofilów-Wielkopolska', 'Bałuty', date '1990-01-01'),
    (8,  'Wzniesień Łódzkich', 'Bałuty', date '1990-01-01'),
    (9,  'Chojny', 'Górna', date '1990-01-01'),
    (10, 'Chojny-Dąbrowa', 'Górna', date '1990-01-01'),
    (11, 'Górniak', 'Górna', date '1990-01-01'),
    (12, 'Nad Nerem', 'Górna', date '1990-01-01'),
    (13, 'Piastów-Kurak', 'Górna', date '1990-01-01'),
    (14, 'Rokicie', 'Górna', date '1990-01-01'),
    (15, 'Ruda', 'Górna', date '1990-01-01'),
    (16, 'Wiskitno', 'Górna', date '1990-01-01'),
    (17, 'Karolew-Retkinia Wschód', 'Polesie', date '1990-01-01'),
    (18, 'Koziny', 'Polesie', date '1990-01-01'),
    (19, 'Lublinek-Pienista', 'Polesie', date '1990-01-01'),
    (20, 'im. Józefa Montwiłła-Mireckiego', 'Polesie', date '1990-01-01'),
    (21, 'Retkinia Zachód-Smulsko', 'Polesie', date '1990-01-01'),
    (22, 'Stare Polesie', 'Polesie', date '1990-01-01'),
    (23, 'Zdrowie-Mania', 'Polesie', date '1990-01-01'),
    (24, 'Złotno', 'Polesie', date '1990-01-01'),
    (25, 'Katedralna', 'Śródmieście', date '1990-01-01'),
    (26, 'Śródmieście-Wschód', 'Śródmieście', date '1990-01-01'),
    (27, 'Andrzejów', 'Widzew', date '1990-01-01'),
    (28, 'Dolina Łódki', 'Widzew', date '1990-01-01'),
    (29, 'Mileszki', 'Widzew', date '1990-01-01'),
    (30, 'Nowosolna', 'Widzew', date '1990-01-01'),
    (31, 'Olechów-Janów', 'Widzew', date '1990-01-01'),
    (32, 'Osiedle nr 33', 'Widzew', date '1990-01-01'),
    (33, 'Stary Widzew', 'Widzew', date '1990-01-01'),
    (34, 'Stoki-Sikawa-Podgórze', 'Widzew', date '1990-01-01'),
    (35, 'Widzew-Wschód', 'Widzew', date '1990-01-01'),
    (36, 'Zarzew', 'Widzew', date '1990-01-01');

create sequence organisation_id_seq;
create table organisation (
    id              bigint primary key default nextval('organisation_id_seq'),
    name            varchar not null,
    legal_form      varchar not null references legal_form (code),
    krs             varchar check (krs is null or regexp_full_match(krs, '[0-9]{10}')),
    nip             varchar check (nip is null or regexp_full_match(nip, '[0-9]{10}')),
    regon           varchar check (regon is null or regexp_full_match(regon, '[0-9]{9}|[0-9]{14}')),
    street          varchar,
    postal_code     varchar check (postal_code is null or regexp_full_match(postal_code, '[0-9]{2}-[0-9]{3}')),
    city            varchar,
    osiedle_id      integer references osiedle (id),
    contact_person  varchar,
    email           varchar,
    phone           varchar,                  -- E.164
    first_served_on date,
    notes           varchar,
    created_at      timestamp not null,       -- UTC
    updated_at      timestamp not null        -- UTC
);
