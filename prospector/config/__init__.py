"""Configuration: one typed `Config` (model), built from flags, the TOML file and the
environment (sources), turned into Scrapy settings at one priority (scrapy)."""

from prospector.config.model import Config

__all__ = ["Config"]
