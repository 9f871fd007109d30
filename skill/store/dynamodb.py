"""The scale-out store: one DynamoDB item per person, written with conditional puts.

Items: ``user_key`` (hash key), ``version`` (number), ``data`` (profile JSON text), ``updated_at``
and ``write_id``. The ``write_id`` tells a write that really failed from one whose reply was lost
and which botocore retried, so a retried write is never applied twice.
"""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from skill.store.base import Record, Store
from skill.store.errors import StoreError

T = TypeVar("T")

_CONDITION_FAILED = "ConditionalCheckFailedException"


class DynamoDbStore(Store):
    """Profiles in the DynamoDB table ``table``. Each call waits at most ``timeout_s`` per attempt."""

    def __init__(
        self,
        table: str,
        *,
        region: str | None = None,
        endpoint_url: str | None = None,
        timeout_s: float = 1.0,
        attempts: int = 2,
    ) -> None:
        super().__init__()
        self.table = table
        self._client_args: dict[str, Any] = {
            "region_name": region,
            "endpoint_url": endpoint_url,
            "config": Config(
                connect_timeout=timeout_s,
                read_timeout=timeout_s,
                retries={"max_attempts": attempts, "mode": "standard"},
            ),
        }
        self._client: Any = None
        self._client_pid: int | None = None
        self._client_lock = threading.Lock()

    def ping(self) -> None:
        status = self._call(lambda db: db.describe_table(TableName=self.table)["Table"]["TableStatus"])
        if status not in {"ACTIVE", "UPDATING"}:
            raise StoreError(f"DynamoDB table {self.table} is {status}")

    def close(self) -> None:
        """Drop the shared client (not closed here: other threads may still be using it)."""
        with self._client_lock:
            self._client = None

    def create_table(self) -> None:
        """Create the table (on-demand capacity) and wait until it is active: for development and tests."""

        def create(db: Any) -> None:
            db.create_table(
                TableName=self.table,
                KeySchema=[{"AttributeName": "user_key", "KeyType": "HASH"}],
                AttributeDefinitions=[{"AttributeName": "user_key", "AttributeType": "S"}],
                BillingMode="PAY_PER_REQUEST",
            )
            db.get_waiter("table_exists").wait(TableName=self.table, WaiterConfig={"Delay": 1, "MaxAttempts": 30})

        self._call(create)

    def _read(self, key: str) -> Record | None:
        item = self._get(key)
        return None if item is None else Record(int(item["version"]["N"]), item["data"]["S"])

    def _write(self, key: str, expected_version: int | None, data: str) -> bool:
        write_id = uuid.uuid4().hex
        item = {
            "user_key": {"S": key},
            "version": {"N": str(1 if expected_version is None else expected_version + 1)},
            "data": {"S": data},
            "updated_at": {"S": datetime.now(UTC).isoformat(timespec="seconds")},
            "write_id": {"S": write_id},
        }
        if expected_version is None:
            condition: dict[str, Any] = {"ConditionExpression": "attribute_not_exists(user_key)"}
        else:
            condition = {
                "ConditionExpression": "#version = :expected",
                "ExpressionAttributeNames": {"#version": "version"},
                "ExpressionAttributeValues": {":expected": {"N": str(expected_version)}},
            }
        try:
            self._call(lambda db: db.put_item(TableName=self.table, Item=item, **condition), reraise=_CONDITION_FAILED)
        except ClientError:
            stored = self._get(key)
            return stored is not None and stored.get("write_id", {}).get("S") == write_id
        return True

    def _delete(self, key: str) -> None:
        self._call(lambda db: db.delete_item(TableName=self.table, Key={"user_key": {"S": key}}))

    def _get(self, key: str) -> dict[str, Any] | None:
        reply = self._call(lambda db: db.get_item(TableName=self.table, Key={"user_key": {"S": key}}, ConsistentRead=True))
        return reply.get("Item")

    def _call(self, operation: Callable[[Any], T], reraise: str | None = None) -> T:
        """Run one DynamoDB call; every failure becomes :class:`StoreError` except the ``reraise`` code."""
        try:
            return operation(self._dynamodb())
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == reraise:
                raise
            raise StoreError(f"DynamoDB table {self.table}: {exc}") from exc
        except BotoCoreError as exc:
            raise StoreError(f"DynamoDB table {self.table}: {exc}") from exc

    def _dynamodb(self) -> Any:
        """The client for this process (botocore clients are thread-safe, but must not cross a fork)."""
        with self._client_lock:
            if self._client is None or self._client_pid != os.getpid():
                self._client = boto3.session.Session().client("dynamodb", **self._client_args)
                self._client_pid = os.getpid()
            return self._client
