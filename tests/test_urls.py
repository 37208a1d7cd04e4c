from __future__ import annotations

import pytest

from prospector.urls import canonicalize, registered_domain, same_site, site_root


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("http://www.bee-forum.test/viewtopic.php?t=1", "bee-forum.test"),
        ("https://blog.honey.co.uk/x", "honey.co.uk"),
        ("http://BEE-FORUM.TEST./", "bee-forum.test"),
        ("bee-forum.test", "bee-forum.test"),
        ("http://127.0.0.1:8080/", ""),
        ("http://co.uk/", ""),
        ("not a url", ""),
        ("http://[::1]/", ""),
    ],
)
def test_registered_domain(value: str, expected: str) -> None:
    assert registered_domain(value) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTP://Example.COM", "http://example.com/"),
        ("http://example.com:80/a#frag", "http://example.com/a"),
        ("https://example.com:443/a?b=1", "https://example.com/a?b=1"),
        ("http://example.com:8080/a", "http://example.com:8080/a"),
        ("http://bee-forum.test/viewtopic.php?f=2&t=9", "http://bee-forum.test/viewtopic.php?f=2&t=9"),
    ],
)
def test_canonicalize(url: str, expected: str) -> None:
    assert canonicalize(url) == expected
    assert canonicalize(canonicalize(url)) == canonicalize(url)


def test_same_site_and_root() -> None:
    assert same_site("http://www.a.test/x", "https://forum.a.test/")
    assert not same_site("http://a.test/", "http://b.test/")
    assert site_root("http://www.a.test/x/y?z=1#f") == "http://www.a.test/"


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("beesinmygarden.blogspot.com", "beesinmygarden.blogspot.com"),
        ("honeynotes.wordpress.com", "honeynotes.wordpress.com"),
        ("www.hivenews.substack.com", "hivenews.substack.com"),
        ("someone.github.io", "someone.github.io"),
        ("www.facebook.com", "facebook.com"),
    ],
)
def test_hosted_blogs_are_separate_sites(host: str, expected: str) -> None:
    assert registered_domain(host) == expected
