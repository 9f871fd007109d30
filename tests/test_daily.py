"""Today's principle through the Flask route: one per person per local day, stored across sessions."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from skill.alexa.envelopes import Device
from skill.web import create_app
from tests.alexa_client import AlexaClient

DAY_ONE = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)


def _today(alexa: AlexaClient, moment: datetime) -> str:
    """Ask for today's principle in a new one-shot session and return the principle spoken."""
    alexa.moment = moment
    alexa.session_id, alexa.attributes = None, {}
    reply = alexa.intent("DailyPrincipleIntent")
    assert reply.status == 200 and reply.state.node == "guiding", reply.keys
    assert "daily.intro" in reply.keys
    return reply.state.principle


def test_same_principle_all_day_and_a_new_one_the_next_day(alexa) -> None:
    morning = _today(alexa, DAY_ONE.replace(hour=7))
    evening = _today(alexa, DAY_ONE.replace(hour=22))
    tomorrow = _today(alexa, DAY_ONE + timedelta(days=1))
    assert morning == evening
    assert tomorrow != morning


def test_ten_days_give_all_ten_principles(alexa, content) -> None:
    served = [_today(alexa, DAY_ONE + timedelta(days=n)) for n in range(10)]
    assert sorted(served) == sorted(p.id for p in content.principles)


def test_each_person_has_their_own_order(client) -> None:
    orders = []
    for _ in range(4):
        alexa = AlexaClient(client)
        orders.append(tuple(_today(alexa, DAY_ONE + timedelta(days=n)) for n in range(3)))
    assert len(set(orders)) > 1


def test_the_day_is_the_persons_local_day(settings, library) -> None:
    """09:00 UTC is the 25th in both; 23:30 UTC is already the 26th in Auckland: a new day there, the same day in Los Angeles."""
    late = DAY_ONE.replace(hour=23, minute=30)
    for zone, expect_new_day in (("Pacific/Auckland", True), ("America/Los_Angeles", False)):
        app = create_app(settings.with_changes(data_dir=settings.data_dir / zone.replace("/", "_")), library=library,
                         time_zone=lambda handler_input, zone=zone: zone)
        alexa = AlexaClient(app.test_client())
        first = _today(alexa, DAY_ONE.replace(hour=9))
        later = _today(alexa, late)
        assert (later != first) is expect_new_day, zone


def test_the_principle_offers_more_or_the_practice(alexa) -> None:
    alexa.launch()
    reply = alexa.intent("DailyPrincipleIntent")
    assert reply.state.offer == ("more", "practice")
    assert reply.card is not None
    more = alexa.intent("AMAZON.YesIntent")
    assert any(key.endswith(".more") for key in more.keys)


def test_delete_my_data_then_todays_principle_starts_a_new_rotation(alexa) -> None:
    served = [_today(alexa, DAY_ONE + timedelta(days=n)) for n in range(3)]
    alexa.launch()
    ask = alexa.intent("DeleteDataIntent")
    assert ask.keys == ("data.confirm",) and ask.state.node == "confirm_delete" and not ask.ended
    done = alexa.intent("AMAZON.YesIntent")
    assert done.keys == ("data.deleted",) and not done.ended
    again = alexa.launch()
    assert "launch.first" in again.keys, "after deletion the person is new again"
    fresh = [_today(alexa, DAY_ONE + timedelta(days=3 + n)) for n in range(10)]
    assert sorted(fresh) == sorted(set(fresh)), "a new rotation: ten different principles"
    assert served  # the old rotation existed before


def test_no_keeps_the_data(alexa) -> None:
    first = _today(alexa, DAY_ONE)
    alexa.launch()
    alexa.intent("DeleteDataIntent")
    kept = alexa.intent("AMAZON.NoIntent")
    assert kept.keys == ("data.kept",)
    assert _today(alexa, DAY_ONE) == first


