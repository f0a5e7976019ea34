-- The pilot's promised results (rezultaty) with their targets: data, edited by an admin.
-- A result's figure is computed by the code named in `code`; the target is the level promised
-- in the offer, over the whole pilot unless `per_week` says it is a weekly minimum.
create table result_target (
    code        varchar primary key,
    sort        integer not null,
    target      double not null check (target >= 0),
    per_week    boolean not null default false
);
insert into result_target (code, sort, target, per_week) values
    ('room_hours_per_week', 1, 40, true),
    ('evenings_per_week', 2, 2, true),
    ('trainings_held', 3, 20, false),
    ('participants', 4, 300, false),
    ('organisations_served', 5, 60, false),
    ('advisory_hours', 6, 100, false),
    ('volunteer_hours', 7, 500, false);
