DROP INDEX IF EXISTS complaints_external_ref_prefix;
DROP INDEX IF EXISTS complaints_open_filed;
DROP INDEX IF EXISTS complaints_problem_filed;
DROP INDEX IF EXISTS complaints_closure_filed;
