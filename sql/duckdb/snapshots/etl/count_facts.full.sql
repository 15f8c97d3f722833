SELECT count(*)::INTEGER AS n FROM complaint_facts
-- parameters: []
