-- Shared prelude, prepended to every store script by scripts.py.
-- KEYS always holds the keys of one queue in keys.QUEUE_KEY_ORDER (KEYS[n] = its n-th name).
local K_JOBS, K_SPEC, K_RESULT, K_ERRORS = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local K_AVAILABLE, K_SCHEDULED, K_RETRYABLE, K_LEASES = KEYS[5], KEYS[6], KEYS[7], KEYS[8]
local K_DEAD, K_FINISHED, K_SEQ, K_PAUSED, K_STATS = KEYS[9], KEYS[10], KEYS[11], KEYS[12], KEYS[13]
local K_UNIQUE, K_RATE, K_METRICS = KEYS[14], KEYS[15], KEYS[16]
local K_WF_OUTBOX = KEYS[17]
-- KEYS[18] is the queue's pub/sub channel, not a key. StreamJobs (job_stream.py) wakes on it:
-- "a" once per script that made jobs available ("a:<n>" when it knows it made n available:
-- listeners with that much credit are enough to wake), "f:<id>" when job <id> leaves `active`.
local C_NOTIFY = KEYS[18]
local notified_available = false

local function notify_available(count)
  if not notified_available then
    if count then
      redis.call('PUBLISH', C_NOTIFY, 'a:' .. count)
    else
      redis.call('PUBLISH', C_NOTIFY, 'a')
    end
    notified_available = true
  end
end

local function notify_left_active(id)
  redis.call('PUBLISH', C_NOTIFY, 'f:' .. id)
end

-- available score = (100 - priority) * 2^44 + sequence: higher priority first, then FIFO;
-- stays below 2^53 so doubles keep it exact.
local PRIORITY_SPAN = 17592186044416

local function load(id)
  local raw = redis.call('HGET', K_JOBS, id)
  if not raw then return nil end
  return cjson.decode(raw)
end

-- Returns the stored text, for a reply that carries the document too.
local function save(id, doc)
  local encoded = cjson.encode(doc)
  redis.call('HSET', K_JOBS, id, encoded)
  return encoded
end

local function make_available(id, doc, now)
  doc.state = 'available'
  doc.enqueued_at = now
  doc.next_attempt_at = nil
  doc.worker_id = nil
  local seq = redis.call('INCR', K_SEQ)
  redis.call('ZADD', K_AVAILABLE, (100 - doc.priority) * PRIORITY_SPAN + seq, id)
  notify_available()
end

-- A lease ends at the visibility deadline or the execution timeout, whichever is first.
local function lease_end(doc)
  if doc.timeout_at and doc.timeout_at < doc.deadline then return doc.timeout_at end
  return doc.deadline
end

-- `quiet`: the only holder is settling the job itself, so no listener needs telling.
local function clear_lease(id, doc, quiet)
  doc.deadline = nil
  doc.timeout_at = nil
  redis.call('ZREM', K_LEASES, id)
  if not quiet then notify_left_active(id) end
end

-- Remove a job from the set that holds it in its current state.
local function unindex(id, state)
  if state == 'available' then redis.call('ZREM', K_AVAILABLE, id)
  elseif state == 'scheduled' then redis.call('ZREM', K_SCHEDULED, id)
  elseif state == 'retryable' then redis.call('ZREM', K_RETRYABLE, id)
  elseif state == 'active' then
    redis.call('ZREM', K_LEASES, id)
    notify_left_active(id)
  end
end

local function finish(id, now)
  redis.call('ZADD', K_FINISHED, now, id)
end

-- A workflow member (doc.wf) turned terminal: tell the workflow advancer, in the same
-- script as the transition (the entry format is workflows.outbox_entry).
local function wf_outbox(id, doc)
  if doc.wf then redis.call('RPUSH', K_WF_OUTBOX, doc.wf .. '\t' .. id .. '\t' .. doc.state) end
end

local function promote_from(key, now, limit)
  local due = redis.call('ZRANGEBYSCORE', key, '-inf', now, 'LIMIT', 0, limit)
  for _, id in ipairs(due) do
    redis.call('ZREM', key, id)
    local doc = load(id)
    if doc and (doc.state == 'scheduled' or doc.state == 'retryable') then
      make_available(id, doc, now)
      save(id, doc)
    end
  end
  return #due
