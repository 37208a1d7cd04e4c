"""Distributed crawls on scrapy-redis: many workers, one frontier, one result.

- `client`: the connection, a worker's name, a job's keys, the Lua scripts (`lua/`).
- `job`: a job published by the coordinator and read by workers; the Scrapy settings
  that make a crawl one of its workers; waiting for them; the clean-up.
- `scheduler`: the shared request queue and duplicate filter (scrapy-redis), batched.
- `state`: the focused crawl's state (frontier, budgets, in-flight counts) in Redis.
- `items`: workers' items to a Redis list; the coordinator's loader into the DB.
- `politeness`: the per-host download delay held across workers.
- `fetchlog`: how many URLs were fetched, and how many distinct ones.
- `idle`: quick idle checks on a job's crawl engine.
- `coordinator`: `prospector crawl --redis` and `prospector worker`.
"""
