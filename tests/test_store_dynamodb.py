"""The DynamoDB store against moto: the shared contract, plus lost replies, timeouts and failures."""

from __future__ import annotations

import socket
import threading
import time

import pytest
from botocore.exceptions import ClientError
from moto import mock_aws
from moto.dynamodb.models import DynamoDBBackend

from skill.settings import Settings
from skill.store import StoreError, open_store
from skill.store.dynamodb import DynamoDbStore

pytest.register_assert_rewrite("tests.store_contract")  # readable failures from the shared contract
from tests.store_contract import KEY, StoreContract, increment  # noqa: E402

TABLE = "secure-base-test"


FAKE_ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_CONFIG_FILE": "/nonexistent",
    "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
    "AWS_EC2_METADATA_DISABLED": "true",
}
CLEARED_ENVIRONMENT = ("AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION")


@pytest.fixture(scope="module", autouse=True)
def aws():
    """moto for the whole module, with fake credentials so boto3 never reaches a real account.
    Requests to other endpoints (the failure tests below) pass through moto untouched.

    DynamoDB applies a conditional put atomically; moto checks and writes in separate Python steps,
    so threads can interleave between them. A lock restores DynamoDB's guarantee for the thread test.
    """
    original, lock = DynamoDBBackend.put_item, threading.Lock()

    def atomic_put_item(self, *args, **kwargs):
        with lock:
            return original(self, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        for name, value in FAKE_ENVIRONMENT.items():
            patch.setenv(name, value)
        for name in CLEARED_ENVIRONMENT:
            patch.delenv(name, raising=False)
        patch.setattr(DynamoDBBackend, "put_item", atomic_put_item)
        with mock_aws():
            yield


@pytest.fixture(scope="module")
def shared_store():
    """One store (and botocore client) for the module: building a client costs about 50 ms."""
    return DynamoDbStore(TABLE, region="eu-west-1")


@pytest.fixture
def store(shared_store):
    shared_store.create_table()
    yield shared_store
    shared_store._call(lambda db: db.delete_table(TableName=TABLE))


class TestDynamoDbStore(StoreContract):
    pass


def test_open_store_builds_a_dynamodb_store_from_settings():
    settings = Settings(store="dynamodb", dynamodb_table="t", dynamodb_region="eu-west-1")
    store = open_store(settings)
    assert isinstance(store, DynamoDbStore)
    assert store.table == "t"


def test_a_write_whose_reply_was_lost_and_retried_is_applied_once(store, monkeypatch):
    """botocore retried a put that had succeeded; the retry fails its condition. Not a conflict."""
    store.update(KEY, increment)
    real_call = store._call

    def lost_reply(operation, reraise=None):
        result = real_call(operation, reraise)
        if reraise is not None:
            raise ClientError({"Error": {"Code": reraise, "Message": "retried"}}, "PutItem")
        return result

    conflicts = store.conflicts_retried
    monkeypatch.setattr(store, "_call", lost_reply)
    assert store.update(KEY, increment).streak.count == 2
    monkeypatch.undo()
    assert store.load(KEY).streak.count == 2
    assert store.conflicts_retried == conflicts


def test_a_missing_table_is_a_store_error(store):
    missing = DynamoDbStore("no-such-table", region="eu-west-1")
    for call in (missing.ping, lambda: missing.load(KEY), lambda: missing.update(KEY, increment)):
        with pytest.raises(StoreError):
            call()


def test_no_region_is_a_store_error():
    with pytest.raises(StoreError):
        DynamoDbStore(TABLE).load(KEY)


def test_an_unreachable_endpoint_is_a_quick_store_error():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    store = DynamoDbStore(TABLE, region="eu-west-1", endpoint_url=f"http://127.0.0.1:{port}", timeout_s=0.2)
    began = time.perf_counter()
    with pytest.raises(StoreError):
        store.update(KEY, increment)
    assert time.perf_counter() - began < 3


def test_an_endpoint_that_never_answers_times_out_as_a_store_error():
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        store = DynamoDbStore(
            TABLE, region="eu-west-1", endpoint_url=f"http://127.0.0.1:{silent.getsockname()[1]}", timeout_s=0.2
        )
        began = time.perf_counter()
        with pytest.raises(StoreError):
            store.ping()
        assert time.perf_counter() - began < 3
