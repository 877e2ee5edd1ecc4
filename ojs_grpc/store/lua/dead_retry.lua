-- Retry a dead-letter job: discarded (in the dead set) -> available, attempt reset to 0.
-- The error history is kept. ARGV: id, now
local id, now = ARGV[1], tonumber(ARGV[2])
if not redis.call('ZSCORE', K_DEAD, id) then return {'not_found'} end
local doc = load(id)
if not doc then
  redis.call('ZREM', K_DEAD, id)
  return {'not_found'}
end
redis.call('ZREM', K_DEAD, id)
doc.dead = nil
doc.attempt = 0
doc.started_at = nil
doc.completed_at = nil
doc.discarded_at = nil
doc.worker_id = nil
doc.retry_delay_ms = nil
doc.next_attempt_at = nil
make_available(id, doc, now)
return {'ok', save(id, doc), redis.call('HGET', K_SPEC, id),
  hget_or_false(K_ERRORS, id), hget_or_false(K_RESULT, id)}
