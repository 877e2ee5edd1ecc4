-- Extend the lease of an active job. ARGV: id, now, extend_ms|'', lease_token|'', worker_id|''
-- An empty extend_ms extends by the job's own visibility timeout. Returns {'ok', deadline}.
local id, now = ARGV[1], tonumber(ARGV[2])
local doc = load(id)
local refused = check_active(doc, ARGV[4], ARGV[5])
if refused then return refused end
doc.deadline = now + (tonumber(ARGV[3]) or doc.vis_ms)
save(id, doc)
redis.call('ZADD', K_LEASES, lease_end(doc), id)
return {'ok', tostring(doc.deadline)}
