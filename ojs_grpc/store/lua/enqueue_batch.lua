-- Insert one or more new jobs of this queue with their unique-job checks, all or nothing
-- (semantics §10.2, §10.3). Every job is checked first; only if none is refused are they
-- inserted, in order, so a later job sees the earlier ones of the same call.
-- ARGV: mode, now, n, then n times: id, doc_json, spec_json, fingerprint|'', on_conflict,
--   states (comma-separated), period_ms|''
-- mode 'insert': the jobs become visible at once. mode 'stage': they are stored but kept
-- out of every state set (doc.staged) until batch_commit publishes or discards them; their
-- fingerprints are claimed already (a cross-queue batch stages each queue, then publishes).
-- Returns {'exists', index} (a job with that id exists) or {'duplicate', index, existing_id}
-- (unique conflict with on_conflict=reject; 0-based index) when nothing was written, else
-- {'ok', r1, ..., rn}: {'inserted', doc} | {'replaced', doc, old_id, old_state}
-- | {'ignored', existing_id, doc, spec, errors|false, result|false}.
local mode, now, n = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local FIELDS = 7

local function entry(i)
  local at = 3 + (i - 1) * FIELDS
  return {id = ARGV[at + 1], doc = ARGV[at + 2], spec = ARGV[at + 3], fp = ARGV[at + 4],
    action = ARGV[at + 5], states = ',' .. ARGV[at + 6] .. ',', period = tonumber(ARGV[at + 7])}
end

-- The job a fingerprint currently names ({id, state, created_at} or nil); `planned` holds
-- what earlier jobs of this call will have put there.
local function holder(fp, planned)
  if planned and planned[fp] then return planned[fp] end
  local id = redis.call('HGET', K_UNIQUE, fp)
  if not id then return nil end
  local doc = load(id)
  if not doc then return nil end
  -- A staged job never published within a minute was left by a failed gateway: ignore it.
  if doc.staged and now - doc.staged > 60000 then return nil end
  return {id = id, state = doc.state, created_at = doc.created_at, doc = doc}
end

-- Whether `target` blocks entry `e`: it is in one of e's states, within e's period.
local function conflicts(e, target)
  if not target then return false end
  if not string.find(e.states, ',' .. target.state .. ',', 1, true) then return false end
  if e.period and now >= target.created_at + e.period then return false end
  return true
end

-- Pass 1: refuse the whole call before writing anything.
local planned, seen = {}, {}
for i = 1, n do
  local e = entry(i)
  if seen[e.id] or redis.call('HEXISTS', K_JOBS, e.id) == 1 then return {'exists', i - 1} end
  seen[e.id] = true
  if e.fp ~= '' then
    local target = holder(e.fp, planned)
    local hit = conflicts(e, target)
    if hit and e.action == 'reject' then return {'duplicate', i - 1, target.id} end
    if not (hit and e.action == 'ignore') then
      planned[e.fp] = {id = e.id, state = cjson.decode(e.doc).state, created_at = now}
    end
  end
end

-- The replaced job goes to cancelled (as cancel.lua does) unless it already ended.
local function cancel_replaced(id, doc)
  if doc.state == 'completed' or doc.state == 'cancelled' or doc.state == 'discarded' then
    return
  end
  unindex(id, doc.state)
  doc.deadline = nil
  doc.timeout_at = nil
  doc.next_attempt_at = nil
  doc.state = 'cancelled'
  doc.cancelled_at = now
  save(id, doc)
  finish(id, now)
  wf_outbox(id, doc)
end

-- Pass 2: apply, in order.
local results = {'ok'}
for i = 1, n do
  local e = entry(i)
  local target = nil
  if e.fp ~= '' then
    target = holder(e.fp, nil)
    if not conflicts(e, target) then target = nil end
  end
  if target and e.action == 'ignore' then
    table.insert(results, {'ignored', target.id, cjson.encode(target.doc),
      redis.call('HGET', K_SPEC, target.id), hget_or_false(K_ERRORS, target.id),
      hget_or_false(K_RESULT, target.id)})
  else
    local doc = cjson.decode(e.doc)
    if target and e.action == 'replace_except_schedule' then
      -- The new job keeps the replaced job's schedule (semantics §13 A21).
      local at = target.doc.scheduled_at
      if at and at > now and target.state == 'scheduled' then
        doc.state = 'scheduled'
        doc.scheduled_at = at
        doc.enqueued_at = nil
      elseif doc.state == 'scheduled' then
        doc.state = 'available'
        doc.scheduled_at = nil
      end
    end
    if e.fp ~= '' then
      doc.ufp = e.fp
      local previous = redis.call('HGET', K_UNIQUE, e.fp)
      if previous then doc.prev_holder = previous end
      redis.call('HSET', K_UNIQUE, e.fp, e.id)
    end
    redis.call('HSET', K_SPEC, e.id, e.spec)
    if mode == 'stage' then
      -- Invisible until published; an unpublished one is purged with the finished jobs.
      doc.staged = now
      if target then doc.replaces = target.id end
      redis.call('ZADD', K_FINISHED, now, e.id)
    else
      doc.prev_holder = nil
      if target then cancel_replaced(target.id, target.doc) end
      if doc.state == 'available' then
        make_available(e.id, doc, now)
      elseif doc.state == 'scheduled' then
        redis.call('ZADD', K_SCHEDULED, doc.scheduled_at, e.id)
      end
    end
    local encoded = save(e.id, doc)
    if target then
      table.insert(results, {'replaced', encoded, target.id, target.state})
    else
      table.insert(results, {'inserted', encoded})
    end
  end
end
return results
