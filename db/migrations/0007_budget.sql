-- The pilot's budget: the plan by cost category and funding source for each budget year, and the
-- actual costs staff record from invoices and bills. Categories and sources are data. A source's
-- `kind` places it in part II of the public-task report (sprawozdanie z realizacji zadania
-- publicznego): the city's grant (dotacja), own financial contribution, and the non-financial own
-- contribution split into personal (wkład osobowy) and in kind (wkład rzeczowy).
-- A source `from_register` is not entered as costs: its actual value is computed (volunteer work:
-- approved hours in the volunteer register × the configured hourly rate).
create table budget_category (
    code        varchar primary key,
    sort        integer not null,
    name_pl     varchar not null,
    name_en     varchar not null
);
insert into budget_category (code, sort, name_pl, name_en) values
    ('coordination', 1, 'Koordynacja i obsługa Centrum', 'Coordination and running the Centre'),
    ('trainers', 2, 'Trenerzy, doradcy i eksperci', 'Trainers, advisors and experts'),
    ('room', 3, 'Sala, wyposażenie i media', 'Room, equipment and utilities'),
    ('promotion', 4, 'Promocja i informacja', 'Promotion and information'),
    ('administration', 5, 'Administracja i księgowość', 'Administration and accounting'),
    ('volunteering', 6, 'Praca wolontariuszy', 'Volunteer work');

create table budget_source (
    code            varchar primary key,
    sort            integer not null,
    name_pl         varchar not null,
    name_en         varchar not null,
    kind            varchar not null check (kind in ('grant', 'financial', 'personal', 'in_kind')),
    from_register   boolean not null default false
);
insert into budget_source (code, sort, name_pl, name_en, kind, from_register) values
    ('city_grant', 1, 'Dotacja Miasta Łodzi', 'City of Łódź grant', 'grant', false),
    ('own_financial', 2, 'Wkład własny finansowy', 'Own financial contribution', 'financial', false),
    ('volunteer_work', 3, 'Wkład osobowy: praca wolontariuszy', 'Personal contribution: volunteer work',
     'personal', true),
    ('in_kind', 4, 'Wkład rzeczowy', 'In-kind contribution', 'in_kind', false);

-- One amount per year × category × source; a missing row is a plan of 0.
create table budget_plan (
    year            integer not null check (year between 2000 and 2100),
    category_code   varchar not null references budget_category (code),
    source_code     varchar not null references budget_source (code),
    amount_pln      decimal(12, 2) not null check (amount_pln >= 0),
    primary key (year, category_code, source_code)
);
-- The default plan of the pilot year (the default pilot period is 1 July – 31 December 2026):
-- 100,000 PLN of city grant, plus the operator's own contribution (financial, the premises it lends
-- in kind, and 400 volunteer hours at 35 PLN). An admin changes it, or plans another year, on the
-- Budget page.
insert into budget_plan (year, category_code, source_code, amount_pln) values
    (2026, 'coordination', 'city_grant', 42000),
    (2026, 'coordination', 'own_financial', 3000),
    (2026, 'trainers', 'city_grant', 30000),
    (2026, 'room', 'city_grant', 14000),
    (2026, 'room', 'in_kind', 9000),
    (2026, 'promotion', 'city_grant', 6000),
    (2026, 'promotion', 'own_financial', 1000),
    (2026, 'administration', 'city_grant', 8000),
    (2026, 'administration', 'own_financial', 2000),
    (2026, 'volunteering', 'volunteer_work', 14000);

-- Actual costs, one per accounting document (invoice, bill, contract) or in-kind valuation.
create sequence budget_cost_id_seq;
create table budget_cost (
    id              bigint primary key default nextval('budget_cost_id_seq'),
    spent_on        date not null,
    category_code   varchar not null references budget_category (code),
    source_code     varchar not null references budget_source (code),
    amount_pln      decimal(12, 2) not null check (amount_pln > 0),
    description     varchar not null,
    document_no     varchar,
    created_at      timestamp not null,   -- UTC
    created_by      varchar not null,
    updated_at      timestamp not null,   -- UTC
    updated_by      varchar not null
);
