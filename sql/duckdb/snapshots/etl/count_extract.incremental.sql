SELECT count(*)::INTEGER AS n FROM extract_complaints
-- parameters: []
