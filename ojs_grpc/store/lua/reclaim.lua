-- Reclaim an expired lease: active -> available | retryable | discarded.
-- Applies only while the job is still active in the same attempt and its lease
-- has really ended, so a late ACK and the reclaim can never both win.
-- ARGV: id, now, expected_attempt, outcome, delay_ms, errors_json
local id, now = ARGV[1], tonumber(ARGV[2])
local doc = load(id)
if not doc then return {'not_found'} end
if doc.state ~= 'active' then return {'conflict', doc.state} end
if doc.attempt ~= tonumber(ARGV[3]) then return {'moved', tostring(doc.attempt)} end
if lease_end(doc) > now then return {'alive', tostring(lease_end(doc))} end
local encoded = apply_failure(id, doc, now, ARGV[4], tonumber(ARGV[5]), ARGV[6])
record_metrics(now, 0, 1, 0, 0)
return {'ok', encoded}
