"""The sample web's mail: which of its domains accept mail and how their DNS says so,
each site's address pattern (the truth `prospector verify` and pattern inference are
measured against), and a real DNS server serving it: dnsmasq (Debian package) on a free
loopback port, with a small UDP server of our own for the answers that come too late
(dnsmasq answers local records at once and has no delay setting, so the slow domains
are forwarded to that server, which answers after `SLOW_SECONDS`).

dnsmasq flags from its manual (dnsmasq(8), 2.90): `--mx-host=name,target,pref` serves
an MX record (`target` "." and preference 0 is RFC 7505's null MX, checked with a
dnspython query: `MX 0 .`), `--host-record=name,addr` an A or AAAA record,
`--address=/name/` with no address answers NXDOMAIN, `--local=/test/` answers every
other name under .test from local data only (NXDOMAIN, never forwarded), and
`--server=/name/ip#port` forwards that name to another server.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType
from typing import Self

import dns.message
import dns.query
import dns.rcode
import dns.rdatatype
import dns.rrset

from .contacts import ROLES, WEBMAIL
from .model import SampleWeb, Site

# How a domain's DNS answers for mail, and what that means (True accepts mail, False
# accepts none, None: nobody can tell in time).
SETUPS: dict[str, bool | None] = {
    "mx": True,          # MX records naming a mail host
    "a_only": True,      # no MX, an A record: RFC 5321 5.1 mails the host itself
    "aaaa_only": True,   # no MX, no A, an AAAA record: the same over IPv6
    "null_mx": False,    # RFC 7505 "MX 0 .": this domain accepts no mail
    "nxdomain": False,   # the domain does not exist
    "slow": None,        # the answer comes after any sane resolver timeout
}
# How many of the sites with an address of their own get each setup other than mx:
# enough of each for the measures to mean something, the rest answer MX.
SPECIAL_SETUPS = (("null_mx", 3), ("nxdomain", 2), ("a_only", 2), ("aaaa_only", 1),
                  ("slow", 2))
SLOW_SECONDS = 4.0
# Addresses that name a function, not a person, on the sample web (contacts.ROLES and
# the deal pages' ones): they carry no pattern.
ROLE_LOCALS = frozenset(ROLES) | {"ads", "partners", "press"}


def _own_addresses(site: Site) -> list[str]:
    return sorted(e.lower() for e in site.emails if e.lower().endswith("@" + site.domain))


def address_pattern(site: Site) -> str | None:
    """The pattern of the site's personal addresses a crawler can find: contacts._address
    writes the owner's as first or first.last on the site's domain; None when the site
    shows none (roles only, a webmail address, nothing, or robots shut it)."""
    for address in _own_addresses(site):
        local = address.split("@")[0]
        if local not in ROLE_LOCALS:
            return "first.last" if "." in local else "first"
    return None


def mail_setups(web: SampleWeb) -> dict[str, str]:
    """Every mail domain of the sample web (site domains and the webmail providers its
    addresses use) with its setup. Stable for a seed: chosen by hash among the sites
    that publish an address of their own."""
    setups = {s.domain: "mx" for s in web.sites}
    setups.update({d: "mx" for d in WEBMAIL})
    publishing = sorted((s.domain for s in web.sites if _own_addresses(s)),
                        key=lambda d: hashlib.sha256(f"{web.seed}:{d}".encode()).hexdigest())
    for setup, count in SPECIAL_SETUPS:
        for domain in publishing[:count]:
            setups[domain] = setup
        publishing = publishing[count:]
    return dict(sorted(setups.items()))


def accepts_mail(setup: str) -> bool | None:
    return SETUPS[setup]


# -- the DNS server ------------------------------------------------------------------------

def dnsmasq_conf(setups: dict[str, str], slow_port: int, log: Path) -> str:
    """dnsmasq configuration serving `setups` (domain -> setup name)."""
    lines = [f"local=/{tld}/" for tld in sorted({d.rsplit(".", 1)[-1] for d in setups})]
    lines += ["log-queries", f"log-facility={log}", "cache-size=0"]
    for domain, setup in setups.items():
        if setup == "mx":
            lines += [f"mx-host={domain},mx1.{domain},10", f"mx-host={domain},mx2.{domain},20",
                      f"host-record=mx1.{domain},127.0.0.25", f"host-record={domain},127.0.0.80"]
        elif setup == "null_mx":
            lines += [f"mx-host={domain},.,0", f"host-record={domain},127.0.0.80"]
        elif setup == "a_only":
            lines.append(f"host-record={domain},127.0.0.81")
        elif setup == "aaaa_only":
            lines.append(f"host-record={domain},::1")
        elif setup == "nxdomain":
            lines.append(f"address=/{domain}/")
        elif setup == "slow":
            lines.append(f"server=/{domain}/127.0.0.1#{slow_port}")
    return "\n".join(lines) + "\n"


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class UdpDnsServer:
    """A DNS server of our own on a free loopback UDP port, for answers dnsmasq cannot
    give (late ones here; changing ones in the rebinding tests). Subclasses say what to do
    with each query in `_handle`; a context manager."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = int(self.sock.getsockname()[1])
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def start(self) -> Self:
        self._thread.start()
        return self

    def _serve(self) -> None:
        while True:
            try:
                data, peer = self.sock.recvfrom(4096)
            except OSError:
                return  # closed
            self._handle(data, peer)

    def _handle(self, data: bytes, peer: tuple[str, int]) -> None:
        raise NotImplementedError

    def _send(self, reply: dns.message.Message, peer: tuple[str, int]) -> None:
        with contextlib.suppress(OSError):  # closed meanwhile: no answer, as a lost packet
            self.sock.sendto(reply.to_wire(), peer)

    def close(self) -> None:
        self.sock.close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()


