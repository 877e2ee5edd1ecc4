-- ACK: active -> completed, for one or more jobs of this queue. Each job is its own
-- transition (one refused does not stop the others); one call settles a worker's batch,
-- so the script's fixed cost and the queue's stats and metrics writes are paid once.
-- ARGV: now, then per job: id, result_json|'', lease_token|'', worker_id|'', brief|''
-- brief ('1', a worker session settling a job it holds): no `f:<id>` message and the
-- reply is {'ok', doc} only, since the caller already has the rest of the job.
-- Returns one reply per job, in order: {'ok', doc, spec, errors|false, result|false},
-- {'ok', doc} when brief, or check_active's refusal.
local now = tonumber(ARGV[1])
local FIELDS = 5
local replies = {}
local completed, durations, waits = 0, 0, 0
for at = 2, #ARGV, FIELDS do
  local id, result, brief = ARGV[at], ARGV[at + 1], ARGV[at + 4] == '1'
  local doc = load(id)
  local reply = check_active(doc, ARGV[at + 2], ARGV[at + 3])
  if not reply then
    clear_lease(id, doc, brief)
    doc.state = 'completed'
    doc.completed_at = now
    doc.has_error = nil
    doc.next_attempt_at = nil
    if result ~= '' then redis.call('HSET', K_RESULT, id, result) end
    local encoded = save(id, doc)
    finish(id, now)
    wf_outbox(id, doc)
    completed = completed + 1
    durations = durations + math.max(0, now - doc.started_at)
    waits = waits + math.max(0, doc.started_at - (doc.enqueued_at or doc.started_at))
    if brief then
      reply = {'ok', encoded}
    else
      reply = {'ok', encoded, redis.call('HGET', K_SPEC, id), hget_or_false(K_ERRORS, id),
        hget_or_false(K_RESULT, id)}
    end
  end
  replies[#replies + 1] = reply
end
if completed > 0 then
  redis.call('HINCRBY', K_STATS, 'completed', completed)
  record_metrics(now, completed, 0, durations, waits)
end
return replies
