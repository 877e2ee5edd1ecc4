-- Insert new jobs (distinct ids) of this queue that no unique policy covers, all or nothing.
-- ARGV: n, then n times: id, doc_json, spec_json, state, priority, scheduled_at|''
-- state is 'available', 'scheduled' (due at scheduled_at) or 'pending'. The state documents
-- come complete (an available job's enqueued_at set) and are stored as they are: no JSON
-- is decoded here. Returns {'ok'}, or {'duplicate', index} (0-based) when a job with that
-- id exists in this queue (nothing was written).
local n = tonumber(ARGV[1])
local FIELDS = 6
for i = 1, n do
  if redis.call('HEXISTS', K_JOBS, ARGV[(i - 1) * FIELDS + 2]) == 1 then
    return {'duplicate', i - 1}
  end
end
-- One command per kind for the whole call, in chunks that stay below Lua's stack limit.
local CHUNK = 1000
local docs, specs, available, scheduled = {}, {}, {}, {}
local ready = 0
for i = 1, n do
  if ARGV[(i - 1) * FIELDS + 5] == 'available' then ready = ready + 1 end
end
-- available score = (100 - priority) * 2^44 + sequence, as make_available gives it.
local seq = 0
if ready > 0 then seq = redis.call('INCRBY', K_SEQ, ready) - ready end
local function flush(force)
  if #docs >= CHUNK or (force and #docs > 0) then
    redis.call('HSET', K_JOBS, unpack(docs))
    redis.call('HSET', K_SPEC, unpack(specs))
    docs, specs = {}, {}
  end
  if #available >= CHUNK or (force and #available > 0) then
    redis.call('ZADD', K_AVAILABLE, unpack(available))
    available = {}
  end
  if #scheduled >= CHUNK or (force and #scheduled > 0) then
    redis.call('ZADD', K_SCHEDULED, unpack(scheduled))
    scheduled = {}
  end
end
for i = 1, n do
  local at = (i - 1) * FIELDS + 2
  local id, state = ARGV[at], ARGV[at + 3]
  table.insert(docs, id)
  table.insert(docs, ARGV[at + 1])
  table.insert(specs, id)
  table.insert(specs, ARGV[at + 2])
  if state == 'available' then
    seq = seq + 1
    table.insert(available, (100 - tonumber(ARGV[at + 4])) * PRIORITY_SPAN + seq)
    table.insert(available, id)
  elseif state == 'scheduled' then
    table.insert(scheduled, tonumber(ARGV[at + 5]))
    table.insert(scheduled, id)
  end
  flush(false)
end
flush(true)
if ready > 0 then notify_available(ready) end
return {'ok'}
