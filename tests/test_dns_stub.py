"""The guard's DNS stub (prospector.crawl.dns_stub) against real DNS servers on loopback:
dnsmasq for plain answers, and a UDP server of our own that loses the first copies of
each question, answers late, or says SERVFAIL, as real resolvers do under load."""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import dns.message
import dns.rcode
import dns.rdatatype
import dns.rrset
import pytest

from prospector.crawl.dns_stub import (
    RESEND_AFTER_S,
    StubResolver,
    parse_hosts,
    parse_nameservers,
    plain_hosts_line,
    system_stub,
)
from prospector.crawl.lookups import Answer
from prospector.sampleweb.mail import UdpDnsServer
from tests.dns_server import start_dns

RECORDS = {  # name → its records (type, text); names not here are NXDOMAIN
    "bees.test": [("A", "93.184.216.34"), ("AAAA", "2606:2800:220:1::1")],
    "www.bees.test": [("CNAME", "bees.test.")],
    "v6only.test": [("AAAA", "2606:2800:220:1::2")],
    "mx-only.test": [("MX", "10 mail.mx-only.test.")],
}


class ScriptedServer(UdpDnsServer):
    """Answers from RECORDS; loses the first `lose` copies of each question, answers
    `late` s late, or says `rcode` instead (SERVFAIL, REFUSED). Counts each question."""

    def __init__(self, lose: int = 0, late: float = 0.0, rcode: int | None = None) -> None:
        super().__init__()
        self.lose, self.late, self.rcode = lose, late, rcode
        self.asked: Counter[tuple[str, str]] = Counter()
        self.lock = threading.Lock()

    @property
    def where(self) -> tuple[str, int]:
        return ("127.0.0.1", self.port)

    def _handle(self, data: bytes, peer: tuple[str, int]) -> None:
        query = dns.message.from_wire(data)
        question = query.question[0]
        key = (str(question.name).rstrip("."), dns.rdatatype.to_text(question.rdtype))
        with self.lock:
            self.asked[key] += 1
            if self.asked[key] <= self.lose:
                return  # lost
        threading.Timer(self.late, self._send, (self._reply(query, *key), peer)).start()

    def _reply(self, query: dns.message.Message, name: str, kind: str) -> dns.message.Message:
        reply = dns.message.make_response(query)
        if self.rcode is not None:
            reply.set_rcode(dns.rcode.Rcode(self.rcode))
        elif name not in RECORDS:
            reply.set_rcode(dns.rcode.NXDOMAIN)
        else:
            for rtype, text in RECORDS[name]:
                if rtype in (kind, "CNAME"):
                    reply.answer.append(dns.rrset.from_text(f"{name}.", 60, "IN", rtype, text))
                if rtype == "CNAME":  # the target's records in the same reply, as resolvers do
                    target = text.rstrip(".")
                    reply.answer += [dns.rrset.from_text(text, 60, "IN", t, v)
                                     for t, v in RECORDS[target] if t == kind]
        return reply


@pytest.fixture
def server(request: pytest.FixtureRequest) -> Iterator[ScriptedServer]:
    with ScriptedServer(**getattr(request, "param", {})) as running:
        yield running


def look_up(stub: StubResolver, host: str, timeout: float = 2.0, both: bool = True
            ) -> tuple[Answer, float]:
    began = time.monotonic()
    answer = asyncio.run(stub.look_up(host, timeout, both))
    return answer, time.monotonic() - began


@pytest.mark.parametrize(("host", "both", "expected", "questions"), [
    ("bees.test", True, ["93.184.216.34", "2606:2800:220:1::1"], {"A", "AAAA"}),
    ("bees.test", False, ["93.184.216.34"], {"A"}),  # direct: connected over IPv4
    ("v6only.test", False, ["2606:2800:220:1::2"], {"A", "AAAA"}),  # no A: AAAA asked
    ("www.bees.test", False, ["93.184.216.34"], {"A"}),  # the CNAME followed
    ("mx-only.test", True, [], {"A", "AAAA"}),  # the name exists, no address
    ("gone.test", True, [], {"A"}),  # NXDOMAIN: no AAAA either (RFC 8020)
    ("Bees.TEST.", False, ["93.184.216.34"], {"A"}),
])
def test_answers_as_getaddrinfo_would(server: ScriptedServer, host: str, both: bool,
                                      expected: list[str], questions: set[str]) -> None:
    answer, _ = look_up(StubResolver((server.where,)), host, both=both)
    assert answer == expected
    name = host.lower().rstrip(".")
    assert {kind for (asked, kind) in server.asked if asked == name} == questions
    assert all(count == 1 for count in server.asked.values())  # nothing sent twice


@pytest.mark.parametrize("server", [{"lose": 2}], indirect=True)
def test_a_lost_question_is_sent_again_within_a_fraction_of_a_second(
        server: ScriptedServer) -> None:
    stub = StubResolver((server.where,))
    answer, took = look_up(stub, "bees.test", both=False)
    assert stub.counts == {"questions": 1, "copies": 3}  # (the crawl's DNS stats)
    print(f"\ntwo copies lost: answered in {took * 1000:.0f} ms "
          f"(glibc's first retry: 1-5 s)")
    assert answer == ["93.184.216.34"] and server.asked[("bees.test", "A")] == 3
    assert RESEND_AFTER_S[1] <= took < 1.0


