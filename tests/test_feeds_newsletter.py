"""A newsletter's sign-up URL and stated readers (extract/newsletter.py), as tables."""

from __future__ import annotations

import pytest

from prospector.extract.newsletter import newsletter_facts, signup_url, subscriber_count


@pytest.mark.parametrize(("text", "want"), [
    ("Join 12,000 readers every Sunday.", 12000),
    ("Over 4.5k subscribers read it.", 4500),
    ("Join 1.2M readers", 1_200_000),
    ("12 000 readers and counting", 12000),
    ("Read by 870 curious readers.", 870),
    ("join 3,400 fellow subscribers", 3400),
    ("Our 50 beekeepers met in 2024.", None),       # no audience word
    ("Price: 12,000 USD", None),
    ("Subscribe to our newsletter", None),
    ("5 readers", None),                           # too few to be a count
    ("Join 4,200 readers. Now 5,100 subscribers!", 5100),  # the largest stated
])
def test_subscriber_count(text: str, want: int | None) -> None:
    assert subscriber_count(text) == want


@pytest.mark.parametrize(("markup", "want"), [
    ('<form class="newsletter-signup" action="/subscribe" method="post">'
     '<input type="email" name="email"><button>Subscribe</button></form>',
     "http://b.test/subscribe"),
    ('<form action="https://b.us1.list-manage.com/subscribe/post?u=1&amp;id=2">'
     '<input name="EMAIL"> Join the list</form>',
     "https://b.us1.list-manage.com/subscribe/post?u=1&id=2"),
    ('<form action="/search"><input type="text" name="q"></form>', ""),  # not a sign-up
    ('<form action="/comment"><input type="email" name="email"><textarea></textarea></form>', ""),
    ('<a href="https://bees.substack.com/subscribe">Subscribe</a>',
     "https://bees.substack.com/subscribe"),
    ('<a href="/about">About</a><a href="javascript:alert(1)">x</a>', ""),
])
def test_signup_url(markup: str, want: str) -> None:
    assert signup_url("http://b.test/", markup) == want


def test_facts_of_a_page() -> None:
    facts = newsletter_facts("http://b.test/", b"<h1>Bee Dispatch</h1><p>Join 5,500 readers."
                             b'</p><a href="/subscribe">Subscribe</a>', "b.test")
    assert (facts.signup_url, facts.subscribers, facts.site) == (
        "http://b.test/subscribe", 5500, "b.test")
