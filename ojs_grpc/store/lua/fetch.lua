-- Claim up to `count` jobs of this queue. ARGV: now, count, worker_id, visibility_override_ms
-- Returns {claimed, expired, held}: claimed = list of {id, doc, spec, errors|false};
-- expired = ids discarded because their expires_at passed before they started; held = how
-- many available jobs a rate limit held back (a caller that got none looks again soon).
local now, count, worker = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3]
local vis_override = tonumber(ARGV[4])
local claimed, expired = {}, {}
if redis.call('EXISTS', K_PAUSED) == 1 then return {claimed, expired, 0} end
promote_due(now, 1000)
-- Rate limits (semantics §10.6): a job carrying doc.rl, or any job while the queue has an
-- operator limit (stats field rate_limit), starts only while fewer than that many limited
-- starts happened in the last second (K_RATE). A limited job is skipped, not waited for; it
-- goes back with its score (position kept) after the scan, which skips at most 1000 jobs.
local queue_rate = tonumber(redis.call('HGET', K_STATS, 'rate_limit'))
local skipped, rate_trimmed = {}, false
local function rate_blocked(doc)
  local limit = doc.rl
  if queue_rate and (not limit or queue_rate < limit) then limit = queue_rate end
  if not limit then return false end
  if not rate_trimmed then
    redis.call('ZREMRANGEBYSCORE', K_RATE, '-inf', now - 1000)
    rate_trimmed = true
  end
  return redis.call('ZCARD', K_RATE) >= limit
end
-- Popped at most as many at a time as can still be claimed (or skipped): none is left over.
while #claimed < count and #skipped < 1000 do
  local popped = redis.call('ZPOPMIN', K_AVAILABLE, math.min(count - #claimed, 1000 - #skipped))
  if #popped == 0 then break end
  for p = 1, #popped, 2 do
    local id = popped[p]
    local doc = load(id)
    if doc and doc.state == 'available' then
      -- expires_at is a deadline for starting: a job that already ran is not expired.
      if doc.expires_at and now >= doc.expires_at and doc.attempt == 0 then
        doc.state = 'discarded'
        doc.discarded_at = now
        append_error(id, doc, {code = 'expired', type = 'expired', attempt = 0, occurred_at = now,
          message = 'expires_at passed before the job started'})
        save(id, doc)
        finish(id, now)
        redis.call('HINCRBY', K_STATS, 'discarded', 1)
        wf_outbox(id, doc)
        table.insert(expired, id)
      elseif rate_blocked(doc) then
        table.insert(skipped, {id, popped[p + 1]})
      else
        doc.state = 'active'
        doc.attempt = doc.attempt + 1
        doc.started_at = now
        if worker ~= '' then doc.worker_id = worker else doc.worker_id = nil end
        doc.deadline = now + (vis_override or doc.vis_ms)
        doc.timeout_at = now + doc.timeout_ms
        local encoded = save(id, doc)
        redis.call('ZADD', K_LEASES, lease_end(doc), id)
        if doc.rl or queue_rate then
          redis.call('ZADD', K_RATE, now, id .. ':' .. string.format('%d', doc.attempt))
        end
        -- Only a job that failed before has an error history, and no job that can still
        -- be claimed has a result (results are written by ACK, which makes it terminal).
        local errors = false
        if doc.has_error then errors = hget_or_false(K_ERRORS, id) end
        table.insert(claimed, {id, encoded, redis.call('HGET', K_SPEC, id), errors})
      end
    end
  end
end
for _, entry in ipairs(skipped) do redis.call('ZADD', K_AVAILABLE, entry[2], entry[1]) end
return {claimed, expired, #skipped}
