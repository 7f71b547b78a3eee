"""Vocabulary tables of the corpus generator: words, names and the imports generated code uses."""

from __future__ import annotations


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


SERVICES = (
    "svc_billing",
    "svc_accounts",
    "svc_auth",
    "svc_catalog",
    "svc_orders",
    "svc_search",
    "svc_notifications",
    "svc_reporting",
)
SHARED = "core"

NOUNS = _words(
    """
    account address invoice payment ledger user session token order cart item product price
    report metric event queue cache config client adapter handler schema policy rule job
    task worker scheduler notice email message webhook audit tenant profile permission role
    group customer vendor shipment refund coupon discount tax currency balance transfer
    statement document attachment upload export record batch snapshot index query result
    filter cursor page region store warehouse inventory stock subscription plan quota limit
    credential secret device channel template feature flag experiment
    """
)

VERBS = _words(
    """
    load save build compute validate parse render fetch sync apply resolve collect merge
    split normalize encode decode publish dispatch schedule refresh prune archive restore
    reconcile aggregate summarize format lookup register cancel approve reject notify
    estimate score
    """
)

CLASS_SUFFIXES = _words(
    """
    Service Repository Handler Client Manager Serializer Validator Policy Record Model Event
    Config Adapter Gateway Processor Builder Registry Store Schema View Result Error Request
    Response Job Snapshot
    """
)

# The empty suffix three times: most module names are a plain noun.
MODULE_SUFFIXES = (
    "",
    "",
    "",
    "_service",
    "_models",
    "_utils",
    "_api",
    "_repo",
    "_helpers",
    "_views",
    "_tasks",
    "_schemas",
    "_client",
    "_handlers",
    "_types",
    "_constants",
    "_validators",
    "_events",
    "_store",
)
SUBPACKAGES = _words(
    """
    api models services handlers utils tasks db schemas adapters clients domain internal
    jobs events validators serializers views management commands integrations storage
    workers pipelines policies reports exports v1 v2 admin webhooks notifications common
    helpers repositories graphql rest grpc cli monitoring caching
    """
)
RESERVED_DIRS = frozenset({"engine", "legacy", "chain", "tests", "factory", "compat"})
VAR_NAMES = _words(
    """
    result items payload record total count value data rows mapping key name entry batch
    options params response status summary parts lookup pending seen matched body limit
    offset cursor ids
    """
)
ATTRS = _words(
    """
    id name status amount created_at updated_at owner_id tenant_id kind region currency
    total is_active tags metadata priority version email
    """
)
EXOTIC_WORDS = ("naïve", "café", "Zürich", "façade", "coöperate", "résumé", "São Paulo", "Malmö")

# (key, import line, names it binds, expression templates: {a} a local, {n} an int, {s} a string)
STDLIB: tuple[tuple[str, str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("os", "import os", ("os",), ("os.path.join(str({a}), {s})", "os.environ.get({s}, str({a}))")),
    ("json", "import json", ("json",), ("json.dumps({a}, sort_keys=True, default=str)",)),
    (
        "re",
        "import re",
        ("re",),
        ('re.sub(r"\\s+", " ", str({a}))', 're.findall(r"[a-z_]+", str({a}))'),
    ),
    ("logging", "import logging", ("logging",), ()),
    ("time", "import time", ("time",), ("time.monotonic() - {n}",)),
    (
        "datetime",
        "from datetime import datetime, timedelta, timezone",
        ("datetime", "timedelta", "timezone"),
        ("datetime.now(timezone.utc) - timedelta(seconds={n})",),
    ),
    (
        "collections",
        "from collections import Counter, defaultdict",
        ("Counter", "defaultdict"),
        ("Counter({a})", "defaultdict(list)"),
    ),
    ("dataclasses", "from dataclasses import dataclass, field", ("dataclass", "field"), ()),
    ("typing", "from typing import Any, Optional", ("Any", "Optional"), ()),
    ("pathlib", "from pathlib import Path", ("Path",), ("Path(str({a})) / {s}",)),
    ("itertools", "import itertools", ("itertools",), ("list(itertools.islice({a}, {n}))",)),
    ("functools", "import functools", ("functools",), ()),
    ("hashlib", "import hashlib", ("hashlib",), ("hashlib.sha256(str({a}).encode()).hexdigest()",)),
    ("uuid", "import uuid", ("uuid",), ("uuid.uuid4().hex",)),
    ("enum", "from enum import Enum", ("Enum",), ()),
    ("asyncio", "import asyncio", ("asyncio",), ()),
    ("contextlib", "from contextlib import contextmanager", ("contextmanager",), ()),
    ("decimal", "from decimal import Decimal", ("Decimal",), ("Decimal(str({a}))",)),
    ("math", "import math", ("math",), ("math.ceil({n} / 3)", "math.isfinite(float({n}))")),
    ("copy", "import copy", ("copy",), ("copy.deepcopy({a})",)),
    ("operator", "import operator", ("operator",), ("sorted({a}, key=operator.itemgetter(0))",)),
    ("textwrap", "import textwrap", ("textwrap",), ("textwrap.shorten(str({a}), width={n})",)),
    ("base64", "import base64", ("base64",), ("base64.b64encode(str({a}).encode()).decode()",)),
    ("io", "import io", ("io",), ("io.StringIO(str({a}))",)),
    ("threading", "import threading", ("threading",), ("threading.Lock()",)),
    (
        "collections.abc",
        "from collections.abc import Iterable, Mapping, Sequence",
        ("Iterable", "Mapping", "Sequence"),
        (),
    ),
    (
        "urllib",
        "from urllib.parse import urlencode, urlparse",
        ("urlencode", "urlparse"),
        ("urlparse(str({a})).netloc",),
    ),
    ("http", "from http import HTTPStatus", ("HTTPStatus",), ("HTTPStatus.OK",)),
    ("statistics", "import statistics", ("statistics",), ("statistics.mean([{n}, {n}])",)),
    ("heapq", "import heapq", ("heapq",), ("heapq.nsmallest({n}, {a})",)),
    ("struct", "import struct", ("struct",), ('struct.pack(">I", {n})',)),
    ("sys", "import sys", ("sys",), ("sys.getsizeof({a})",)),
    ("warnings", "import warnings", ("warnings",), ()),
    ("abc", "from abc import ABC, abstractmethod", ("ABC", "abstractmethod"), ()),
)
THIRD_PARTY: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("import requests", ("requests",)),
    ("from pydantic import BaseModel, Field", ("BaseModel", "Field")),
    ("import sqlalchemy as sa", ("sa",)),
    ("from sqlalchemy.orm import Session", ("Session",)),
    ("import attr", ("attr",)),
    ("from celery import shared_task", ("shared_task",)),
    ("import structlog", ("structlog",)),
    ("from fastapi import APIRouter, Depends", ("APIRouter", "Depends")),
    ("import redis", ("redis",)),
    ("import yaml", ("yaml",)),
)