class SlowServer(UdpDnsServer):
    """Answers every query with an MX record, `delay` seconds late."""

    def __init__(self, delay: float = SLOW_SECONDS) -> None:
        super().__init__()
        self.delay = delay
        self.received = 0

    def _handle(self, data: bytes, peer: tuple[str, int]) -> None:
        self.received += 1
        threading.Timer(self.delay, self._answer, (data, peer)).start()

    def _answer(self, data: bytes, peer: tuple[str, int]) -> None:
        try:
            query = dns.message.from_wire(data)
        except dns.exception.DNSException:
            return  # a query we cannot read: no answer, as a lost packet
        reply = dns.message.make_response(query)
        name = query.question[0].name
        if query.question[0].rdtype == dns.rdatatype.MX:
            reply.answer.append(dns.rrset.from_text(name, 60, "IN", "MX", f"10 mx1.{name}"))
        self._send(reply, peer)


class DnsServer:
    """dnsmasq on a free loopback port serving `setups`, plus the slow server; a
    context manager. `queries()` counts the queries dnsmasq received (its query log)."""

    def __init__(self, setups: dict[str, str], binary: str | None = None) -> None:
        found = binary or shutil.which("dnsmasq") or (
            "/usr/sbin/dnsmasq" if Path("/usr/sbin/dnsmasq").exists() else None)
        if found is None:
            raise FileNotFoundError("dnsmasq is not installed (Debian package dnsmasq-base)")
        self.binary = found
        self.setups = setups
        self.folder = Path(tempfile.mkdtemp(prefix="prospector-dns-"))
        self.log = self.folder / "queries.log"
        self.slow = SlowServer()
        self.port = 0
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> Self:
        self.slow.start()
        conf = self.folder / "dnsmasq.conf"
        conf.write_text(dnsmasq_conf(self.setups, self.slow.port, self.log))
        for _ in range(5):  # a free port can be taken between the probe and the bind
            self.port = free_udp_port()
            command = [self.binary, "--no-daemon", "--no-resolv", "--no-hosts",
                       f"--port={self.port}", "--listen-address=127.0.0.1",
                       "--bind-interfaces", f"--conf-file={conf}", "--pid-file="]
            if os.geteuid() == 0:
                command.append("--user=root")  # else it drops to a user who cannot write the log
            self._proc = subprocess.Popen(command, stdout=subprocess.DEVNULL,
                                          stderr=subprocess.PIPE)
            if self._ready():
                return self
            self._stop_proc()
        raise RuntimeError(f"dnsmasq did not start: {self._error()}")

    def _ready(self) -> bool:
        probe = dns.message.make_query("ready.invalid.test.", "A")
        for _ in range(100):
            if self._proc is None or self._proc.poll() is not None:
                return False
            try:
                dns.query.udp(probe, "127.0.0.1", port=self.port, timeout=0.1)
                return True
            except (OSError, dns.exception.Timeout):
                time.sleep(0.05)
        return False

    def _error(self) -> str:
        if self._proc is None or self._proc.stderr is None:
            return "no process"
        return self._proc.stderr.read().decode("utf-8", "replace").strip()[-300:]

    def queries(self, names: Iterable[str] | None = None) -> int:
        """Queries received so far (for `names` only, when given)."""
        time.sleep(0.2)  # dnsmasq writes its log line after answering
        wanted = {n.lower().rstrip(".") for n in names} if names is not None else None
        count = 0
        text = self.log.read_text("utf-8", "replace") if self.log.exists() else ""
        for line in text.splitlines():
            if "query[" not in line or "ready.invalid.test" in line:
                continue
            name = line.split("] ", 1)[1].split(" from ", 1)[0] if "] " in line else ""
            if wanted is None or name.lower() in wanted:
                count += 1
        return count

    def _stop_proc(self) -> None:
        if self._proc is not None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
            if self._proc.stderr is not None:
                self._proc.stderr.close()
            self._proc = None

    def stop(self) -> None:
        self._stop_proc()
        self.slow.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()
