-- Maintenance pass over one queue: promote due scheduled/retryable jobs and report
-- what needs attention. ARGV: now, limit
-- Returns {promoted, expired_lease_ids, next_due_ms|'', next_lease_end_ms|''}.
local now, limit = tonumber(ARGV[1]), tonumber(ARGV[2])
local promoted = promote_due(now, limit)
local expired = redis.call('ZRANGEBYSCORE', K_LEASES, '-inf', now, 'LIMIT', 0, limit)
local function first_score(key)
  local first = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
  if #first == 0 then return nil end
  return tonumber(first[2])
end
local due = first_score(K_SCHEDULED)
local retry = first_score(K_RETRYABLE)
if retry and (not due or retry < due) then due = retry end
local lease = first_score(K_LEASES)
return {promoted, expired, due and string.format('%d', due) or '', lease and string.format('%d', lease) or ''}
