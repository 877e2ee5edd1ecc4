-- Compare-and-set after a tick: only if the entry still waits for this tick (and was not
-- re-registered since it was read). KEYS: defs, state, due.
-- ARGV: name, tick, rev, next run ('' = none), fired ('1'/'0'), job id
-- Returns {'ok', state JSON} or {'moved'}.
local C_STATE, C_DUE = KEYS[2], KEYS[3]
local name, tick, rev = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local raw = redis.call('HGET', C_STATE, name)
if not raw then return {'moved'} end
local st = cjson.decode(raw)
if st.next_run_at ~= tick or st.rev ~= rev then return {'moved'} end
if ARGV[5] == '1' then
  st.run_count = st.run_count + 1
  st.last_run_at = tick
  st.last_job_id = ARGV[6]
end
st.pending_tick, st.pending_decision, st.pending_job = nil, nil, nil
st.next_run_at = tonumber(ARGV[4])
redis.call('HSET', C_STATE, name, cjson.encode(st))
if st.next_run_at then
  redis.call('ZADD', C_DUE, st.next_run_at, name)
else
  redis.call('ZREM', C_DUE, name)
end
return {'ok', cjson.encode(st)}
