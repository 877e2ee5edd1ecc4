-- Retention: delete terminal jobs that finished before `cutoff`, and dead-letter jobs
-- older than `dead_cutoff` or beyond the newest `dead_max`.
-- ARGV: cutoff_ms, limit, dead_cutoff_ms, dead_max
-- Returns the purged ids (the caller drops their job-id index entries).
local cutoff, limit = tonumber(ARGV[1]), tonumber(ARGV[2])
local dead_cutoff, dead_max = tonumber(ARGV[3]), tonumber(ARGV[4])
local purged = {}
local function drop(id)
  release_unique(id, load(id))
  redis.call('HDEL', K_JOBS, id)
  redis.call('HDEL', K_SPEC, id)
  redis.call('HDEL', K_RESULT, id)
  redis.call('HDEL', K_ERRORS, id)
  table.insert(purged, id)
end
for _, id in ipairs(redis.call('ZRANGEBYSCORE', K_FINISHED, '-inf', cutoff, 'LIMIT', 0, limit)) do
  redis.call('ZREM', K_FINISHED, id)
  drop(id)
end
local dead = redis.call('ZRANGEBYSCORE', K_DEAD, '-inf', dead_cutoff, 'LIMIT', 0, limit)
local excess = redis.call('ZCARD', K_DEAD) - #dead - dead_max
if excess > 0 then
  -- Oldest first, after the ones already past their age.
  local oldest = redis.call('ZRANGE', K_DEAD, #dead, #dead + math.min(excess, limit) - 1)
  for _, id in ipairs(oldest) do table.insert(dead, id) end
end
for _, id in ipairs(dead) do
  redis.call('ZREM', K_DEAD, id)
  drop(id)
end
return purged
