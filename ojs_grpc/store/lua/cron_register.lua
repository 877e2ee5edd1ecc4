-- Upsert one cron entry (semantics §8.1). KEYS: Keys.cron_keys() = defs, state, due.
-- ARGV: name, definition JSON, now, next run ('' = none), schedule key, enabled ('1'/'0')
-- The state document holds scalars only. Re-registering the same schedule keeps the
-- planned next run (and a firing decision in flight); a new schedule starts afresh.
local C_DEFS, C_STATE, C_DUE = KEYS[1], KEYS[2], KEYS[3]
local name, now, sched, enabled = ARGV[1], tonumber(ARGV[3]), ARGV[5], ARGV[6] == '1'
local next_at = tonumber(ARGV[4])
local raw = redis.call('HGET', C_STATE, name)
local st, status
if raw then
  st = cjson.decode(raw)
  st.rev = st.rev + 1
  status = 'updated'
else
  st = {created_at = now, run_count = 0, rev = 1}
  status = 'created'
end
if not enabled then
  st.next_run_at = nil
  st.pending_tick, st.pending_decision, st.pending_job = nil, nil, nil
elseif status == 'created' or st.sched ~= sched or not st.next_run_at then
  st.next_run_at = next_at
  st.anchor = now
  st.pending_tick, st.pending_decision, st.pending_job = nil, nil, nil
end
st.sched = sched
redis.call('HSET', C_DEFS, name, ARGV[2])
redis.call('HSET', C_STATE, name, cjson.encode(st))
if st.next_run_at then
  redis.call('ZADD', C_DUE, st.next_run_at, name)
else
  redis.call('ZREM', C_DUE, name)
end
return {status, cjson.encode(st)}
