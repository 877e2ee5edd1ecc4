-- One consistent snapshot of a queue's counts and rolling metrics (semantics §10.4).
-- ARGV: now. Returns {paused_at|false, available, active, scheduled, retryable, dead,
--   completed_total, discarded_total, completed_last_hour, failed_last_hour,
--   duration_sum_ms_last_hour, wait_sum_ms_last_hour, completed_last_minute,
--   created_at|false, resumed_at|false, rate_limit|false}.
-- The last hour is the newest METRIC_SLOTS buckets (10 s each) including the current one;
-- the last minute the newest 6.
local now = tonumber(ARGV[1])
local current = math.floor(now / METRIC_BUCKET_MS)
local ch, fh, dh, wh, cm = 0, 0, 0, 0, 0
local slots = redis.call('HGETALL', K_METRICS)
for i = 2, #slots, 2 do
  local b, c, f, d, w = string.match(slots[i], '^(%d+):(%d+):(%d+):(%d+):(%d+)$')
  b = tonumber(b)
  if b and b <= current and b > current - METRIC_SLOTS then
    ch, fh = ch + tonumber(c), fh + tonumber(f)
    dh, wh = dh + tonumber(d), wh + tonumber(w)
    if b > current - 6 then cm = cm + tonumber(c) end
  end
end
local stats = redis.call('HMGET', K_STATS, 'completed', 'discarded', 'created_at', 'resumed_at',
  'rate_limit')
return {
  redis.call('GET', K_PAUSED),
  redis.call('ZCARD', K_AVAILABLE),
  redis.call('ZCARD', K_LEASES),
  redis.call('ZCARD', K_SCHEDULED),
  redis.call('ZCARD', K_RETRYABLE),
  redis.call('ZCARD', K_DEAD),
  tonumber(stats[1]) or 0,
  tonumber(stats[2]) or 0,
  ch, fh, dh, wh, cm,
  stats[3], stats[4], stats[5],
}
