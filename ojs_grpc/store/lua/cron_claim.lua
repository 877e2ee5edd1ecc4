-- Record what happens to one due tick, once for every replica (the first decision wins).
-- KEYS: defs, state, due. ARGV: name, tick, rev, decision ('fire'/'skip'), job id
-- Returns {'ok', decision, job id} (the recorded one, maybe another replica's) or
-- {'moved'} when the entry is gone, changed (rev) or no longer due at this tick.
local C_STATE = KEYS[2]
local name, tick, rev = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local raw = redis.call('HGET', C_STATE, name)
if not raw then return {'moved'} end
local st = cjson.decode(raw)
if st.next_run_at ~= tick then return {'moved'} end
if st.pending_tick == tick then return {'ok', st.pending_decision, st.pending_job or ''} end
if st.rev ~= rev then return {'moved'} end
st.pending_tick, st.pending_decision, st.pending_job = tick, ARGV[4], ARGV[5]
if ARGV[4] == 'fire' then st.last_job_id = ARGV[5] end
redis.call('HSET', C_STATE, name, cjson.encode(st))
return {'ok', ARGV[4], ARGV[5]}
