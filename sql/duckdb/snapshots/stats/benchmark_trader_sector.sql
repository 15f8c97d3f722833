SELECT sector FROM traders WHERE id = $1
-- parameters: ["T-1"]
