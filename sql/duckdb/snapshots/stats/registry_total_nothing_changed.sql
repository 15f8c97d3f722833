SELECT count(*)::INTEGER AS "n" FROM complaint_facts WHERE (x_overdue = 0)
-- parameters: []
