-- Local initiatives (inicjatywa lokalna, UDPP art. 19b–19h): the application, its stages as data
-- (stages and allowed moves are rows, not code), the history of moves, the advisory scoring,
-- the support log and the documents checklist. Depends only on 0001 (osiedle, organisation).
-- Domain times are Europe/Warsaw wall clock, stored naive; created_at/updated_at are UTC.

-- The areas of art. 19b ust. 1 (pkt 2 split into its named fields, so a report can tell
-- charity from culture). Kept as data so a change of the law is a row, not a release.
create table initiative_sphere (
    code        varchar primary key,
    sort        integer not null,
    legal_basis varchar not null,
    name_pl     varchar not null,
    name_en     varchar not null,
    active      boolean not null default true
);
insert into initiative_sphere (code, sort, legal_basis, name_pl, name_en) values
    ('infrastructure', 1, 'art. 19b ust. 1 pkt 1',
     'Budowa, rozbudowa lub remont dróg, kanalizacji, sieci wodociągowej, budynków i obiektów małej architektury',
     'Building or repairing roads, sewers, water mains, buildings and small architecture'),
    ('charity', 2, 'art. 19b ust. 1 pkt 2', 'Działalność charytatywna', 'Charity'),
    ('tradition', 3, 'art. 19b ust. 1 pkt 2',
     'Podtrzymywanie i upowszechnianie tradycji narodowej, rozwój świadomości obywatelskiej i kulturowej',
     'National tradition, civic and cultural awareness'),
    ('minorities', 4, 'art. 19b ust. 1 pkt 2', 'Działalność na rzecz mniejszości narodowych i etnicznych oraz języka regionalnego',
     'National and ethnic minorities and the regional language'),
    ('culture', 5, 'art. 19b ust. 1 pkt 2', 'Kultura, sztuka, ochrona dóbr kultury i dziedzictwa narodowego',
     'Culture, the arts, cultural goods and heritage'),
    ('volunteering', 6, 'art. 19b ust. 1 pkt 2', 'Promocja i organizacja wolontariatu', 'Promoting and organising volunteering'),
    ('education', 7, 'art. 19b ust. 1 pkt 3', 'Edukacja, oświata i wychowanie', 'Education and upbringing'),
    ('sport_tourism', 8, 'art. 19b ust. 1 pkt 4', 'Kultura fizyczna i turystyka', 'Physical culture and tourism'),
    ('nature', 9, 'art. 19b ust. 1 pkt 5', 'Ochrona przyrody, w tym zieleń miejska i zadrzewienia',
     'Nature conservation, including urban greenery and tree planting'),
    ('public_order', 10, 'art. 19b ust. 1 pkt 6', 'Porządek i bezpieczeństwo publiczne', 'Public order and safety'),
    ('revitalisation', 11, 'art. 19b ust. 1 pkt 7', 'Rewitalizacja', 'Revitalisation');

-- The Łódź procedure as a state machine: the stages and the only moves allowed between them.
create table initiative_stage (
    code        varchar primary key,
    sort        integer not null,
    name_pl     varchar not null,
    name_en     varchar not null,
    closed      boolean not null             -- no further move (settled, rejected, withdrawn)
);
insert into initiative_stage values
    ('submitted', 1, 'Złożony', 'Submitted', false),
    ('formal_check', 2, 'Weryfikacja formalna', 'Formal check', false),
    ('fixes_requested', 3, 'Wezwanie do uzupełnienia', 'Fixes requested', false),
    ('review', 4, 'Opiniowanie przez zespół', 'Review by the team', false),
    ('accepted', 5, 'Przyjęty do realizacji', 'Accepted', false),
    ('rejected', 6, 'Odrzucony', 'Rejected', true),
    ('preparation', 7, 'Przygotowanie (harmonogram, kosztorys)', 'Preparation (schedule, cost estimate)', false),
    ('agreement_signed', 8, 'Umowa podpisana', 'Agreement signed', false),
    ('in_progress', 9, 'W realizacji', 'In progress', false),
    ('settled', 10, 'Rozliczony', 'Settled', true),
    ('withdrawn', 11, 'Wycofany', 'Withdrawn', true);

create table initiative_move (
    from_stage  varchar not null references initiative_stage (code),
    to_stage    varchar not null references initiative_stage (code),
    primary key (from_stage, to_stage)
);
insert into initiative_move values
    ('submitted', 'formal_check'),
    ('formal_check', 'fixes_requested'),
    ('fixes_requested', 'formal_check'),
    ('formal_check', 'review'),
    ('review', 'accepted'),
    ('review', 'rejected'),
    ('accepted', 'preparation'),
    ('preparation', 'agreement_signed'),
    ('agreement_signed', 'in_progress'),
    ('in_progress', 'settled'),
    ('submitted', 'withdrawn'),
    ('formal_check', 'withdrawn'),
    ('fixes_requested', 'withdrawn'),
    ('review', 'withdrawn'),
    ('accepted', 'withdrawn'),
    ('preparation', 'withdrawn'),
    ('agreement_signed', 'withdrawn'),
    ('in_progress', 'withdrawn');

