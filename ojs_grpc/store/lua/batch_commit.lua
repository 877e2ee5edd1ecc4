-- Second step of a cross-queue batch (see enqueue_batch.lua, mode 'stage').
-- ARGV: mode ('publish' | 'discard'), now, id...
-- publish: each staged job enters its state set (available jobs get enqueued_at = now) and
-- the job it replaces, if still not terminal, is cancelled.
-- Returns {id, doc, old_id|'', old_state|''} for each published job.
-- discard: each staged job is deleted and its fingerprint handed back to the previous holder.
local mode, now = ARGV[1], tonumber(ARGV[2])
local out = {}
for i = 3, #ARGV do
  local id = ARGV[i]
  local doc = load(id)
  if doc and doc.staged then
    redis.call('ZREM', K_FINISHED, id)
    if mode == 'discard' then
      if doc.ufp and redis.call('HGET', K_UNIQUE, doc.ufp) == id then
        if doc.prev_holder then
          redis.call('HSET', K_UNIQUE, doc.ufp, doc.prev_holder)
        else
          redis.call('HDEL', K_UNIQUE, doc.ufp)
        end
      end
      redis.call('HDEL', K_JOBS, id)
      redis.call('HDEL', K_SPEC, id)
    else
      doc.staged = nil
      doc.prev_holder = nil
      local old_id, old_state = doc.replaces or '', ''
      doc.replaces = nil
      if old_id ~= '' then
        local old = load(old_id)
        if old and old.state ~= 'completed' and old.state ~= 'cancelled'
            and old.state ~= 'discarded' then
          old_state = old.state
          unindex(old_id, old.state)
          old.deadline = nil
          old.timeout_at = nil
          old.next_attempt_at = nil
          old.state = 'cancelled'
          old.cancelled_at = now
          save(old_id, old)
          finish(old_id, now)
          wf_outbox(old_id, old)
        else
          old_id = ''
        end
      end
      if doc.state == 'available' then
        make_available(id, doc, now)
      elseif doc.state == 'scheduled' then
        redis.call('ZADD', K_SCHEDULED, doc.scheduled_at, id)
      end
      table.insert(out, {id, save(id, doc), old_id, old_state})
    end
  end
end
return out
