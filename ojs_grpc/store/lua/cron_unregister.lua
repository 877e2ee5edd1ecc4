-- Remove one cron entry; jobs it generated stay. KEYS: defs, state, due. ARGV: name
local C_DEFS, C_STATE, C_DUE = KEYS[1], KEYS[2], KEYS[3]
local name = ARGV[1]
local def = redis.call('HGET', C_DEFS, name)
if not def then return {'not_found'} end
local st = redis.call('HGET', C_STATE, name) or '{}'
redis.call('HDEL', C_DEFS, name)
redis.call('HDEL', C_STATE, name)
redis.call('ZREM', C_DUE, name)
return {'ok', def, st}
