-- Insert a new job. ARGV: id, now, doc_json, spec_json
-- doc.state is 'available', 'scheduled' (due at doc.scheduled_at) or 'pending'.
local id, now = ARGV[1], tonumber(ARGV[2])
if redis.call('HEXISTS', K_JOBS, id) == 1 then return {'duplicate'} end
local doc = cjson.decode(ARGV[3])
redis.call('HSET', K_SPEC, id, ARGV[4])
if doc.state == 'available' then
  make_available(id, doc, now)
elseif doc.state == 'scheduled' then
  redis.call('ZADD', K_SCHEDULED, doc.scheduled_at, id)
end
save(id, doc)
return {'ok', cjson.encode(doc)}
