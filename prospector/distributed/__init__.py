"""Distributed crawling on scrapy-redis: several workers share one frontier, one
scheduler queue and per-site politeness in Redis; the coordinator loads their items."""
