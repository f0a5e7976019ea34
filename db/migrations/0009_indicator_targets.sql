-- Issue 17: every figure of the pilot is an indicator of one catalogue
-- (dashboard/services/reporting/indicators.py), and each result's target names the indicator it is
-- measured by: result_target.code is an indicator id.
--
-- The offer's "Godziny wolontariatu" target is the operator's own volunteer work (wkład osobowy), the
-- hours on the Centre's own opportunities — the figure the open call counts and the budget values —
-- not every hour volunteers gave any organisation through the register. The old code
-- 'volunteer_hours' measured the latter, so the results table showed "2 878 % celu".
update result_target set code = 'volunteer_hours_centre' where code = 'volunteer_hours';