def test_skill_disabled_deletes_the_data_and_says_nothing(alexa, app) -> None:
    from skill.alexa import envelopes

    _today(alexa, DAY_ONE)
    store = app.extensions["secure_base"]["runner"].store
    key = _stored_key(app, alexa.device)
    assert store.load(key).rotation.position == 1
    body = envelopes.skill_event(alexa.device, "AlexaSkillEvent.SkillDisabled",
                                 {"userInformationPersistenceStatus": "NOT_PERSISTED"})
    reply = alexa.post(body)
    assert reply.status == 200
    assert "outputSpeech" not in reply.response
    assert store.load(key).rotation.position == 0


def test_skill_enabled_is_acknowledged_without_speech(alexa) -> None:
    from skill.alexa import envelopes

    reply = alexa.post(envelopes.skill_event(alexa.device, "AlexaSkillEvent.SkillEnabled"))
    assert reply.status == 200 and "outputSpeech" not in reply.response


def test_returning_people_get_a_shorter_launch_with_their_streak(alexa) -> None:
    assert "launch.first" in alexa.launch().keys
    for n in range(3):
        _today(alexa, DAY_ONE + timedelta(days=n))
    alexa.moment = DAY_ONE + timedelta(days=2, hours=2)
    welcome = alexa.launch()
    assert welcome.keys == ("launch.returning_streak",)
    assert "3" in welcome.text
    alexa.moment = DAY_ONE + timedelta(days=9)
    assert alexa.launch().keys == ("launch.returning",), "a broken streak is not mentioned"


def test_a_store_that_fails_still_gives_todays_principle(settings, library) -> None:
    from skill.store import StoreError
    from skill.store.sqlite import SqliteStore

    class Broken(SqliteStore):
        def _read(self, key):  # noqa: ANN001, ANN202 - the store's own signature
            raise StoreError("disk on fire")

    app = create_app(settings, library=library, store=Broken(settings.data_dir / "x.sqlite3"))
    alexa = AlexaClient(app.test_client(), device=Device())
    assert _today(alexa, DAY_ONE) == _today(AlexaClient(app.test_client()), DAY_ONE), \
        "the fallback is chosen by date alone"


def _stored_key(app, device: Device) -> str:
    from skill.alexa.privacy import hash_user_id

    return hash_user_id(device.user_id, app.extensions["secure_base"]["settings"].id_salt)


@pytest.mark.parametrize("moment", [DAY_ONE, DAY_ONE + timedelta(days=1)])
def test_the_principle_is_spoken_with_its_number(alexa, content, moment) -> None:
    principle = content.principle(_today(alexa, moment))
    alexa.session_id = None
    alexa.moment = moment
    reply = alexa.intent("DailyPrincipleIntent")
    assert str(principle.number) in reply.text


def test_the_settings_api_answer_sets_the_local_day_through_the_sdk(settings, library, monkeypatch) -> None:
    """The real path: the SDK's UPS service client, our timed client, a faked HTTPS answer."""
    import io

    asked = []

    class Answer(io.BytesIO):
        status = 200
        headers = {"Content-Type": "application/json"}

        def __enter__(self):  # noqa: ANN204
            return self

        def __exit__(self, *exc: object) -> None:
            self.close()

    def urlopen(request, timeout):  # noqa: ANN001, ANN202
        asked.append((request.full_url, request.get_header("Authorization"), timeout))
        return Answer(b'"Pacific/Auckland"')

    monkeypatch.setattr("urllib.request.urlopen", urlopen)
    app = create_app(settings, library=library)
    alexa = AlexaClient(app.test_client(), device=Device(api_access_token="token-1"))
    first = _today(alexa, DAY_ONE.replace(hour=9))
    later = _today(alexa, DAY_ONE.replace(hour=23, minute=30))
    assert later != first, "23:30 UTC is the next day in Auckland"
    url, auth, timeout = asked[0]
    assert url.endswith(f"/v2/devices/{alexa.device.device_id}/settings/System.timeZone")
    assert auth == "Bearer token-1" and timeout < 1
