-- NACK: active -> retryable | available (requeue) | discarded (+ dead letter).
-- The outcome was decided by the service layer from the attempt it read; the
-- script applies it only if the job is still in that attempt.
-- ARGV: id, now, expected_attempt, outcome, delay_ms, errors_json, lease_token|'', worker_id|''
local id, now = ARGV[1], tonumber(ARGV[2])
local doc = load(id)
local refused = check_active(doc, ARGV[7], ARGV[8])
if refused then return refused end
if doc.attempt ~= tonumber(ARGV[3]) then return {'moved', tostring(doc.attempt)} end
local encoded = apply_failure(id, doc, now, ARGV[4], tonumber(ARGV[5]), ARGV[6])
record_metrics(now, 0, 1, 0, 0)
return {'ok', encoded}
