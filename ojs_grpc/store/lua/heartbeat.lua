-- Extend the lease of an active job.
-- ARGV: id, now, extend_ms|'', lease_token|'', worker_id|'', progress_json (optional)
-- An empty extend_ms extends by the job's own visibility timeout. A progress report
-- (worker session) is kept on the job as a JSON string (so cjson never reshapes it).
-- Returns {'ok', deadline}.
local id, now = ARGV[1], tonumber(ARGV[2])
local doc = load(id)
local refused = check_active(doc, ARGV[4], ARGV[5])
if refused then return refused end
doc.deadline = now + (tonumber(ARGV[3]) or doc.vis_ms)
if ARGV[6] and ARGV[6] ~= '' then doc.progress = ARGV[6] end
save(id, doc)
redis.call('ZADD', K_LEASES, lease_end(doc), id)
return {'ok', tostring(doc.deadline)}
