"""`prospector outreach` (a site's pipeline status, with its history) and `prospector
drafts` (first messages, which set `drafted`): flags → store → one line."""

from __future__ import annotations

import argparse

from prospector.config.sources import outreach_values
from prospector.errors import ExitCode, InputError
from prospector.urls import registered_domain
from prospector.verify.command import open_existing


def outreach_target(text: str) -> tuple[str, str]:
    """(target, kind) of a DOMAIN or EMAIL argument, lower case; InputError otherwise."""
    target = text.strip().lower()
    if "@" in target:
        local, _, domain = target.rpartition("@")
        if local and "." in domain:
            return target, "email"
    else:
        domain = registered_domain(target.split("/")[2] if "://" in target else target)
        if domain:
            return domain, "domain"
    raise InputError(f"not a domain or email address: {text!r}")


def outreach_command(args: argparse.Namespace) -> int:
    target, kind = outreach_target(args.target)
    with open_existing(args.db) as store:
        if kind == "email":
            site = store.email_site(target)
            if site is None:
                raise InputError(f"no stored address {target} in {args.db}: give its site's "
                                 "domain instead")
        else:
            site = target
            if not store.has_site(site):
                raise InputError(f"unknown domain {site}: no such site in {args.db}")
        if args.status == "contacted":
            store.mark_contacted(target, kind, site, args.note)
        else:
            store.add_outreach_events([(site, target, args.status, args.note)])
        history = store.outreach_history(site)
    print(f"{site}: {args.status} ({len(history)} status changes recorded)")
    return ExitCode.OK


def drafts_command(args: argparse.Namespace) -> int:
    from prospector.outreach.drafts import load_template, make_drafts, out_folder, sender_from, write_drafts

    sender = sender_from(outreach_values(args.config), args.config)
    template = load_template(args.template)
    store = open_existing(args.db)
    try:
        out_folder(args.out)
    except InputError:
        store.close()
        raise
    with store:
        store.ensure_views()
        run = make_drafts(store, args.which, template, sender, args.limit)
        write_drafts(run, sender, args.out, args.format)
        store.add_outreach_events([(d.domain, d.to, "drafted", "prospector drafts")
                                   for d in run.drafts])
    print(run.line(args.out, args.format))
    return ExitCode.OK
