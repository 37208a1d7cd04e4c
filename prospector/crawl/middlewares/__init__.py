"""The crawl's Scrapy components that sit between the engine and the network:
the address guard (50), robots.txt (100), the proxy (740) and the duplicate filter."""