end

local function promote_due(now, limit)
  return promote_from(K_SCHEDULED, now, limit) + promote_from(K_RETRYABLE, now, limit)
end

-- Apply a failure outcome decided by the service layer to an active job; returns the
-- stored text.
local function apply_failure(id, doc, now, outcome, delay, errors_json)
  clear_lease(id, doc)
  redis.call('HSET', K_ERRORS, id, errors_json)
  doc.has_error = true
  if outcome == 'retry' then
    doc.state = 'retryable'
    doc.retry_delay_ms = delay
    doc.next_attempt_at = now + delay
    redis.call('ZADD', K_RETRYABLE, doc.next_attempt_at, id)
  elseif outcome == 'requeue' or outcome == 'available' then
    make_available(id, doc, now)
  else
    doc.state = 'discarded'
    doc.discarded_at = now
    doc.completed_at = now
    doc.next_attempt_at = nil
    redis.call('HINCRBY', K_STATS, 'discarded', 1)
    if outcome == 'dead_letter' then
      doc.dead = true
      redis.call('ZADD', K_DEAD, now, id)
    else
      finish(id, now)
    end
    wf_outbox(id, doc)
  end
  return save(id, doc)
end

-- The guard every worker-side transition shares: the job exists, is active and,
-- when the caller names them, is held under this lease token and by this worker.
local function check_active(doc, token, worker)
  if not doc then return {'not_found'} end
  if doc.state ~= 'active' then return {'conflict', doc.state} end
  if token ~= '' and tonumber(token) ~= doc.attempt then
    return {'stale', tostring(doc.attempt)}
  end
  if worker ~= '' and doc.worker_id and doc.worker_id ~= worker then
    return {'not_owner', doc.worker_id}
  end
  return nil
end

-- Append one error entry (a Lua table) to the job's JSON history without re-encoding
-- the entries already there.
local function append_error(id, doc, entry)
  local encoded = cjson.encode(entry)
  local history = redis.call('HGET', K_ERRORS, id)
  if not history or history == '[]' then
    history = '[' .. encoded .. ']'
  else
    history = string.sub(history, 1, -2) .. ',' .. encoded .. ']'
  end
  redis.call('HSET', K_ERRORS, id, history)
  doc.has_error = true
end

local function hget_or_false(key, id)
  local v = redis.call('HGET', key, id)
  if not v then return false end
  return v
end

-- Level 4 helpers (queue metrics, unique-job index); see ojs_grpc/store/level4.py.
-- K_METRICS is a ring of METRIC_SLOTS buckets of METRIC_BUCKET_MS (one hour in all); a slot
-- holds "bucket:completed:failed:duration_sum_ms:wait_sum_ms" and restarts when reused.
local METRIC_BUCKET_MS, METRIC_SLOTS = 10000, 360

local function record_metrics(now, completed, failed, duration, wait)
  local bucket = math.floor(now / METRIC_BUCKET_MS)
  local slot = string.format('%d', bucket % METRIC_SLOTS)
  local c, f, d, w = 0, 0, 0, 0
  local raw = redis.call('HGET', K_METRICS, slot)
  if raw then
    local b, rc, rf, rd, rw = string.match(raw, '^(%d+):(%d+):(%d+):(%d+):(%d+)$')
    if b and tonumber(b) == bucket then
      c, f, d, w = tonumber(rc), tonumber(rf), tonumber(rd), tonumber(rw)
    end
  end
  redis.call('HSET', K_METRICS, slot, string.format('%d:%d:%d:%d:%d', bucket, c + completed,
    f + failed, d + math.max(0, duration), w + math.max(0, wait)))
end

-- Drop the unique-job index entry of a job that is being deleted, if it still names it.
local function release_unique(id, doc)
  if doc and doc.ufp and redis.call('HGET', K_UNIQUE, doc.ufp) == id then
    redis.call('HDEL', K_UNIQUE, doc.ufp)
  end
end
