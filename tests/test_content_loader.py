"""Broken content stops start-up with a message naming the file and the YAML path, never a traceback."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from skill.cli import main
from skill.content import ContentError, load_library
from skill.settings import Settings
from skill.alexa import load_checked_library

REAL_CONTENT = Settings().content_dir


@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(REAL_CONTENT, target)
    return target


def edit(directory: Path, name: str, change: Callable[[Any], None]) -> None:
    path = directory / name
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def problems_for(directory: Path) -> list[str]:
    with pytest.raises(ContentError) as failure:
        load_checked_library(Settings(content_dir=directory))
    return [str(p) for p in failure.value.problems]


def assert_problem(directory: Path, *fragments: str) -> None:
    found = problems_for(directory)
    assert any(all(f in p for f in fragments) for p in found), f"no problem with {fragments} in:\n" + "\n".join(found)


def test_the_real_content_loads(library) -> None:
    content = library.default
    assert len(content.principles) == 10
    assert [p.number for p in content.principles] == list(range(1, 11))
    assert len(content.situations) >= 15
    assert all(len(s.utterances) >= 10 for s in content.situations)
    assert all(len(s.validate) >= 3 for s in content.situations)
    assert all(len(p.short) >= 3 for p in content.principles)
    assert "I feel pushed away" in content.situation("pushed_away").utterances


def test_unknown_field(content_dir: Path) -> None:
    edit(content_dir, "principles.yaml", lambda d: d["principles"][2].update(colour="blue"))
    assert_problem(content_dir, "principles.yaml: principles[2].colour", "unknown field")


def test_missing_field(content_dir: Path) -> None:
    edit(content_dir, "situations.yaml", lambda d: d["situations"][1].pop("choice"))
    assert_problem(content_dir, "situations.yaml: situations[1].choice", "missing required field")


def test_dangling_principle_reference(content_dir: Path) -> None:
    edit(content_dir, "situations.yaml", lambda d: d["situations"][0]["principles"].append("be_perfect"))
    assert_problem(content_dir, "situations.yaml: situations[0].principles[", "'be_perfect' is not the id of a principle")


def test_duplicate_sample_utterance_across_intents(content_dir: Path) -> None:
    edit(content_dir, "situations.yaml", lambda d: d["situations"][3]["utterances"].append("I feel pushed away"))
    assert_problem(content_dir, "situations.yaml: situations[3].utterances[", "duplicate sample utterance",
                   "situations[0].utterances")


def test_unsupported_ssml_tag(content_dir: Path) -> None:
    edit(content_dir, "principles.yaml", lambda d: d["principles"][0]["short"].__setitem__(1, "<b>Bold</b> words."))
    assert_problem(content_dir, "principles.yaml: principles[0].short[1]", "<b> is not one Alexa supports")


def test_break_over_ten_seconds(content_dir: Path) -> None:
    edit(content_dir, "dialog.yaml", lambda d: d["steady"]["moment"].__setitem__(0, 'Breathe. <break time="12s"/>'))
    assert_problem(content_dir, "dialog.yaml: steady.moment[0]", "10 s limit")


def test_ampersand_is_not_well_formed(content_dir: Path) -> None:
    edit(content_dir, "dialog.yaml", lambda d: d["goodbye"].__setitem__(0, "Take care & rest."))
    assert_problem(content_dir, "dialog.yaml: goodbye[0]", "not well-formed SSML")


def test_too_long(content_dir: Path) -> None:
    edit(content_dir, "principles.yaml", lambda d: d["principles"][4]["short"].__setitem__(0, "word " * 60))
    assert_problem(content_dir, "principles.yaml: principles[4].short[0]", "60 words; the limit here is 45")


def test_missing_dialog_pool(content_dir: Path) -> None:
    edit(content_dir, "dialog.yaml", lambda d: d.pop("goodbye"))
    assert_problem(content_dir, "dialog.yaml: goodbye", "missing: the dialogue needs this pool")


def test_wrong_placeholder(content_dir: Path) -> None:
    edit(content_dir, "dialog.yaml", lambda d: d["guide"]["intro"].__setitem__(0, "Here is {name}."))
    assert_problem(content_dir, "dialog.yaml: guide.intro[0]", "must use {title}")


def test_unknown_event(content_dir: Path) -> None:
    edit(content_dir, "intents.yaml", lambda d: d["intents"][0].update(event="dance"))
    assert_problem(content_dir, "intents.yaml:", "event 'dance' is not one the dialogue knows")


def test_digits_in_a_sample(content_dir: Path) -> None:
    edit(content_dir, "intents.yaml", lambda d: d["intents"][0]["samples"].append("tell me principle 3"))
    assert_problem(content_dir, "intents.yaml: intents[0].samples[", "only letters")


def test_undefined_slot_in_a_sample(content_dir: Path) -> None:
    edit(content_dir, "intents.yaml", lambda d: d["intents"][0]["samples"].append("tell me about {Mood}"))
    assert_problem(content_dir, "intents.yaml: intents[0].samples[", "names slot {Mood}")


def test_duplicate_principle_number(content_dir: Path) -> None:
    edit(content_dir, "principles.yaml", lambda d: d["principles"][1].update(number=1))
    assert_problem(content_dir, "principles.yaml: principles[1].number", "already used by principles[0]")


def test_yaml_syntax_error_names_the_line(content_dir: Path) -> None:
    path = content_dir / "dialog.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\nbroken: [unclosed\n", encoding="utf-8")
    assert_problem(content_dir, "dialog.yaml: line", "is not valid YAML")


def test_duplicate_yaml_key(content_dir: Path) -> None:
    path = content_dir / "dialog.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\ngoodbye:\n- Bye.\n", encoding="utf-8")
    assert_problem(content_dir, "dialog.yaml: line", "duplicate key 'goodbye'")


def test_missing_file(content_dir: Path) -> None:
    (content_dir / "situations.yaml").unlink()
    assert_problem(content_dir, "situations.yaml", "file not found")


def test_every_problem_is_reported_at_once(content_dir: Path) -> None:
    edit(content_dir, "principles.yaml", lambda d: d["principles"][0].update(colour="blue"))
    edit(content_dir, "situations.yaml", lambda d: d["situations"][0].pop("name"))
    found = problems_for(content_dir)
    assert any("principles[0].colour" in p for p in found)
    assert any("situations[0].name" in p for p in found)


def test_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(ContentError, match="content directory not found"):
        load_library(tmp_path / "nowhere")


def test_validate_command_reports_and_fails(content_dir: Path, monkeypatch, capsys) -> None:
    edit(content_dir, "dialog.yaml", lambda d: d.pop("goodbye"))
    monkeypatch.setenv("SECURE_BASE_CONTENT_DIR", str(content_dir))
    assert main(["validate"]) == 2
    err = capsys.readouterr().err
    assert "dialog.yaml: goodbye: missing" in err
    assert "Traceback" not in err


def test_validate_command_passes_on_the_real_content(capsys) -> None:
    assert main(["validate"]) == 0
    assert "OK" in capsys.readouterr().out
