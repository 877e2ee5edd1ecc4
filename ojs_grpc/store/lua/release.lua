-- RELEASE: a worker hands back an active job without a result (unstarted, or interrupted
-- by its shutdown): available again at once, and the attempt does not count: no error is
-- recorded, the attempt counter steps back and the rate-limit start is returned.
-- ARGV: id, now, lease_token|'', worker_id|''
local id, now = ARGV[1], tonumber(ARGV[2])
local doc = load(id)
local refused = check_active(doc, ARGV[3], ARGV[4])
if refused then return refused end
redis.call('ZREM', K_RATE, id .. ':' .. string.format('%d', doc.attempt))
clear_lease(id, doc)
doc.attempt = doc.attempt - 1
make_available(id, doc, now)
return {'ok', save(id, doc), redis.call('HGET', K_SPEC, id),
  hget_or_false(K_ERRORS, id), hget_or_false(K_RESULT, id)}
