"""Crawl logging (prospector.crawl.logs): records below --log-level are not built."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from prospector.crawl.logs import skip_unshown_records


@pytest.fixture
def scrapy_logger() -> Iterator[logging.Logger]:
    logger, root = logging.getLogger("scrapy"), logging.getLogger()
    before = logger.level, root.level
    root.setLevel(logging.NOTSET)  # as Scrapy's configure_logging leaves the root logger
    yield logger
    logger.setLevel(before[0])
    root.setLevel(before[1])


@pytest.mark.parametrize(("level", "debug_built", "info_built"), [
    ("INFO", False, True),
    ("info", False, True),
    ("WARNING", False, False),
    (logging.ERROR, False, False),
    ("DEBUG", True, True),  # everything asked for is still built
    ("NOT-A-LEVEL", True, True),  # Scrapy says what is wrong with it; nothing changes here
])
def test_scrapy_records_below_the_level_are_not_built(
        scrapy_logger: logging.Logger, level: str | int, debug_built: bool,
        info_built: bool) -> None:
    scrapy_logger.setLevel(logging.NOTSET)  # as Scrapy leaves it
    skip_unshown_records(level)
    page_logger = logging.getLogger("scrapy.core.scraper")  # "Scraped from <200 ...>"
    assert page_logger.isEnabledFor(logging.DEBUG) is debug_built
    assert page_logger.isEnabledFor(logging.INFO) is info_built


@pytest.mark.parametrize("name", ["parse", "failed", "skipped", "dropped", "parse_sitemap",
                                  "sitemap_failed", "parse_feed", "feed_failed"])
def test_no_callback_is_a_generator_returning_a_value(name: str) -> None:
    """What Scrapy's WARN_ON_GENERATOR_RETURN_VALUE looked for on every call, switched off
    in the crawl's settings for its cost: checked here once instead."""
    from scrapy.utils.misc import is_generator_with_return_value

    from prospector.crawl import settings
    from prospector.crawl.spider import ProspectSpider

    assert settings.WARN_ON_GENERATOR_RETURN_VALUE is False
    assert not is_generator_with_return_value(getattr(ProspectSpider, name))
