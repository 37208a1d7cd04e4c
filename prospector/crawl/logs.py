"""Crawl logging for people and schedulers: each record one line.

Scrapy components log expected network faults (a robots.txt that cannot be fetched,
a refused connection) with full tracebacks; those are facts about a site, recorded as
the site's reason in the DB, not program errors."""

from __future__ import annotations

import logging


class OneLineRecords(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            record.msg = f"{record.getMessage()} ({type(error).__name__}: {error})"
            record.args = None
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        return True


def one_line_logs() -> None:
    """Attach the filter to every root handler (Scrapy installs its own)."""
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, OneLineRecords) for f in handler.filters):
            handler.addFilter(OneLineRecords())


def skip_unshown_records(level: str | int) -> None:
    """Scrapy leaves its loggers at NOTSET and filters at its handler: below --log-level,
    each page's DEBUG lines ("Crawled (200)", "Scraped from") were still built as records
    and thrown away (3 % of the crawl's busy thread on the bulk sample web). Its loggers
    now stop them first."""
    number = logging.getLevelName(level.upper()) if isinstance(level, str) else level
    if isinstance(number, int) and number > logging.DEBUG:
        logging.getLogger("scrapy").setLevel(number)