@pytest.mark.parametrize("server", [{"late": 0.25}], indirect=True)
def test_a_late_answer_to_an_earlier_copy_is_taken(server: ScriptedServer) -> None:
    """The resolver takes 0.25 s (an uncached name): copies go out at 0, 0.1 and 0.2 s,
    and the first copy's answer, at 0.25 s, ends the lookup. Were each copy dropped
    when the next goes out, the first answer kept would be the 0.4-s copy's, at 0.65 s."""
    answer, took = look_up(StubResolver((server.where,)), "bees.test", both=False)
    assert answer == ["93.184.216.34"] and took < 0.6
    assert server.asked[("bees.test", "A")] in (3, 4)  # (a fourth at 0.4 s on a slow machine)


@pytest.mark.parametrize("server", [{"lose": 99}], indirect=True)
def test_no_answer_in_time_is_none(server: ScriptedServer) -> None:
    stub = StubResolver((server.where,))
    answer, took = look_up(stub, "bees.test", timeout=0.5)
    assert answer is None and 0.5 <= took < 1.0
    assert stub.counts["unanswered"] == 2  # A, then AAAA (no NXDOMAIN said otherwise)
    assert server.asked[("bees.test", "A")] == 1 + sum(at < 0.5 for at in RESEND_AFTER_S)


@pytest.mark.parametrize("server", [{"rcode": dns.rcode.SERVFAIL}], indirect=True)
def test_a_server_failure_tries_the_next_nameserver(server: ScriptedServer) -> None:
    with ScriptedServer() as good:
        answer, _ = look_up(StubResolver((server.where, good.where)), "bees.test", both=False)
    assert answer == ["93.184.216.34"]
    assert server.asked[("bees.test", "A")] == 1 and good.asked[("bees.test", "A")] == 1


def test_a_name_in_the_hosts_file_is_not_asked(server: ScriptedServer) -> None:
    stub = StubResolver((server.where,), {"bees.test": ("10.0.0.7",)})
    assert look_up(stub, "BEES.test.")[0] == ["10.0.0.7"] and not server.asked


def test_a_real_dnsmasq_answers_a_aaaa_and_nxdomain() -> None:
    server = start_dns({"a.bees.test": "a_only", "six.bees.test": "aaaa_only",
                        "gone.bees.test": "nxdomain"})
    try:
        host, port = server.address.rsplit(":", 1)
        stub = StubResolver(((host, int(port)),))
        assert look_up(stub, "a.bees.test", both=False)[0] == ["127.0.0.81"]
        assert look_up(stub, "six.bees.test", both=False)[0] == ["::1"]
        assert look_up(stub, "gone.bees.test")[0] == []
        assert server.queries(["gone.bees.test"]) == 1  # A only: NXDOMAIN holds for AAAA
    finally:
        server.stop()


@pytest.mark.parametrize(("text", "expected"), [
    ("nameserver 10.0.0.2\nnameserver ::1\n", (("10.0.0.2", 53), ("::1", 53))),
    ("# comment\nsearch corp.example\nnameserver 10.0.0.2 # here\n", (("10.0.0.2", 53),)),
    ("nameserver resolver.example\nnameserver 10.0.0.3\n", (("10.0.0.3", 53),)),
    ("nameserver 1.1.1.1\nnameserver 1.0.0.1\nnameserver 8.8.8.8\nnameserver 8.8.4.4\n",
     (("1.1.1.1", 53), ("1.0.0.1", 53), ("8.8.8.8", 53))),  # glibc reads three
    ("options use-vc\nnameserver 10.0.0.2\n", None),  # TCP only: left to getaddrinfo
    ("", ()),
])
def test_parse_nameservers(text: str, expected: tuple[tuple[str, int], ...] | None) -> None:
    assert parse_nameservers(text) == expected


def test_parse_hosts() -> None:
    text = ("127.0.0.1 localhost\n10.0.0.7  Bees.test bees-alias # ours\n"
            "::1 localhost ip6-localhost\nnot-an-address name\n10.0.0.8 bees.test.\n")
    assert parse_hosts(text) == {"localhost": ("127.0.0.1", "::1"),
                                 "bees.test": ("10.0.0.7", "10.0.0.8"),
                                 "bees-alias": ("10.0.0.7",), "ip6-localhost": ("::1",)}


@pytest.mark.parametrize(("line", "plain"), [
    ("hosts:          files dns", True),
    ("hosts: files dns # default", True),
    ("hosts: files mdns4_minimal [NOTFOUND=return] dns", False),
    ("hosts: files resolve [!UNAVAIL=return] dns", False),
    ("hosts: dns files", False),
    ("hosts: files dns myhostname", False),
    ("passwd: files", False),  # no hosts line: glibc asks DNS first
])
def test_plain_hosts_line(line: str, plain: bool) -> None:
    assert plain_hosts_line(f"passwd: files\n{line}\n") is plain


def test_system_stub_reads_etc(tmp_path: Path) -> None:
    (tmp_path / "nsswitch.conf").write_text("hosts: files dns\n")
    (tmp_path / "resolv.conf").write_text("nameserver 10.0.0.2\n")
    (tmp_path / "hosts").write_text("10.0.0.9 intranet.test\n")
    stub = system_stub(tmp_path)
    assert stub is not None and stub.servers == (("10.0.0.2", 53),)
    assert stub.hosts == {"intranet.test": ("10.0.0.9",)}
    (tmp_path / "hosts").unlink()
    assert system_stub(tmp_path) is not None
    (tmp_path / "nsswitch.conf").write_text("hosts: files mdns4_minimal dns\n")
    assert system_stub(tmp_path) is None  # mDNS: getaddrinfo stays
    (tmp_path / "nsswitch.conf").write_text("hosts: files dns\n")
    (tmp_path / "resolv.conf").write_text("search corp.example\n")
    assert system_stub(tmp_path) is None  # no nameserver
    (tmp_path / "resolv.conf").unlink()
    assert system_stub(tmp_path) is None
