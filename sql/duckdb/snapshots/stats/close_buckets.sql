SELECT close_cb, close_cc, point_us FROM close_buckets ORDER BY close_cb
-- parameters: []
