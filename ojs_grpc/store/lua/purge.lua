-- Retention: delete terminal jobs that finished before `cutoff`. ARGV: cutoff_ms, limit
-- Returns the purged ids (the caller drops their job-id index entries).
local cutoff, limit = tonumber(ARGV[1]), tonumber(ARGV[2])
local ids = redis.call('ZRANGEBYSCORE', K_FINISHED, '-inf', cutoff, 'LIMIT', 0, limit)
for _, id in ipairs(ids) do
  redis.call('ZREM', K_FINISHED, id)
  redis.call('HDEL', K_JOBS, id)
  redis.call('HDEL', K_SPEC, id)
  redis.call('HDEL', K_RESULT, id)
  redis.call('HDEL', K_ERRORS, id)
end
return ids