-- No foreign keys FROM this table (sphere, osiedle, organisation, stage are checked by the
-- service): DuckDB turns an UPDATE of a foreign-key column into delete+insert, which the
-- history's foreign key onto initiative (id) then refuses. The keys INTO it stay.
create sequence initiative_id_seq;
create table initiative (
    id                      bigint primary key default nextval('initiative_id_seq'),
    title                   varchar not null,
    description             varchar,
    sphere                  varchar not null,
    osiedle_id              integer not null,
    applicant_kind          varchar not null check (applicant_kind in ('group', 'organisation')),
    organisation_id         bigint,
    leader_name             varchar,
    leader_email            varchar,
    leader_phone            varchar,          -- E.164
    supporters              integer not null default 0 check (supporters >= 0),
    partners                varchar,
    planned_start           date,
    planned_end             date,
    -- Money (PLN). The city pays no grant: it buys goods and services itself (city_part).
    city_part_pln           decimal(12, 2) not null default 0 check (city_part_pln >= 0),
    city_part_description   varchar,
    social_work_hours       decimal(10, 2) not null default 0 check (social_work_hours >= 0),
    social_work_rate_pln    decimal(8, 2) not null check (social_work_rate_pln >= 0),
    in_kind_pln             decimal(12, 2) not null default 0 check (in_kind_pln >= 0),
    in_kind_description     varchar,
    money_pln               decimal(12, 2) not null default 0 check (money_pln >= 0),
    -- Stage and what the stages record.
    stage                   varchar not null,
    stage_since             timestamp not null,   -- Warsaw
    submitted_on            date not null,
    fixes_deadline          date,
    review_opinion          varchar,
    accepted_on             date,
    rejection_reason        varchar,
    responsible_unit        varchar,
    schedule                varchar,
    cost_estimate_pln       decimal(12, 2) check (cost_estimate_pln is null or cost_estimate_pln >= 0),
    agreement_number        varchar,
    agreement_date          date,
    settled_on              date,
    created_at              timestamp not null,
    created_by              varchar not null,
    updated_at              timestamp not null,
    check (applicant_kind <> 'organisation' or organisation_id is not null),
    check (applicant_kind <> 'group' or leader_name is not null),
    check (planned_start is null or planned_end is null or planned_start <= planned_end)
);

-- Every move: who, when (Warsaw) and why. The first row (from_stage null) is the submission.
create sequence initiative_history_id_seq;
create table initiative_history (
    id              bigint primary key default nextval('initiative_history_id_seq'),
    initiative_id   bigint not null references initiative (id),
    from_stage      varchar references initiative_stage (code),
    to_stage        varchar not null references initiative_stage (code),
    at_local        timestamp not null,
    username        varchar not null,
    note            varchar
);

-- One row touched by every acceptance, so two acceptances at once collide (write-write
-- conflict, retried) instead of both passing the yearly budget check on stale sums.
create table initiative_budget_guard (
    id          integer primary key,
    accepts     bigint not null
);
insert into initiative_budget_guard values (1, 0);

-- Advisory scoring: criteria and weights as data; the social-work contribution weighs most (art. 19c).
create table initiative_criterion (
    code        varchar primary key,
    sort        integer not null,
    name_pl     varchar not null,
    name_en     varchar not null,
    weight      decimal(6, 2) not null check (weight > 0),
    max_points  integer not null check (max_points > 0),
    active      boolean not null default true
);
insert into initiative_criterion (code, sort, name_pl, name_en, weight, max_points) values
    ('social_work', 1, 'Wkład pracy społecznej mieszkańców', 'Residents'' social-work contribution', 30, 5),
    ('need', 2, 'Potrzeba mieszkańców', 'Residents'' need', 20, 5),
    ('strategy', 3, 'Zgodność ze strategiami i programami miasta', 'Fit with the city''s strategies and programmes', 15, 5),
    ('own_share', 4, 'Udział wkładu własnego', 'Share of the residents'' own contribution', 15, 5),
    ('accessibility', 5, 'Dostępność rezultatów dla mieszkańców', 'Accessibility of the results', 10, 5),
    ('supporters', 6, 'Liczba osób popierających', 'Number of supporters', 10, 5);

create table initiative_score (
    initiative_id   bigint not null references initiative (id),
    reviewer        varchar not null,
    criterion       varchar not null references initiative_criterion (code),
    points          integer not null check (points >= 0),
    scored_at       timestamp not null,       -- Warsaw
    primary key (initiative_id, reviewer, criterion)
);

-- Meetings and advice given to applicants by the Centre.
create sequence initiative_support_id_seq;
create table initiative_support (
    id              bigint primary key default nextval('initiative_support_id_seq'),
    initiative_id   bigint not null references initiative (id),
    held_on         date not null,
    advisor         varchar not null,
    topic           varchar not null,
    outcome         varchar,
    created_at      timestamp not null,
    created_by      varchar not null
);

-- The documents checklist: kinds as data; a missing row means "missing".
create table initiative_document_kind (
    code        varchar primary key,
    sort        integer not null,
    name_pl     varchar not null,
    name_en     varchar not null,
    optional    boolean not null              -- may be marked "not needed" (a permit)
);
insert into initiative_document_kind values
    ('application', 1, 'Wniosek', 'Application', false),
    ('cost_estimate', 2, 'Kosztorys', 'Cost estimate', false),
    ('permit', 3, 'Pozwolenie (jeśli wymagane)', 'Permit (where needed)', true),
    ('agreement', 4, 'Umowa', 'Agreement', false),
    ('settlement_report', 5, 'Sprawozdanie z rozliczenia', 'Settlement report', false);

create table initiative_document (
    initiative_id   bigint not null references initiative (id),
    kind            varchar not null references initiative_document_kind (code),
    status          varchar not null check (status in ('received', 'missing', 'not_needed')),
    received_on     date,
    note            varchar,
    updated_at      timestamp not null,
    updated_by      varchar not null,
    primary key (initiative_id, kind),
    check ((status = 'received') = (received_on is not null))
);
