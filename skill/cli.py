"""The ``secure-base`` command: serve, chat, validate, build-model, graph and export-package."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from skill.content import ContentError, Library
from skill.package import SSL_CERTIFICATE_TYPES
from skill.settings import Settings, SettingsError

PROG = "secure-base"


def _settings(args: argparse.Namespace, **overrides: Any) -> Settings:
    return Settings.from_env(os.environ, **overrides)


def _library(settings: Settings) -> Library:
    from skill.alexa import load_checked_library

    return load_checked_library(settings)


def cmd_validate(args: argparse.Namespace) -> int:
    settings = _settings(args)
    library = _library(settings)
    for content in library.all_contents():
        print(f"{content.locale}: {len(content.principles)} principles, {len(content.situations)} situations, "
              f"{len(content.pools)} dialog pools, {len(content.intents)} intents: OK")
    return 0


def cmd_build_model(args: argparse.Namespace) -> int:
    from skill.interaction_model import model_json, model_path, write_models

    settings = _settings(args)
    library = _library(settings)
    contents = [library.locales[name] for name in library.locale_names]
    if args.check:
        stale = [c.locale for c in contents
                 if not model_path(settings.model_dir, c.locale).is_file()
                 or model_path(settings.model_dir, c.locale).read_text(encoding="utf-8") != model_json(c)]
        if stale:
            print(f"{PROG}: interaction model out of date for {', '.join(stale)}; run '{PROG} build-model'",
                  file=sys.stderr)
            return 1
        print("interaction model is up to date")
        return 0
    for path in write_models(contents, settings.model_dir):
        print(f"wrote {path}")
    return 0


def cmd_graph(args: argparse.Namespace) -> int:
    from skill.dialogue.graph import mermaid
    from skill.dialogue.machine import default_machine

    sys.stdout.write(mermaid(default_machine()))
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    from skill.alexa import SkillRunner
    from skill.alexa.envelopes import Device
    from skill.chat import ChatError, InProcess, OverHttp, UtteranceMatcher, read_lines, run_chat
    from skill.interaction_model import model_path

    settings = _settings(args)
    path = model_path(settings.model_dir, args.locale)
    if not path.is_file():
        path = model_path(settings.model_dir, "en-US")
    matcher = UtteranceMatcher(json.loads(path.read_text(encoding="utf-8")))
    if args.url:
        transport: Any = OverHttp(args.url)
    else:
        runner = SkillRunner(_library(settings), id_salt=settings.id_salt, seed=settings.seed)
        transport = InProcess(runner.handle)
    interactive = sys.stdin.isatty()
    if interactive:
        print("Talk to Secure Base. Type what you would say to Alexa; Ctrl-D to leave.\n")
    lines = read_lines(sys.stdin, "You: " if interactive else None)
    try:
        return run_chat(lines, sys.stdout, transport, matcher, Device(locale=args.locale), verbose=args.verbose)
    except ChatError as exc:
        print(f"{PROG} chat: {exc}", file=sys.stderr)
        return 1


def cmd_serve(args: argparse.Namespace) -> int:
    from skill.web.app import build_verifier
    from skill.web.server import LOOPBACK, serve

    settings = _settings(args, dev=args.dev or None, host=args.host, port=args.port, workers=args.workers,
                         skill_ids=tuple(args.skill_id) or None)
    if not settings.dev and not settings.skill_ids:
        print(f"{PROG} serve: production mode needs your skill ID, to refuse requests meant for other skills. "
              f"Pass --skill-id amzn1.ask.skill.<...> (repeatable) or set SECURE_BASE_SKILL_IDS (comma-separated). "
              f"For local development run '{PROG} serve --dev' (or 'make serve').", file=sys.stderr)
        return 2
    build_verifier(settings)  # a bad CA bundle or timeout fails here, not in every worker
    library = _library(settings)
    if settings.dev:
        url = f"http://{LOOPBACK}:{settings.port}/alexa"
        print(f"WARNING: development mode: Alexa signature and timestamp checks are OFF; listening on loopback only.\n"
              f"Secure Base is listening on {url}\n"
              f"Talk to it from another terminal:  .venv/bin/{PROG} chat --url {url}\n", flush=True)
    else:
        print(f"Secure Base is listening on http://{settings.host}:{settings.port}/alexa with Alexa request "
              f"verification on, for skill ID(s) {', '.join(settings.skill_ids)}. Put a TLS-terminating proxy in "
              f"front of it (docs/deploy.md).", flush=True)
    serve(settings, library)
    return 0


def cmd_export_package(args: argparse.Namespace) -> int:
    from skill.package import export_package

    settings = _settings(args, endpoint_uri=args.endpoint_uri, ssl_certificate_type=args.ssl_certificate_type,
                         privacy_policy_url=args.privacy_policy_url)
    for path in export_package(_library(settings), settings, args.directory):
        print(f"wrote {path}")
    if not settings.privacy_policy_url:
        print("note: no privacy policy URL (SECURE_BASE_PRIVACY_POLICY_URL or --privacy-policy-url); "
              "certification for a health skill will ask for one", file=sys.stderr)
    print(f"next: cd {args.directory} && ask deploy")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description="Secure Base: an Alexa companion skill.")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the skill's HTTPS-ready endpoint (POST /alexa)")
    serve.add_argument("--dev", action="store_true", help="development: no signature checks, loopback only")
    serve.add_argument("--host", help="address to bind in production (default 0.0.0.0)")
    serve.add_argument("--port", type=int, help="port (default 5000)")
    serve.add_argument("--workers", type=int, help="worker processes (default 2)")
    serve.add_argument("--skill-id", action="append", default=[], help="accepted skill ID (repeatable)")
    serve.set_defaults(func=cmd_serve)

    chat = commands.add_parser("chat", help="talk to the skill in the terminal")
    chat.add_argument("--url", help="talk to a running server (e.g. http://127.0.0.1:5000/alexa) instead of in-process")
    chat.add_argument("--locale", default="en-US", help="request locale (default en-US)")
    chat.add_argument("--verbose", "-v", action="store_true", help="also show intents, cards and reprompts")
    chat.set_defaults(func=cmd_chat)

    validate = commands.add_parser("validate", help="check the content under content/")
    validate.set_defaults(func=cmd_validate)

    model = commands.add_parser("build-model", help="regenerate interaction_model/ from content/")
    model.add_argument("--check", action="store_true", help="only check that the committed model is current")
    model.set_defaults(func=cmd_build_model)

    graph = commands.add_parser("graph", help="print the dialogue state machine as a Mermaid diagram")
    graph.set_defaults(func=cmd_graph)

    package = commands.add_parser("export-package", help="write an ASK CLI skill package (for 'ask deploy') to DIR")
    package.add_argument("directory", type=Path, metavar="DIR", help="project directory to write")
    package.add_argument("--endpoint-uri", help="the skill's https:// endpoint or Lambda ARN "
                                                "(default SECURE_BASE_ENDPOINT_URI)")
    package.add_argument("--ssl-certificate-type", choices=SSL_CERTIFICATE_TYPES,
                         help="the endpoint's certificate (default SECURE_BASE_SSL_CERTIFICATE_TYPE or Trusted)")
    package.add_argument("--privacy-policy-url", help="privacy policy URL (default SECURE_BASE_PRIVACY_POLICY_URL)")
    package.set_defaults(func=cmd_export_package)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    level = os.environ.get("SECURE_BASE_LOG_LEVEL", "INFO").upper()
    logging.basicConfig(level=getattr(logging, level, logging.INFO), format="%(asctime)s %(levelname)s %(name)s %(message)s")
    try:
        return args.func(args)
    except ContentError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 2
    except SettingsError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
