-- GET /healthz: the HTTP ceiling of the collector (no body parsing, no store), the baseline
-- the ingestion runs are compared with. Usage: wrk ... -s healthz.lua http://HOST:PORT/healthz
dofile("report.lua")
