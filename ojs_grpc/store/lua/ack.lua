-- ACK: active -> completed.
-- ARGV: id, now, result_json|'', lease_token|'', worker_id|'', brief|''
-- brief ('1', a worker session settling a job it holds): no `f:<id>` message and the
-- reply is {'ok', doc} only, since the caller already has the rest of the job.
local id, now = ARGV[1], tonumber(ARGV[2])
local brief = ARGV[6] == '1'
local doc = load(id)
local refused = check_active(doc, ARGV[4], ARGV[5])
if refused then return refused end
clear_lease(id, doc, brief)
doc.state = 'completed'
doc.completed_at = now
doc.has_error = nil
doc.next_attempt_at = nil
if ARGV[3] ~= '' then redis.call('HSET', K_RESULT, id, ARGV[3]) end
save(id, doc)
finish(id, now)
wf_outbox(id, doc)
redis.call('HINCRBY', K_STATS, 'completed', 1)
record_metrics(now, 1, 0, now - doc.started_at,
  doc.started_at - (doc.enqueued_at or doc.started_at))
if brief then return {'ok', cjson.encode(doc)} end
return {'ok', cjson.encode(doc), redis.call('HGET', K_SPEC, id),
  hget_or_false(K_ERRORS, id), hget_or_false(K_RESULT, id)}
