-- CANCEL: any non-terminal state -> cancelled. ARGV: id, now
local id, now = ARGV[1], tonumber(ARGV[2])
local doc = load(id)
if not doc then return {'not_found'} end
local prev = doc.state
if prev == 'completed' or prev == 'cancelled' or prev == 'discarded' then
  return {'conflict', prev}
end
unindex(id, prev)
doc.deadline = nil
doc.timeout_at = nil
doc.next_attempt_at = nil
doc.state = 'cancelled'
doc.cancelled_at = now
local encoded = save(id, doc)
finish(id, now)
wf_outbox(id, doc)
return {'ok', prev, encoded, redis.call('HGET', K_SPEC, id),
  hget_or_false(K_ERRORS, id), hget_or_false(K_RESULT, id)}
