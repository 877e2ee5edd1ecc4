-- Delete a dead-letter job for good. ARGV: id
local id = ARGV[1]
if not redis.call('ZSCORE', K_DEAD, id) then return {'not_found'} end
redis.call('ZREM', K_DEAD, id)
release_unique(id, load(id))
redis.call('HDEL', K_JOBS, id)
redis.call('HDEL', K_SPEC, id)
redis.call('HDEL', K_RESULT, id)
redis.call('HDEL', K_ERRORS, id)
return {'ok'}
